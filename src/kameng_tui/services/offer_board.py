"""The catalog screen's products and their offers (issue 18): the inputs of the offer
choice assembled from local data, the choice run once per product when the index is
(re)built, and an index with one row per product showing the chosen offer.

Inputs: offers are the cached SKUs grouped by product id (services/offers.py, the
matching rule and the ledger's links); each supplier's last balance snapshot less
what our unsettled orders may still take; its health from the outcomes our orders
and balance fetches recorded; each offer's delivery figures from our own orders.
Nothing here runs per keystroke: the screen filters the index this builds.

A shop whose products each have one offer (one supplier, or nothing matched across
suppliers) gets the SKU index itself: exactly today's screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Protocol, Sequence
from zoneinfo import ZoneInfo

import numpy as np

from kameng_tui.domain.catalog_index import CatalogColumns, CatalogIndex
from kameng_tui.domain.clock import Clock
from kameng_tui.domain.models import SaleStatus
from kameng_tui.domain.offer_choice import Ask, Choice, choose
from kameng_tui.domain.offer_stats import WINDOW, DeliverySample, OfferStats, offer_stats
from kameng_tui.domain.offer_values import Offer, Skip, SupplierState
from kameng_tui.domain.product_index import ProductIndex
from kameng_tui.domain.supplier_health import health_of
from kameng_tui.domain import tags as tag_rules
from kameng_tui.messages import Msg
from kameng_tui.services.catalog import CatalogService
from kameng_tui.services.offers import OfferService

HEALTH_WINDOW = timedelta(days=1)
"""How far back a supplier's call outcomes are read: a refusal of our key older than a
day with no call since is still a refusal, but a quiet supplier is not judged on it."""


class Balances(Protocol):
    def last_balance(self, supplier: str) -> tuple[Decimal, datetime] | None: ...
    def unsettled_cost(self, supplier: str) -> Decimal: ...


@dataclass(frozen=True)
class OfferLine:
    """One offer as the detail pane lists it."""

    offer: Offer
    skip: Skip | None                 # None: eligible
    chosen: bool
    stats: OfferStats
    supplier: SupplierState
    balance_at: datetime | None


@dataclass(frozen=True)
class ProductOffers:
    """A product's offers, best first, and why the chosen one wins."""

    product_id: str
    lines: tuple[OfferLine, ...]
    why: Msg
    tags: tuple[tag_rules.Tag, ...] = ()     # the product's badges (its row's chips) with their reasons


