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

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Protocol, Sequence
from zoneinfo import ZoneInfo

import numpy as np

from kameng_tui.domain.catalog_index import UNKNOWN_STOCK, CatalogIndex
from kameng_tui.domain.clock import Clock
from kameng_tui.domain.offer_best import OfferRows, best_rows
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


@dataclass(frozen=True)
class _Built:
    """What one build of the product index knows, swapped in whole (the index is built
    in a worker while the detail pane reads the previous one on the UI thread)."""

    index: ProductIndex
    rows: OfferRows                       # every offer: the SKU index's rows
    members: list[int]                    # SKU rows by product, in catalog order within one
    bounds: list[int]                     # product k's rows: members[bounds[k]:bounds[k + 1]]
    states: dict[str, SupplierState]
    synced: dict[str, datetime | None]
    today: date
    points: dict[str, list[tag_rules.PricePoint]]
    own_hot: dict[int, tuple[int, int]]
    choices: dict[str, Choice] = field(default_factory=dict)   # the detail pane's, chosen when first shown

    def offers(self, k: int) -> list[int]:
        return self.members[self.bounds[k]:self.bounds[k + 1]]


class OfferBoard:
    def __init__(self, catalog: CatalogService, offers: OfferService, balances: Balances, clock: Clock) -> None:
        self.catalog, self.offers, self.balances, self.clock = catalog, offers, balances, clock
        self._built: tuple[object, CatalogIndex] | None = None
        self._board: _Built | None = None
        self._states: dict[str, SupplierState] = {}
        self._balance_at: dict[str, datetime] = {}
        self._samples: dict[str, list[DeliverySample]] = {}

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
            self._built, self._board = (stamp, sku_index), None
            return sku_index
        board = self._product_index(sku_index, match.product_of, frozenset(demo), states)
        self._built, self._board = (stamp, board.index), board
        return board.index

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

    def _product_index(self, sku_index: CatalogIndex, product_of: dict[str, str], demo: frozenset[str],
                       states: dict[str, SupplierState]) -> _Built:
        """Products of the SKUs in catalog order, from the SKU index's own arrays. The
        demo beside a real supplier stays apart, one row per SKU marked 演示 as before:
        it is never sold to a customer, so it neither hides the real offers behind its
        price nor is chosen over them. Each row shows its product's chosen offer
        (domain/offer_best.py: `choose`'s rule over every offer at once)."""
        skus, supplier = sku_index.skus, sku_index.supplier
        demo_codes = [c for c, name in enumerate(supplier.names) if name in demo]
        is_demo = np.isin(supplier.codes, demo_codes).tolist()
        seen: dict[str, int] = {}
        pids: list[str] = []
        group_list: list[int] = []
        for r, sku in enumerate(skus):
            pid = sku if is_demo[r] else product_of.get(sku, sku)
            k = seen.get(pid)
            if k is None:
                k = seen[pid] = len(pids)
                pids.append(pid)
            group_list.append(k)
        group = np.asarray(group_list, dtype=np.int64)
        on_shelf = np.ones(len(skus), dtype=bool)
        for sku in self.catalog.cache.off_shelf():
            off = sku_index.row_of.get(sku)
            if off is not None:
                on_shelf[off] = False
        rows = OfferRows(group, skus, supplier.codes, supplier.names, sku_index.price, sku_index.stock,
                         sku_index.stock != UNKNOWN_STOCK, on_shelf)
        best = best_rows(rows, len(pids), pids, states, self.catalog.config.offers)
        members = np.argsort(group, kind="stable")
        bounds = np.searchsorted(group[members], np.arange(len(pids) + 1))
        self._samples = self.catalog.cache.delivery_windows(self.clock.now() - WINDOW)
        load = sku_index.loader
        best_list = best.tolist()
        index = ProductIndex.from_skus(sku_index, group, best, pids, lambda i: load(best_list[i]))
        now = self.clock.now()
        board = _Built(index, rows, members.tolist(), bounds.tolist(), states,
                       {s: self.catalog.cache.last_sync(s) for s in supplier.names},
                       now.astimezone(ZoneInfo(self.catalog.config.general.timezone)).date(),
                       self._price_points(sku_index, group, index.offer_counts, now), {})
        index.set_tags(self._tag_rows(board, sku_index))
        return board

    def _price_points(self, sku_index: CatalogIndex, group: np.ndarray, offer_counts: np.ndarray,
                      now: datetime) -> dict[str, list[tag_rules.PricePoint]]:
        """The price points 历史低价 reads, of the offers of products of several offers
        whose offers have days enough together (at most the sum of each offer's days; an
        offer not counted by `price_days` has one at most). Most SKUs have one point,
        their first sighting: reading every SKU's points took seconds for nothing."""
        since = now - timedelta(days=tag_rules.HISTORY_DAYS)
        days = np.ones(len(group), dtype=np.int64)
        for sku, n in self.catalog.cache.price_days(since).items():
            r = sku_index.row_of.get(sku)
            if r is not None:
                days[r] = n
        enough = (np.bincount(group, weights=days, minlength=len(offer_counts)) >= tag_rules.MIN_DAYS) & \
            (offer_counts > 1)
        rows = np.flatnonzero(enough[group])
        if not len(rows):
            return {}
        return self.catalog.cache.price_points(since, min_days=1, skus=[sku_index.skus[r] for r in rows.tolist()])

    # --- badges per product -------------------------------------------------------------------
    def _tag_rows(self, board: _Built, sku_index: CatalogIndex) -> dict[str, list[int]]:
        """The SKU index's badges carried to products, with the rules that read more than
        one offer run over them all: 历史低价 from each day's lowest offer against the
        lowest offer now; 热销TOP from the sum of all offers' own sales; 秒到 from all
        offers' latest orders. Only products with price points, orders or sales are
        visited one by one."""
        names = tag_rules.TAG_NAMES
        index, points, skus = board.index, board.points, sku_index.skus
        own = self.catalog.cache.own_sales(self.clock.now() - timedelta(days=30))
        path_counts = np.bincount(index.path.codes[index.path.codes >= 0], minlength=len(index.path.names))
        leaf = path_counts[np.maximum(index.path.codes, 0)]
        low, hot_mask = tag_rules.column_masks(index.stock, index.alarm, index.rank, leaf,
                                               self.catalog.config.tags.low_stock)
        out: dict[str, set[int]] = {"low_stock": set(np.flatnonzero(low).tolist()),
                                    "hot": set(np.flatnonzero(hot_mask).tolist()), "history_low": set(), "fast": set()}
        counts = index.offer_counts
        group = board.rows.group
        for code in ("history_low", "hot", "fast"):    # one offer: its own badges, as today
            m = sku_index.tags.get(names[code])
            if m is not None:
                out[code] |= {k for k in group[np.flatnonzero(m)].tolist() if counts[k] == 1}
        # products of several offers with anything to read: points, delivery samples, own sales
        busy = {int(group[sku_index.row_of[s]]) for src in (points, self._samples, own) for s in src
                if s in sku_index.row_of}
        sold: list[tuple[str, int, int]] = []
        path_names, path_codes = sku_index.path.names, sku_index.path.codes
        for k in sorted(busy):
            if counts[k] == 1:
                continue
            rows = board.offers(k)
            offer_skus = [skus[r] for r in rows]
            offer_points = [points[s] for s in offer_skus if s in points]
            costs = [Decimal(int(sku_index.price[r])) / 10_000 for r in rows]
            if offer_points and tag_rules.offers_history_low(costs, offer_points, board.today):
                out["history_low"].add(k)
            if tag_rules.offers_fast([[(s.settled_at, s.seconds) for s in self._samples.get(sku, [])
                                       if s.succeeded and s.seconds is not None] for sku in offer_skus]):
                out["fast"].add(k)
            leaf_code = int(path_codes[rows[0]])
            sold.append((path_names[leaf_code] if leaf_code >= 0 else "", k, sum(own.get(s, (0, []))[0] for s in offer_skus)))
        leaf_size = {name: int(c) for name, c in zip(index.path.names, path_counts)}
        board.own_hot.update(tag_rules.offers_hot_own(sold, leaf_size))
        out["hot"] |= set(board.own_hot)
        return {names[code]: sorted(rows) for code, rows in out.items() if rows}

    # --- the detail pane ------------------------------------------------------------------------
    def _choice(self, board: _Built, product_id: str) -> Choice | None:
        """The product's choice by `choose` itself (the rule the row's pick runs as numpy),
        made when the detail pane first asks; None for a product of one offer."""
        choice = board.choices.get(product_id)
        if choice is not None:
            return choice
        k = board.index.row_of_product.get(product_id)
        if k is None or board.index.offer_counts[k] < 2:
            return None
        rows, r = board.offers(k), board.rows
        names = r.supplier_names
        ask = Ask(product_id, tuple(
            Offer(r.skus[i], names[r.supplier[i]], product_id, Decimal(int(r.cost[i])) / 10_000, bool(r.on_shelf[i]),
                  int(r.stock[i]) if r.stock_known[i] else None, board.synced.get(names[r.supplier[i]]))
            for i in rows))
        choice = choose(ask, board.states, self.catalog.config.offers)
        if len(board.choices) > 1024:
            board.choices.clear()
        board.choices[product_id] = choice
        return choice

    def offers_of(self, product_id: str) -> ProductOffers | None:
        """Every offer of a product of several offers with its figures, best first, and
        why the chosen one wins; None for a product of one offer (the pane as today)."""
        board = self._board
        choice = None if board is None else self._choice(board, product_id)
        if board is None or choice is None:
            return None
        now = self.clock.now()
        lines = []
        for r in choice.ranked:
            o = r.offer
            state = board.states.get(o.supplier, SupplierState(o.supplier))
            lines.append(OfferLine(o, r.skip, choice.chosen is o, offer_stats(self._samples.get(o.sku, []), now),
                                   state, self._balance_at.get(o.supplier)))
        return ProductOffers(product_id, tuple(lines), choice.why, self._tags(board, product_id))

    def _tags(self, board: _Built, product_id: str) -> tuple[tag_rules.Tag, ...]:
        """The product's badges with their reasons, by the same rules as its row's chips:
        the chosen offer's own 热销TOP (supplier rank) and 库存紧张, 历史低价 over the lowest
        offer, 秒到 and own-sales 热销TOP over all offers' orders."""
        index = board.index
        k = index.row_of_product.get(product_id)
        if k is None:
            return ()
        rows = board.offers(k)
        skus = [board.rows.skus[r] for r in rows]
        best = index.loader(k)
        costs = [Decimal(int(board.rows.cost[r])) / 10_000 for r in rows]
        points = board.points
        hot = tag_rules.hot(best, leaf_size=int(np.count_nonzero(index.path.codes == index.path.codes[k])))
        if hot is None and k in board.own_hot:
            sold, rank = board.own_hot[k]
            hot = tag_rules.Tag("hot", Msg("tag.why.hot_own", sold=sold, rank=rank))
        found = (tag_rules.offers_history_low(costs, [points[s] for s in skus if s in points], board.today), hot,
                 tag_rules.low_stock(best, self.catalog.config.tags.low_stock),
                 tag_rules.offers_fast([[(x.settled_at, x.seconds) for x in self._samples.get(s, [])
                                         if x.succeeded and x.seconds is not None] for s in skus]))
        return tuple(t for t in found if t is not None)


def _one_real(skus: Sequence[str], demo: Sequence[str]) -> bool:
    """At most one of these SKUs is a real supplier's (the demo's stand apart)."""
    return sum(1 for s in skus if s.split(":", 1)[0] not in demo) <= 1
