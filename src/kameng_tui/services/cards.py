"""Delivered cards, decrypted at the one place they may leave: a screen or an export
on request. Masked (ABCD****WXYZ) unless revealed."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from kameng_tui.domain.models import Order, mask
from kameng_tui.ledger.ports import OrderStore


@dataclass(frozen=True)
class CardReader:
    """What opening delivered cards needs: the stored blobs and the sealer (None without a data key)."""

    ledger: OrderStore
    sealer: Callable[[], Any]


def reveal_cards(deps: CardReader, order: Order, reveal: bool) -> list[dict[str, Any]]:
    stored = deps.ledger.cards(order.order_no)
    if not stored:
        return []
    sealer = deps.sealer()
    out = []
    for c in stored:
        if sealer is None:
            number, password = "(no data key)", "(no data key)"
        else:
            number = sealer.open(c.number_blob, f"{order.order_no}:card{c.index}.number")
            password = sealer.open(c.password_blob, f"{order.order_no}:card{c.index}.password")
            if not reveal:
                number, password = mask(number), mask(password)
        out.append({"number": number, "password": password, "expires": c.expires})
    return out
