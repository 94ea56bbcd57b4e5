"""Which offer of a product to order from (issue 18), as a pure function.

Rank every offer by unit cost (ties: more stock, then supplier name, then SKU) and
take the first eligible one: on shelf, in stock for the quantity, its supplier known,
healthy, and its available balance (balance - unsettled - what earlier batch lines
took) covering the cost. Every other offer keeps the reason it was skipped, so the
detail pane, `order @ID`'s refusal and the creating event can say why.

A pin (`[offers.pin]`, or `order SUPPLIER:SKU`) means only that offer: when it is not
eligible there is no choice, with the pin's reason; never a silent fallback.

After a refusal before the intent (quote refused, out of stock, balance short by our
check), `after_refusal` adds the refused offer's reason and the next choice skips it;
with `confirmed_cost` set, an offer above it by more than `max_price_rise` is not
taken (`over_cap` names it: the TUI asks again, the CLI stops).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Mapping

from kameng_tui.domain import offer_values as v
from kameng_tui.domain.money import fmt
from kameng_tui.domain.offer_values import Offer, OffersPolicy, Param, Skip, SupplierState, shown_id
from kameng_tui.messages import Msg

NO_SPENT: Mapping[str, Decimal] = {}
NO_HELD: Mapping[str, int] = {}


@dataclass(frozen=True)
class Ask:
    """What to choose for: a product's offers, the quantity, and what the re-pick knows."""

    product_id: str
    offers: tuple[Offer, ...]
    quantity: int = 1
    sku: str | None = None                        # `order SUPPLIER:SKU`: only this offer
    confirmed_cost: Decimal | None = None         # the unit cost the user confirmed
    max_price_rise: Decimal = Decimal("0.50")     # [checkout] max_price_rise, per unit
    refused: Mapping[str, Skip] = field(default_factory=dict)   # SKU -> its refusal before the intent


@dataclass(frozen=True)
class Ranked:
    offer: Offer
    skip: Skip | None = None          # None: eligible


@dataclass(frozen=True)
class Choice:
    product_id: str
    quantity: int
    chosen: Offer | None
    ranked: tuple[Ranked, ...]        # every offer, best first
    pinned: str | None = None         # the supplier (config) or SKU (`order SUPPLIER:SKU`) pinned to
    pin_skip: Skip | None = None      # no choice: why the pinned offer cannot be ordered
    over_cap: Offer | None = None     # no choice: the cheapest offer skipped only as above the confirmed cost
    pinned_sku: bool = False          # `pinned` is a SKU (`order SUPPLIER:SKU`), not a supplier (`[offers.pin]`)

    @property
    def skipped(self) -> tuple[Ranked, ...]:
        return tuple(r for r in self.ranked if r.skip is not None)

    def skip_lines(self) -> list[Msg]:
        """One line per skipped offer: its SKU, cost and reason (exit 2's list)."""
        return [Msg("offer.skip_line", sku=r.offer.sku, cost=fmt(r.offer.unit_cost), reason=r.skip.msg)
                for r in self.skipped if r.skip is not None]

    def _win(self) -> tuple[str, dict[str, Param]]:
        """Why the chosen offer wins, as a code and parameters (or why nothing was chosen)."""
        c = self.chosen
        if c is None:
            product = shown_id(self.product_id)
            if self.over_cap is not None:
                o = self.over_cap
                limit = next(r.skip.params["limit"] for r in self.ranked if r.offer is o and r.skip is not None)
                return "over_cap", {"product": product, "sku": o.sku, "cost": fmt(o.unit_cost), "limit": limit}
            if self.pinned is not None:
                if self.pin_skip is None:
                    return "pin_missing", {"product": product, "pin": self.pinned}
                return "pinned_refused", {"product": product, "pin": self.pinned}
            if not self.ranked:
                return "no_offers", {"product": product}
            return "none_eligible", {"product": product, "n": len(self.ranked)}
        head: dict[str, Param] = {"sku": c.sku, "cost": fmt(c.unit_cost)}
        if self.pinned is not None:
            return "pinned", {**head, "pin": self.pinned}
        at = next(i for i, r in enumerate(self.ranked) if r.offer is c)
        cheaper = [r for r in self.ranked[:at] if r.skip is not None and r.offer.unit_cost < c.unit_cost]
        if cheaper:
            s = cheaper[0].offer
            return "after_skip", {**head, "skipped": s.sku, "skipped_cost": fmt(s.unit_cost)}
        runner = next((r.offer for r in self.ranked[at + 1:] if r.skip is None), None)
        if runner is None:
            return "only", head
        params = {**head, "next": runner.sku, "next_cost": fmt(runner.unit_cost)}
        if runner.unit_cost > c.unit_cost:
            return "cheapest", params
        return ("tie_stock" if runner.stock != c.stock else "tie_name"), params

    @property
    def why(self) -> Msg:
        """One sentence: why the chosen offer wins, or why there is none."""
        code, params = self._win()
        if code == "after_skip":
            skipped = next(r for r in self.ranked if r.offer.sku == params["skipped"])
            assert skipped.skip is not None
            return Msg("offer.win.after_skip", **params, reason=skipped.skip.msg)
        if code == "pinned_refused":
            assert self.pin_skip is not None
            return Msg("offer.none.pinned_refused", **params, reason=self.pin_skip.msg)
        return Msg(f"offer.win.{code}", **params) if self.chosen is not None else Msg(f"offer.none.{code}", **params)

    def record(self) -> dict[str, object]:
        """What the creating event holds: the chosen offer, why, and every skipped offer's
        reason as a code and parameters (plain JSON: strings and integers)."""
        code, params = self._win()
        c = self.chosen
        return {
            "product_id": self.product_id,
            "chosen": None if c is None else {"sku": c.sku, "supplier": c.supplier, "unit_cost": fmt(c.unit_cost)},
            "win": {"code": code, "params": params} if c is not None else None,
            "refusal": {"code": code, "params": params} if c is None else None,
            "skipped": [{"sku": r.offer.sku, "code": r.skip.code, "params": dict(r.skip.params)}
                        for r in self.skipped if r.skip is not None],
            **({} if self.pinned is None else {"pin": self.pin_record()}),
        }

    def pin_record(self) -> dict[str, object] | None:
        """The pin as a code and parameters (`sku` {sku} or `supplier` {supplier}), kept
        with the chosen offer so a re-order of the order stays on it (services/failover.py)."""
        if self.pinned is None:
            return None
        return {"code": "sku", "params": {"sku": self.pinned}} if self.pinned_sku else \
            {"code": "supplier", "params": {"supplier": self.pinned}}


