"""A batch spread over offers (issue 18): each line gets its offer by the same rule as a
single order (domain/offer_choice.py), in line order, against what is left of each
supplier after the earlier lines: balance - unsettled - what they took, and each
offer's stock less what they hold. So no supplier is overdrawn by our own batch, the
split is the same for the same input, and the confirmation can show it per supplier.

A supplier whose balance is unknown is not limited by this check (as at checkout);
its own refusal is then a definitive failure with nothing charged.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Mapping, Sequence

from kameng_tui.domain.money import fmt
from kameng_tui.domain.offer_choice import Ask, Choice, choose, rank_key
from kameng_tui.domain.offer_values import ZERO, Offer, OffersPolicy, SupplierState
from kameng_tui.messages import Msg


@dataclass(frozen=True)
class BatchLine:
    line: int                         # the line number the reseller typed it on
    product_id: str
    quantity: int = 1
    sku: str | None = None            # a line naming SUPPLIER:SKU pins that offer


@dataclass(frozen=True)
class Share:
    """What a batch takes from one supplier."""

    supplier: str
    lines: int
    quantity: int
    cost: Decimal
    available: Decimal | None         # before the batch (None: unknown)

    @property
    def left(self) -> Decimal | None:
        return None if self.available is None else self.available - self.cost

    @property
    def msg(self) -> Msg:
        if self.left is None:
            return Msg("offer.share.unknown", supplier=self.supplier, lines=self.lines, cost=fmt(self.cost))
        return Msg("offer.share", supplier=self.supplier, lines=self.lines, cost=fmt(self.cost), left=fmt(self.left))


@dataclass(frozen=True)
class Split:
    lines: tuple[tuple[BatchLine, Choice], ...]       # lines with an offer, in line order
    refused: tuple[tuple[BatchLine, Choice], ...]     # lines without one, each offer with its reason
    shares: tuple[Share, ...]                         # per supplier, by name


def split_batch(lines: Sequence[BatchLine], offers: Mapping[str, Sequence[Offer]],
                suppliers: Mapping[str, SupplierState], policy: OffersPolicy, *,
                max_price_rise: Decimal = Decimal("0.50")) -> Split:
    """Each line's offer, tracking what earlier lines take from balances and stock."""
    spent: dict[str, Decimal] = {}
    held: dict[str, int] = {}
    count: dict[str, tuple[int, int]] = {}
    chosen: list[tuple[BatchLine, Choice]] = []
    refused: list[tuple[BatchLine, Choice]] = []
    ranked: dict[str, tuple[Offer, ...]] = {}
    for line in lines:
        mine = ranked.get(line.product_id)
        if mine is None:
            mine = ranked[line.product_id] = tuple(sorted(offers.get(line.product_id, ()), key=rank_key))
        ask = Ask(product_id=line.product_id, offers=mine, quantity=line.quantity, sku=line.sku,
                  max_price_rise=max_price_rise)
        choice = choose(ask, suppliers, policy, spent=spent, held=held, presorted=True)
        o = choice.chosen
        if o is None:
            refused.append((line, choice))
            continue
        chosen.append((line, choice))
        spent[o.supplier] = spent.get(o.supplier, ZERO) + o.unit_cost * line.quantity
        held[o.sku] = held.get(o.sku, 0) + line.quantity
        n, q = count.get(o.supplier, (0, 0))
        count[o.supplier] = (n + 1, q + line.quantity)
    shares = tuple(Share(name, count[name][0], count[name][1], spent[name], suppliers[name].available)
                   for name in sorted(spent))
    return Split(tuple(chosen), tuple(refused), shares)
