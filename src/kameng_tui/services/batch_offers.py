"""A batch's lines through the offer policy (issue 18): lines written `@ID` (and lines of
a SKU of a product of several offers, which pin that offer) get their offer by the same
rule as a single order, split in line order so the batch never overdraws a supplier by
its own lines (domain/offer_split.py); the confirmation shows the split per supplier.

The keys the batch's guards compare (the duplicate-line check, the batch identity) are
the product (`@ID`) where the catalog knows the SKU's product, so the same top-up written
via another supplier is the same line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Mapping, Sequence

from kameng_tui.domain.batch_input import BatchLine
from kameng_tui.domain.offer_choice import Choice
from kameng_tui.domain.offer_split import BatchLine as SplitLine
from kameng_tui.domain.offer_split import Share, split_batch
from kameng_tui.domain.offer_values import Offer, shown_id
from kameng_tui.services.offer_pick import OfferPicker, is_product_id


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