class OfferBoard:
    def __init__(self, catalog: CatalogService, offers: OfferService, balances: Balances, clock: Clock) -> None:
        self.catalog, self.offers, self.balances, self.clock = catalog, offers, balances, clock
        self._built: tuple[object, CatalogIndex] | None = None
        self._choices: dict[str, Choice] = {}
        self._states: dict[str, SupplierState] = {}
        self._balance_at: dict[str, datetime] = {}
        self._samples: dict[str, list[DeliverySample]] = {}
        self._tag_data: tuple[date, dict[str, list[tag_rules.PricePoint]], CatalogColumns, Sequence[Sequence[int]]] | None = None
        self._own_hot: dict[int, tuple[int, int]] = {}

    # --- the index ----------------------------------------------------------------------------
    def index(self) -> CatalogIndex:
        """One row per product (the SKU index itself when no product has two offers);
        rebuilt only when the catalog, the links, a balance or an unsettled sum changed."""
        sku_index = self.catalog.index()
        match = self.offers.match()
        states = self._supplier_states()
        view = self.catalog.suppliers.view()
        stamp = (id(sku_index), id(match), tuple(sorted(states.items())), view)
        if self._built is not None and self._built[0] == stamp:
            return self._built[1]
        demo = [s for s in states if view.is_demo(s)]
        if all(len(skus) == 1 or _one_real(skus, demo) for skus in match.offers.values()):
            self._built, self._choices = (stamp, sku_index), {}
            return sku_index
        cols = self.catalog.cache.columns()
        index = self._product_index(cols, sku_index, match.product_of, frozenset(demo), states)
        self._built = (stamp, index)
        return index

    def supplier_states(self) -> dict[str, SupplierState]:
        """Each supplier at choice time, as the catalog screen's choice sees it (the
        checkout's `order @ID` chooses by the same states)."""
        return self._supplier_states()

    def _supplier_states(self) -> dict[str, SupplierState]:
        now = self.clock.now()
        calls = self.catalog.cache.supplier_calls(now - HEALTH_WINDOW)
        states: dict[str, SupplierState] = {}
        self._balance_at = {}
        for name in self.catalog.suppliers.names:
            last = self.balances.last_balance(name)
            if last is not None:
                self._balance_at[name] = last[1]
            states[name] = SupplierState(name, None if last is None else last[0], self.balances.unsettled_cost(name),
                                         health_of(calls.get(name, [])))
        self._states = states
        return states

    def _product_index(self, cols: CatalogColumns, sku_index: CatalogIndex, product_of: dict[str, str],
                       demo: frozenset[str], states: dict[str, SupplierState]) -> ProductIndex:
        """Products of the SKUs in catalog order. The demo beside a real supplier stays
        apart, one row per SKU marked 演示 as before: it is never sold to a customer, so
        it neither hides the real offers behind its price nor is chosen over them."""
        policy = self.catalog.config.offers
        synced = {s: self.catalog.cache.last_sync(s) for s in set(cols.supplier)}
        groups: list[list[int]] = []
        pids: list[str] = []
        seen: dict[str, int] = {}
        for r, sku in enumerate(cols.sku):
            pid = sku if cols.supplier[r] in demo else product_of.get(sku, sku)
            k = seen.get(pid)
            if k is None:
                k = seen[pid] = len(pids)
                pids.append(pid)
                groups.append([])
            groups[k].append(r)
        best: list[int] = []
        choices: dict[str, Choice] = {}
        on = SaleStatus.ON.value
        for pid, rows in zip(pids, groups):
            if len(rows) == 1:
                best.append(rows[0])
                continue
            ask = Ask(pid, tuple(Offer(cols.sku[r], cols.supplier[r], pid, Decimal(cols.cost[r]) / 10_000,
                                       cols.status[r] == on, cols.stock[r], synced.get(cols.supplier[r]))
                                 for r in rows))
            c = choices[pid] = choose(ask, states, policy)
            pick = c.chosen if c.chosen is not None else c.ranked[0].offer
            best.append(next(r for r in rows if cols.sku[r] == pick.sku))
        self._choices = choices
        self._samples = self.catalog.cache.delivery_windows(self.clock.now() - WINDOW)
        row_of = sku_index.row_of
        load = self.catalog.index().loader
        best_rows = [row_of[cols.sku[b]] for b in best]
        index = ProductIndex(cols, groups, best, pids, lambda i: load(best_rows[i]))
        index.set_tags(self._tag_rows(index, sku_index, cols, groups))
        return index

    # --- badges per product -------------------------------------------------------------------
    def _tag_rows(self, index: ProductIndex, sku_index: CatalogIndex, cols: CatalogColumns,
                  groups: Sequence[Sequence[int]]) -> dict[str, list[int]]:
        """The SKU index's badges carried to products, with the rules that read more than
        one offer run over them all: 历史低价 from each day's lowest offer against the
        lowest offer now; 热销TOP from the sum of all offers' own sales; 秒到 from all
        offers' latest orders."""
        names = tag_rules.TAG_NAMES
        now = self.clock.now()
        today = now.astimezone(ZoneInfo(self.catalog.config.general.timezone)).date()
        points = self.catalog.cache.price_points(now - timedelta(days=tag_rules.HISTORY_DAYS), min_days=1)
        own = self.catalog.cache.own_sales(now - timedelta(days=30))
        sku_row = [sku_index.row_of[s] for s in cols.sku]
        path_counts = np.bincount(index.path.codes[index.path.codes >= 0], minlength=len(index.path.names))
        leaf = path_counts[np.maximum(index.path.codes, 0)]
        low, hot_mask = tag_rules.column_masks(index.stock, index.alarm, index.rank, leaf,
                                               self.catalog.config.tags.low_stock)
        out: dict[str, set[int]] = {"low_stock": set(np.flatnonzero(low).tolist()),
                                    "hot": set(np.flatnonzero(hot_mask).tolist()), "history_low": set(), "fast": set()}
        sku_tags = {code: sku_index.tags.get(name) for code, name in names.items()}
        sold: list[tuple[str, int, int]] = []
        self._tag_data = (today, points, cols, groups)
        for k, rows in enumerate(groups):
            if len(rows) == 1:                   # one offer: its own badges, as today
                for code in ("history_low", "hot", "fast"):
                    m = sku_tags[code]
                    if m is not None and m[sku_row[rows[0]]]:
                        out[code].add(k)
                continue
            skus = [cols.sku[r] for r in rows]
            offer_points = [points[s] for s in skus if s in points]
            costs = [Decimal(cols.cost[r]) / 10_000 for r in rows]
            if offer_points and tag_rules.offers_history_low(costs, offer_points, today):
                out["history_low"].add(k)
            if tag_rules.offers_fast([[(s.settled_at, s.seconds) for s in self._samples.get(sku, [])
                                       if s.succeeded and s.seconds is not None] for sku in skus]):
                out["fast"].add(k)
            sold.append((cols.category[rows[0]], k, sum(own.get(s, (0, []))[0] for s in skus)))
        leaf_size = {name: int(c) for name, c in zip(index.path.names, path_counts)}
        self._own_hot = tag_rules.offers_hot_own(sold, leaf_size)
        out["hot"] |= set(self._own_hot)
        return {names[code]: sorted(rows) for code, rows in out.items() if rows}

    # --- the detail pane ------------------------------------------------------------------------
    def offers_of(self, product_id: str) -> ProductOffers | None:
        """Every offer of a product of several offers with its figures, best first, and
        why the chosen one wins; None for a product of one offer (the pane as today)."""
        choice = self._choices.get(product_id)
        if choice is None:
            return None
        now = self.clock.now()
        lines = []
        for r in choice.ranked:
            o = r.offer
            state = self._states.get(o.supplier, SupplierState(o.supplier))
            lines.append(OfferLine(o, r.skip, choice.chosen is o, offer_stats(self._samples.get(o.sku, []), now),
                                   state, self._balance_at.get(o.supplier)))
        return ProductOffers(product_id, tuple(lines), choice.why, self._tags(product_id))

    def _tags(self, product_id: str) -> tuple[tag_rules.Tag, ...]:
        """The product's badges with their reasons, by the same rules as its row's chips:
        the chosen offer's own 热销TOP (supplier rank) and 库存紧张, 历史低价 over the lowest
        offer, 秒到 and own-sales 热销TOP over all offers' orders."""
        index = self._built[1] if self._built is not None else None
        if not isinstance(index, ProductIndex) or product_id not in index.row_of_product or self._tag_data is None:
            return ()
        k = index.row_of_product[product_id]
        today, points, cols, groups = self._tag_data
        rows = groups[k]
        skus = [cols.sku[r] for r in rows]
        best = index.loader(k)
        costs = [Decimal(cols.cost[r]) / 10_000 for r in rows]
        hot = tag_rules.hot(best, leaf_size=int(np.count_nonzero(index.path.codes == index.path.codes[k])))
        if hot is None and k in self._own_hot:
            sold, rank = self._own_hot[k]
            hot = tag_rules.Tag("hot", Msg("tag.why.hot_own", sold=sold, rank=rank))
        found = (tag_rules.offers_history_low(costs, [points[s] for s in skus if s in points], today), hot,
                 tag_rules.low_stock(best, self.catalog.config.tags.low_stock),
                 tag_rules.offers_fast([[(x.settled_at, x.seconds) for x in self._samples.get(s, [])
                                         if x.succeeded and x.seconds is not None] for s in skus]))
        return tuple(t for t in found if t is not None)


def _one_real(skus: Sequence[str], demo: Sequence[str]) -> bool:
    """At most one of these SKUs is a real supplier's (the demo's stand apart)."""
    return sum(1 for s in skus if s.split(":", 1)[0] not in demo) <= 1
