"""The hostile supplier: lies the reference server tells, properly signed (issue 14).

Each knob is a share of orders (0..1) the lie applies to, decided by the order number
(the same order gets the same lie in its create reply, its queries, the list and its
webhooks). The books stay true: only what is said about an order is wrong.

    overcharge      `charged` 999.0000, far above quantity x max_unit_cost
    overdeliver     `delivered_qty` quantity + 1 on success
    short_delivery  `delivered_qty` 0 (and no cards) on success
    other_product   another `product_id`
    other_quantity  another `quantity`
    extra_cards     two cards more than ordered
    over_refund     `refunded` one yuan above `charged`
    hide_created    the order is created and charged, then a signed 429 is the reply
    refuse_create   a signed 429 to the create, before the order is read (nothing created);
                    quotes, queries and the balance still answer
    contradict_hook after a final webhook, another one with the opposite final state
    hooks_only      not a lie of its own: the lies of such an order are told in its webhooks
                    only (create replies, queries and the list stay true), so a test knows
                    the webhook alone told it
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Callable

from kameng_tui.suppliers.http import protocol as P

LIES = ("overcharge", "overdeliver", "short_delivery", "other_product", "other_quantity", "extra_cards",
        "over_refund", "hide_created", "refuse_create", "contradict_hook", "hooks_only")


def lies_about(rate: float, knob: str, order_no: str | None) -> bool:
    """Whether this order gets this lie: a stable draw from the number, not the dice."""
    if rate <= 0 or not order_no:
        return False
    if rate >= 1:
        return True
    digest = hashlib.sha256(f"{knob}:{order_no}".encode()).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < rate


def told(faults: object, doc: dict | None, card: Callable[[str, int], dict], *, hook: bool = False) -> dict | None:
    """The order document as the lying supplier tells it (a copy; the books keep the truth).
    `hook`: told in a webhook (with `hooks_only`, the only place the lies are told)."""
    if doc is None:
        return None
    no = doc.get("client_order_no")
    hit = lambda knob: lies_about(float(getattr(faults, knob, 0.0)), knob, no)  # noqa: E731
    if not hook and hit("hooks_only"):
        return dict(doc)
    out = dict(doc)
    succeeded = out.get("state") == "succeeded"
    if hit("over_refund"):
        out["refunded"] = P.money_out(Decimal(out["charged"]) + 1)
    if hit("overcharge"):
        out["charged"] = "999.0000"
    if hit("overdeliver") and succeeded:
        out["delivered_qty"] = int(out["quantity"]) + 1
    if hit("short_delivery") and succeeded:
        out["delivered_qty"], out["cards"] = 0, []
    if hit("extra_cards") and out.get("cards"):
        qty = int(out["quantity"])
        out["cards"] = list(out["cards"]) + [card(str(no), qty + i) for i in range(2)]
    if hit("other_product"):
        out["product_id"] = f"{out['product_id']}-X"
    if hit("other_quantity"):
        out["quantity"] = int(out["quantity"]) + 1
    return out


def contradiction(faults: object, doc: dict) -> dict | None:
    """For a final order document, the same order with the opposite final state."""
    if not lies_about(float(getattr(faults, "contradict_hook", 0.0)), "contradict_hook", doc.get("client_order_no")):
        return None
    flipped = {"succeeded": "failed", "failed": "succeeded"}.get(str(doc.get("state")))
    if flipped is None:
        return None
    out = dict(doc, state=flipped, updated_seq=int(doc.get("updated_seq") or 0) + 1)
    if flipped == "failed":
        out.update(delivered_qty=0, cards=[], reason="contradiction (injected)")
    return out