def rank_key(o: Offer) -> tuple[Decimal, int, int, str, str]:
    """Cost first; then more stock (a known stock before an unknown one), supplier, SKU."""
    return (o.unit_cost, 0 if o.stock is not None else 1, -(o.stock or 0), o.supplier, o.sku)


def choose(ask: Ask, suppliers: Mapping[str, SupplierState], policy: OffersPolicy, *,
           spent: Mapping[str, Decimal] = NO_SPENT, held: Mapping[str, int] = NO_HELD,
           presorted: bool = False) -> Choice:
    """The offer to order, every offer ranked with why it was skipped.

    `spent`: supplier -> what earlier lines of the same batch take from its balance;
    `held`: SKU -> units earlier lines take from its stock; `presorted`: `ask.offers`
    are in `rank_key` order already (a batch sorts each product's offers once)."""
    pin = ask.sku if ask.sku is not None else policy.pin_of(ask.product_id)
    ranked: list[Ranked] = []
    chosen: Offer | None = None
    for o in ask.offers if presorted else sorted(ask.offers, key=rank_key):
        skip = _skip(o, ask, suppliers, policy, spent, held)
        ranked.append(Ranked(o, skip))
        if skip is None and chosen is None:
            chosen = o
    pin_skip = None
    if chosen is None and pin is not None:
        mine = [r for r in ranked if (r.offer.sku if ask.sku is not None else r.offer.supplier) == pin]
        pin_skip = mine[0].skip if mine else None
    over_cap = None
    if chosen is None:
        over_cap = next((r.offer for r in ranked if r.skip is not None and r.skip.code == "pricier_than_confirmed"),
                        None)
    return Choice(ask.product_id, ask.quantity, chosen, tuple(ranked), pin, pin_skip, over_cap,
                  pinned_sku=ask.sku is not None)


def _skip(o: Offer, ask: Ask, suppliers: Mapping[str, SupplierState], policy: OffersPolicy,
          spent: Mapping[str, Decimal], held: Mapping[str, int]) -> Skip | None:
    """The first reason `o` cannot be ordered, in a fixed order (the policy's, then the
    offer's own, then its supplier's, then the price cap); None when it can."""
    if ask.sku is not None:                     # an explicit SKU stands above pins and exclusions
        if o.sku != ask.sku:
            return v.pinned_elsewhere(o, ask.sku)
    else:
        pin = policy.pin_of(o.product_id)
        if pin is not None and o.supplier != pin:
            return v.pinned_elsewhere(o, pin)
        if o.supplier in policy.exclude:
            return v.excluded(o)
    state = suppliers.get(o.supplier)
    if state is None:
        return v.no_supplier(o)
    if o.sku in ask.refused:
        return ask.refused[o.sku]
    if not o.on_shelf:
        return v.off_shelf(o)
    if o.stock is not None:
        left = o.stock - held.get(o.sku, 0)
        if left < ask.quantity:
            return v.out_of_stock(o, left, ask.quantity)
    if not state.health.ok:
        return v.unhealthy(o, state.health.why or "unknowns")
    available = state.available
    if available is not None:
        need, have = o.unit_cost * ask.quantity, available - spent.get(o.supplier, v.ZERO)
        if need > have:
            return v.balance_short(o, need, have)
    if ask.confirmed_cost is not None:
        limit = ask.confirmed_cost + ask.max_price_rise
        if o.unit_cost > limit:
            return v.pricier_than_confirmed(o, limit)
    return None


def refusal_skip(o: Offer, code: str) -> Skip:
    """A supplier's refusal before the intent (its shared error code) as a skip reason."""
    return v.refused(o, code)


def after_refusal(ask: Ask, refused: Offer, code: str, *, confirmed_cost: Decimal | None = None) -> Ask:
    """The ask for the next offer after `refused` was refused before the intent (its
    shared error code): it is skipped with the refusal as its reason, and the next may
    cost at most `max_price_rise` above `confirmed_cost` (the cost the user confirmed)."""
    return skip_with(ask, refused, refusal_skip(refused, code), confirmed_cost=confirmed_cost)


def skip_with(ask: Ask, refused: Offer, skip: Skip, *, confirmed_cost: Decimal | None = None) -> Ask:
    """As `after_refusal`, with our own reason (e.g. balance short by a fresh balance)."""
    return replace(ask, refused={**ask.refused, refused.sku: skip},
                   confirmed_cost=confirmed_cost if confirmed_cost is not None else ask.confirmed_cost)
