"""A batch's lines through the offer policy (issue 18): lines written `@ID` (and lines of
a SKU of a product of several offers, which pin that offer) get their offer by the same
rule as a single order, split in line order so the batch never overdraws a supplier by
its own lines (domain/offer_split.py); the confirmation shows the split per supplier.

The keys the batch's guards compare (the duplicate-line check, the batch identity) are
the product (`@ID`) where the catalog knows the SKU's product, so the same top-up written
via another supplier is the same line.

A line whose chosen offer is refused by its fresh quote (out of stock, off shelf, the
quote refused) is not an order yet: it takes the next offer with the refused one
skipped for that reason (`next_choice`), as a single `order @ID` does; a pinned line's
refusal stays its own (a bad line). The split per supplier is then worked out again
from what the lines finally took (`reshare`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
import asyncio
from dataclasses import replace
from typing import TYPE_CHECKING, Iterable, Mapping, Sequence

from kameng_tui.domain.batch_input import BatchLine
from kameng_tui.domain.choice_errors import refusal_of
from kameng_tui.domain.errors import KamengError
from kameng_tui.domain.offer_choice import Choice
from kameng_tui.domain.offer_split import BatchLine as SplitLine
from kameng_tui.domain.offer_split import Share, split_batch
from kameng_tui.domain.offer_values import Offer, shown_id
from kameng_tui.services.offer_pick import PRE_INTENT_REFUSALS, OfferPicker, is_product_id

if TYPE_CHECKING:  # pragma: no cover
    from kameng_tui.services.checkout import CheckoutService, OrderInput, Prepared, Quotes


@dataclass(frozen=True)
class LineChoices:
    choices: Mapping[int, Choice]              # line number -> its choice (lines the policy chose for)
    shares: tuple[Share, ...] = ()             # what the batch takes from each supplier, by name
    keys: Mapping[str, str] = field(default_factory=dict)   # a line's SKU as typed -> what the guards key on


def choose_lines(picker: OfferPicker, lines: Sequence[BatchLine], max_price_rise: Decimal) -> LineChoices:
    """Blocking (reads the catalog cache): each policy line's choice and the split."""
    keys: dict[str, str] = {}
    split_lines: list[SplitLine] = []
    offers: dict[str, tuple[Offer, ...]] = {}
    for line in lines:
        target = line.sku.strip()
        if target not in keys:
            keys[target] = shown_id(target) if is_product_id(target) else (picker.product_key(target) or target)
        ask = picker.ask_for(target, line.quantity, max_price_rise=max_price_rise)
        if ask is None:
            continue
        offers.setdefault(ask.product_id, ask.offers)
        split_lines.append(SplitLine(line.line_no, ask.product_id, ask.quantity, ask.sku))
    if not split_lines:
        return LineChoices({}, (), keys)
    split = split_batch(split_lines, offers, picker.board.supplier_states(), picker.offers.catalog.config.offers,
                        max_price_rise=max_price_rise)
    choices = {line.line: choice for line, choice in (*split.lines, *split.refused)}
    return LineChoices(choices, split.shares, keys)


def next_choice(picker: OfferPicker, target: str, quantity: int, refused: Sequence[tuple[Offer, KamengError]],
                max_price_rise: Decimal) -> Choice | None:
    """Blocking (reads the catalog cache): the line's choice with every offer its fresh
    quotes refused skipped for that refusal (None: the target is no product now)."""
    ask = picker.ask_for(target, quantity, max_price_rise=max_price_rise)
    if ask is None:
        return None
    for offer, exc in refused:
        ask = picker.next_ask(ask, offer, exc, None)
    return picker.choose(ask)


def reshare(shares: Sequence[Share], taken: Iterable[tuple[str, int, Decimal]],
            available: Mapping[str, Decimal | None]) -> tuple[Share, ...]:
    """The split per supplier from what each policy line finally took (supplier, quantity,
    total cost); `available`: each supplier's before the batch (the first split's, else
    the choice's supplier state)."""
    before = {s.supplier: s.available for s in shares}
    count: dict[str, tuple[int, int, Decimal]] = {}
    for supplier, quantity, cost in taken:
        n, q, c = count.get(supplier, (0, 0, Decimal(0)))
        count[supplier] = (n + 1, q + quantity, c + cost)
    return tuple(Share(name, n, q, c, before[name] if name in before else available.get(name))
                 for name, (n, q, c) in sorted(count.items()))


async def prepare_line(checkout: "CheckoutService", line: BatchLine, inp: "OrderInput", choice: Choice | None,
                       quotes: "Quotes") -> tuple["Prepared", Choice | None]:
    """A line validated and quoted on its chosen offer, and the choice it took: a refusal
    of that offer's fresh quote before the intent takes the next offer (a pinned line's
    refusal, or a line with no next offer, is raised: the line is bad)."""
    refused: list[tuple[Offer, KamengError]] = []
    while True:
        if choice is not None and choice.chosen is None:
            raise refusal_of(choice)
        if choice is not None and choice.chosen is not None:
            inp = replace(inp, sku=choice.chosen.sku)
        try:
            return await checkout.prepare(inp, check_balance=False, quotes=quotes), choice
        except PRE_INTENT_REFUSALS as exc:
            picker = checkout.picker
            if picker is None or choice is None or choice.chosen is None or choice.pinned is not None:
                raise
            refused.append((choice.chosen, exc))
            choice = await asyncio.to_thread(next_choice, picker, line.sku.strip(), line.quantity, refused,
                                             checkout.config.checkout.max_price_rise)
            if choice is None:
                raise
