"""Delivered cards, decrypted at the one place they may leave: a screen or an export
on request. Masked (ABCD****WXYZ) unless revealed.

A card sealed with a key this terminal does not hold (a team ledger's clerk without the
team's key, issue 19) is shown as such (`locked`: other_key with the sealing key's id,
or no_key), never as an error or as garbage. Every reveal, copy or `--reveal` export
appends a chained `revealed` event first (reveal_and_record): which act, how many cards,
the operator; never a card's text.
"""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field
from typing import Any, Callable

from kameng_tui.domain.clock import Clock
from kameng_tui.domain.models import Order, mask
from kameng_tui.ledger.ports import OrderStore

REVEALED = "revealed"
ACTIONS = ("reveal", "copy", "export")
HIDDEN = "****"


def local_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):        # no name for this uid (a container)
        return "?"


@dataclass(frozen=True)
class CardReader:
    """What opening delivered cards needs: the stored blobs and the sealer (None without
    a data key); to record a reveal, the clock and who reveals ([team] operator, else the
    login name; a team ledger's server adds its own session_user to every event)."""

    ledger: OrderStore
    sealer: Callable[[], Any]
    clock: Clock | None = None
    operator: Callable[[], str] = field(default=local_user)


def _locked(blob: bytes, sealer: Any) -> dict[str, Any] | None:
    from kameng_tui.crypto import blob_key_id

    sealed_by = blob_key_id(blob)
    if sealer is None:
        return {"locked": "other_key", "key_id": sealed_by} if sealed_by else {"locked": "no_key"}
    return None


def _open(sealer: Any, order_no: str, c: Any) -> tuple[str, str] | dict[str, Any]:
    from kameng_tui.crypto import OtherKey

    try:
        return (sealer.open(c.number_blob, f"{order_no}:card{c.index}.number"),
                sealer.open(c.password_blob, f"{order_no}:card{c.index}.password"))
    except OtherKey as exc:
        return {"locked": "other_key", "key_id": exc.key_id}


def reveal_cards(deps: CardReader, order: Order, reveal: bool) -> list[dict[str, Any]]:
    stored = deps.ledger.cards(order.order_no)
    if not stored:
        return []
    sealer = deps.sealer()
    out: list[dict[str, Any]] = []
    for c in stored:
        opened = _locked(c.number_blob, sealer) or _open(sealer, order.order_no, c)
        if isinstance(opened, dict):
            out.append({"number": HIDDEN, "password": HIDDEN, "expires": c.expires, **opened})
            continue
        number, password = opened
        if not reveal:
            number, password = mask(number), mask(password)
        out.append({"number": number, "password": password, "expires": c.expires})
    return out


def reveal_and_record(deps: CardReader, order: Order, action: str) -> list[dict[str, Any]]:
    """The cards in the clear, after their `revealed` event is chained (a ledger that
    refuses writes shows nothing). Nothing opened (no key, another key): no event."""
    if action not in ACTIONS:
        raise ValueError(action)
    cards = reveal_cards(deps, order, True)
    opened = sum(1 for c in cards if "locked" not in c)
    if opened:
        assert deps.clock is not None          # the composition root hands it in
        deps.ledger.record(order.order_no, REVEALED, {"action": action, "cards": opened,
                                                      "operator": deps.operator()}, at=deps.clock.now())
    return cards
