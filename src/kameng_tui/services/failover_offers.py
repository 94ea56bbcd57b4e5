"""The offers a re-order chooses from (issue 18): the product of an order's SKU and its
offers as the local catalog cache holds them (the matching rule plus the ledger's links,
services/offers.py), each supplier's last balance less our unsettled orders, and its
health, the same inputs the catalog screen's choice reads (services/offer_board.py).
Local only: nothing here asks a supplier (the re-order's own quote does)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Protocol

from kameng_tui.domain.clock import Clock
from kameng_tui.domain.models import Order, SaleStatus
from kameng_tui.domain.offer_choice import Ask
from kameng_tui.domain.offer_values import Offer, SupplierState
from kameng_tui.domain.supplier_health import health_of
from kameng_tui.services.catalog import CatalogService
from kameng_tui.services.failover import Offers
from kameng_tui.services.offers import OfferService

HEALTH_WINDOW = timedelta(days=1)


class Balances(Protocol):
    def last_balance(self, supplier: str) -> tuple[Decimal, object] | None: ...
    def unsettled_cost(self, supplier: str) -> Decimal: ...


def offers_for(order: Order, catalog: CatalogService, offers: OfferService, balances: Balances,
               clock: Clock) -> Offers | None:
    """The ranked offers of `order`'s product; None when the cache does not know its SKU."""
    match = offers.match()
    pid = match.product_of.get(order.sku)
    if pid is None:
        return None
    skus = set(match.offers.get(pid, [order.sku]))
    # the demo beside a real supplier stands apart (never sold, never chosen), as at checkout
    # (services/offer_pick.py) and on the catalog screen: a re-order never goes to it
    view = catalog.suppliers.view()
    real = {s for s in skus if not view.is_demo(s.split(":", 1)[0])}
    skus = real or skus
    cols = catalog.cache.columns()
    on = SaleStatus.ON.value
    found = [Offer(cols.sku[r], cols.supplier[r], pid, Decimal(cols.cost[r]) / 10_000, cols.status[r] == on,
                   cols.stock[r]) for r in range(len(cols.sku)) if cols.sku[r] in skus]
    calls = catalog.cache.supplier_calls(clock.now() - HEALTH_WINDOW)
    states = {}
    for name in catalog.suppliers.names:
        last = balances.last_balance(name)
        states[name] = SupplierState(name, None if last is None else last[0], balances.unsettled_cost(name),
                                     health_of(calls.get(name, [])))
    return Offers(Ask(pid, tuple(found), quantity=order.quantity), states, catalog.config.offers)
