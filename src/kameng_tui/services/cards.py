"""Delivered cards, decrypted at the one place they may leave: a screen or an export
on request. Masked (ABCD****WXYZ) unless revealed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from kameng_tui.domain.models import Order, mask

if TYPE_CHECKING:
    from kameng_tui.services.context import Context


def reveal_cards(ctx: Context, order: Order, reveal: bool) -> list[dict[str, Any]]:
    stored = ctx.ledger.cards(order.order_no)
    if not stored:
        return []
    sealer = ctx.sealer()
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
