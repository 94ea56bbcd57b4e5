"""Validate and re-quote an order through the offer policy (issue 18, "Choice"): the
checkout's step 1 when the target is a product (`@ID`) or a SKU of a product of
several offers.

The choice is made on local data (services/offer_pick.py); the chosen offer is then
quoted fresh and checked as any order (`CheckoutService.prepare`). A refusal there is
before the intent, so it is not an order: the refused offer is skipped with that
refusal as its reason and the next offer is chosen, before anything is recorded. A
pinned offer (`order SUPPLIER:SKU`, `[offers.pin]`) is never left for another: its
refusal is the order's. With `seen_unit_cost` (the cost the person confirmed), the
next offer may cost at most `max_price_rise` more: above it, NextOfferPricier.
"""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any, Protocol

from kameng_tui.domain.choice_errors import refusal_of
from kameng_tui.domain.offer_choice import Ask
from kameng_tui.domain.offer_values import shown_id
from kameng_tui.services.offer_pick import PRE_INTENT_REFUSALS, OfferPicker
from kameng_tui.services.order_input import OrderInput, Prepared


class Preparer(Protocol):
    @property
    def config(self) -> Any: ...
    async def prepare(self, inp: OrderInput, *, early_repeat: bool = False) -> Prepared: ...


async def prepare_chosen(co: Preparer, picker: OfferPicker, inp: OrderInput, *, early_repeat: bool = False) -> Prepared:
    """`co.prepare` of the offer the policy chooses; `Prepared.choice` says which and why
    (None for a SKU ordered as before) and `product_key` what the guards key on.
    `early_repeat`: as `co.prepare`'s (the repeat window read in the same trip)."""
    rise = co.config.checkout.max_price_rise

    def ask_and_key() -> tuple[Ask | None, str | None]:
        # one trip: the choice to make, and the product key of a SKU typed whole (the TUI's)
        return picker.ask_for(inp.sku, inp.quantity, max_price_rise=rise), picker.product_key(inp.sku)

    ask, key = await asyncio.to_thread(ask_and_key)
    if ask is None:
        prepared = await co.prepare(inp, early_repeat=early_repeat)
        if prepared.product.sku != inp.sku:            # typed short (`HF-CM-10`): keyed on what it resolved to
            key = await asyncio.to_thread(picker.product_key, prepared.product.sku)
        return dataclasses.replace(prepared, product_key=key)
    while True:
        choice = await asyncio.to_thread(picker.choose, ask)
        if choice.chosen is None:
            raise refusal_of(choice)
        try:
            prepared = await co.prepare(dataclasses.replace(inp, sku=choice.chosen.sku), early_repeat=early_repeat)
        except PRE_INTENT_REFUSALS as exc:
            if choice.pinned is not None:           # a pin means only that offer: its refusal is the order's
                raise
            ask = picker.next_ask(ask, choice.chosen, exc, inp.seen_unit_cost)
            continue
        return dataclasses.replace(prepared, choice=choice, product_key=shown_id(choice.product_id))


class HasPicker(Protocol):
    @property
    def picker(self) -> OfferPicker | None: ...


async def by_policy(co: HasPicker, inp: OrderInput) -> OrderInput:
    """The TUI's order of a row's SKU (the catalog's `o`, 再来一单) as an order of its
    product when it is one of several offers: the policy chooses, as `order @ID` does."""
    if co.picker is None:
        return inp
    target = await asyncio.to_thread(co.picker.target_for, inp.sku)
    return inp if target == inp.sku else dataclasses.replace(inp, sku=target)
