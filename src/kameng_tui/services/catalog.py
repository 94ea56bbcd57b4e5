"""Catalog: sync each supplier's catalog into the cache, and serve the index.

Sync pages through `list_catalog`, computes search keys (the only place pinyin runs)
and records cost changes; the cache's upsert reads each new or changed listing by the
offer-matching rule and keeps the reading (ledger/offer_readings.py). Everything else reads the cache: offline, at start-up, per
keystroke. Tags are computed when the index is built, from price history and the
reseller's own orders.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Callable, Mapping
from zoneinfo import ZoneInfo

from kameng_tui.domain.catalog_query import Query
from kameng_tui.domain.errors import KamengError, NotFound
from kameng_tui.domain.models import Product, split_sku
from kameng_tui.domain.tags import DeliveryStats, Tag, delivery_stats, tags_for
from kameng_tui.ledger.ports import CatalogStore
from kameng_tui.messages import Localized, Msg
from kameng_tui.services.supplier_set import SupplierSet
from kameng_tui.services.engine import OrderEngine
from kameng_tui.domain.clock import Clock
from kameng_tui.services.config_cell import ConfigCell, ReadsConfig
from pathlib import Path
from kameng_tui.suppliers.base import sanitize_page

if TYPE_CHECKING:   # numpy: only a search or the index needs it, never an order (issue 19: process start-up)
    from kameng_tui.domain.catalog_index import CatalogIndex, Result
    from kameng_tui.domain.sku_suggest import Neighbours

Progress = Callable[[str, int, int | None], None]


@dataclass
class SyncReport:
    counts: dict[str, int] = field(default_factory=dict)        # supplier -> products seen
    new: dict[str, int] = field(default_factory=dict)
    price_changes: dict[str, int] = field(default_factory=dict)
    errors: dict[str, Localized] = field(default_factory=dict)   # supplier -> why its sync stopped


@dataclass(frozen=True)
class ProductDetail:
    """What the detail pane shows about one product, all from local data."""

    product: Product
    sale_price: Decimal
    tags: tuple[Tag, ...]
    stats: DeliveryStats
    history: tuple[tuple[datetime, Decimal], ...]    # cost changes over the last 30 days
    bought: int
    demo: bool = False              # the demo's, beside a real supplier: read 演示, never sold


class CatalogService(ReadsConfig):
    def __init__(self, catalog_cache: CatalogStore, suppliers: SupplierSet, engine: OrderEngine, data_dir: Path,
                 clock: Clock, config: ConfigCell) -> None:
        self.catalog_cache, self.suppliers, self.engine = catalog_cache, suppliers, engine
        self.data_dir, self.clock, self._config = data_dir, clock, config
        self._index: CatalogIndex | None = None
        self._loaded: dict[int, Product] = {}
        self._neighbours: dict[tuple[int, str], Neighbours] = {}     # (id of the index, supplier)
        self._suggested: dict[tuple[int, str], tuple[str, ...]] = {}  # (id of the index, SKU as typed)

    @property
    def cache(self) -> CatalogStore:
        return self.catalog_cache

    async def sync(self, supplier: str | None = None, progress: Progress | None = None) -> SyncReport:
        from kameng_tui.domain.search_keys import keys_for   # pypinyin: sync time only

        report = SyncReport()
        names = [supplier] if supplier else self.suppliers.names
        for name in names:
            started = self.clock.now()
            try:
                sup = self.suppliers.get(name)
                cursor, seen = None, 0
                while True:
                    async with asyncio.timeout(self.engine.call_deadline_s * 2):
                        page = sanitize_page(await sup.list_catalog(cursor))   # supplier text is untrusted
                    keys = [keys_for(p.name, p.category_path) for p in page.items]
                    new, changed = self.cache.upsert(page.items, keys, at=self.clock.now())
                    seen += len(page.items)
                    report.new[name] = report.new.get(name, 0) + new
                    report.price_changes[name] = report.price_changes.get(name, 0) + changed
                    if progress:
                        progress(name, seen, page.total)
                    cursor = page.next_cursor
                    if cursor is None:
                        break
                self.cache.remove_missing(name, started)
                report.counts[name] = seen
            except (KamengError, TimeoutError, asyncio.TimeoutError) as exc:
                report.errors[name] = exc.msg if isinstance(exc, KamengError) else \
                    Msg("err.catalog.sync_timeout", kind=type(exc).__name__)
        self.invalidate()
        return report

    def forget(self, supplier: str) -> int:
        """Drop a removed supplier's products from the cache (its orders stay in the ledger)."""
        gone = self.cache.remove_supplier(supplier)
        self.invalidate()
        return gone

    def invalidate(self) -> None:
        """The next `index()` is rebuilt from the cache."""
        self._index = None
        self._loaded.clear()
        self._neighbours.clear()
        self._suggested.clear()

    def index(self) -> CatalogIndex:
        """The index: loaded from its snapshot when the catalog has not changed since,
        else built from the cache's columns and snapshotted for the next start."""
        if self._index is None:
            import hashlib

            from kameng_tui.domain.catalog_index import CatalogIndex

            digest = hashlib.sha256(self.cache.version().encode()).hexdigest()[:16]
            path = self.data_dir / f"catalog-index-{digest}.npz"
            if path.exists():
                try:
                    index = CatalogIndex.load(path, self._load_row)
                except (OSError, ValueError, KeyError):   # a damaged snapshot is rebuilt, never trusted
                    index = None
            else:
                index = None
            if index is None:
                index = CatalogIndex(self.cache.columns(), self._load_row)
                for old in self.data_dir.glob("catalog-index-*.npz"):
                    old.unlink(missing_ok=True)
                tmp = path.with_suffix(".tmp")
                index.save(tmp)
                tmp.replace(path)
            self._row_ids = index.ids
            index.set_tags(self._tag_rows(index))
            self._index = index
        return self._index

    def _load_row(self, row: int) -> Product:
        """Products parsed on demand and kept (bounded): scrolling back costs nothing."""
        p = self._loaded.get(row)
        if p is None:
            if len(self._loaded) > 4096:
                self._loaded.clear()
            p = self._loaded[row] = self.cache.product(int(self._row_ids[row]))
        return p

    def _tag_rows(self, index: CatalogIndex) -> dict[str, list[int]]:
        """Rows earning each tag. Column rules run vectorized; the rules that need
        history (price points, own orders) run only for SKUs that have some."""
        import numpy as np

        from kameng_tui.domain.tags import MIN_DAYS, TAG_NAMES, column_masks, fast, history_low

        now = self.clock.now()
        self._today = now.astimezone(ZoneInfo(self.config.general.timezone)).date()
        self._points = self.cache.price_points(now - timedelta(days=30), min_days=MIN_DAYS)
        self._own = self.cache.own_sales(now - timedelta(days=30))
        path_counts = np.bincount(index.path.codes[index.path.codes >= 0], minlength=len(index.path.names))
        self._leaf_size = {name: int(c) for name, c in zip(index.path.names, path_counts)}
        leaf = path_counts[np.maximum(index.path.codes, 0)]
        low, hot_mask = column_masks(index.stock, index.alarm, index.rank, leaf, self.config.tags.low_stock)
        out: dict[str, Any] = {"low_stock": np.flatnonzero(low).tolist(), "hot": set(np.flatnonzero(hot_mask).tolist()),
               "history_low": [], "fast": []}
        row_of = index.row_of
        for sku, points in self._points.items():
            i = row_of.get(sku)
            if i is not None and history_low(Decimal(int(index.price[i])) / 10_000, points, self._today):
                out["history_low"].append(i)
        category = [index.path.names[c] for c in index.path.codes]
        self._own_rank = self._own_ranks(category, row_of)
        for sku, (n, secs) in self._own.items():
            i = row_of.get(sku)
            if i is None:
                continue
            if fast(secs):
                out["fast"].append(i)
            rank_i = self._own_rank.get(sku)
            if rank_i is not None and n >= 3 and rank_i <= min(10, self._leaf_size[category[i]] // 3):
                out["hot"].add(i)
        out["hot"] = sorted(out["hot"])
        return {TAG_NAMES[k]: v for k, v in out.items() if len(v)}      # the index knows tags by name

    def _own_ranks(self, category: list[str], row_of: Mapping[str, int]) -> dict[str, int]:
        by_leaf: dict[str, list[tuple[int, str]]] = {}
        for sku, (n, _) in self._own.items():
            i = row_of.get(sku)
            if i is not None and n:
                by_leaf.setdefault(category[i], []).append((n, sku))
        return {sku: r + 1 for leaf in by_leaf.values() for r, (_, sku) in enumerate(sorted(leaf, reverse=True))}

    def tags(self, sku: str) -> tuple[Tag, ...]:
        """The earned tags of one product, each with its reason."""
        p = self.product(sku)
        n, secs = self._own.get(p.sku, (0, []))
        return tags_for(p, points=self._points.get(p.sku, ()), today=self._today,
                        low_stock_at=self.config.tags.low_stock, own_rank=self._own_rank.get(p.sku),
                        own_sales=n, last_seconds=secs, leaf_size=self._leaf_size.get(p.category_path))

    def delivery_stats(self, sku: str) -> DeliveryStats:
        """Median and p95 submit -> settle, success rate and count over the last 20 own orders."""
        secs, ok, total = self.cache.delivery_samples(sku)
        return delivery_stats(secs, ok, total)

    def detail(self, sku: str) -> ProductDetail:
        from kameng_tui.services.pricing import price_for

        p = self.product(sku)
        since = self.clock.now() - timedelta(days=30)
        return ProductDetail(product=p, sale_price=price_for(self.config, p, p.unit_cost),
                             tags=self.tags(p.sku), stats=self.delivery_stats(p.sku),
                             history=tuple(self.cache.price_history(p.sku, since)), bought=self.cache.own_count(p.sku),
                             demo=self.suppliers.view().is_demo(p.supplier))

    def price_for(self, product: Product, unit_cost: Decimal, customer: str | None = None) -> Decimal:
        """The sale price under the configured rules (services/pricing.py)."""
        from kameng_tui.services.pricing import price_for

        return price_for(self.config, product, unit_cost, customer)

    def product(self, sku: str) -> Product:
        index = self.index()
        row = index.row_of.get(sku)
        if row is None:
            matches = [s for s in index.row_of if s.split(":", 1)[-1] == sku]
            if len(matches) != 1:
                raise NotFound(Msg("err.catalog.no_sku", sku=sku), field="sku")
            row = index.row_of[matches[0]]
        return index.loader(row)

    def has_sku(self, sku: str) -> bool | None:
        """Whether the index holds the SKU (or exactly one supplier the bare id), without
        loading the product or building the index: None while it is not built."""
        index = self._index
        if index is None:
            return None
        if sku in index.row_of:
            return True
        return sum(1 for s in index.row_of if s.split(":", 1)[-1] == sku) == 1

    def suggest_skus(self, sku: str) -> tuple[str, ...]:
        """Did you mean: for a SKU the synced catalog does not hold, up to 3 of the same
        supplier's product ids within 2 edits, nearest first, written as the SKU was
        (`demo:HF-CM-50` for `demo:HF-CM-5O`, `HF-CM-50` for `HF-CM-5O`). Nothing when
        the catalog was never synced: an error path does not sync."""
        supplier, pid = split_sku(sku.strip())
        name = supplier or (self.suppliers.names[0] if len(self.suppliers.names) == 1 else None)
        if name is None or not pid or self.is_empty():
            return ()
        index = self.index()
        if f"{name}:{pid}" in index.row_of:
            return ()
        asked = (id(index), sku.strip())
        if asked in self._suggested:          # the batch screen checks its rows again on every edit
            return self._suggested[asked]
        key = (id(index), name)
        near = self._neighbours.get(key)
        if near is None:
            from kameng_tui.domain.sku_suggest import Neighbours

            prefix = f"{name}:"
            near = self._neighbours[key] = Neighbours(s[len(prefix):] for s in index.row_of if s.startswith(prefix))
        found = near.nearest(pid)
        if len(self._suggested) > 1024:
            self._suggested.clear()
        self._suggested[asked] = tuple(f"{name}:{i}" for i in found) if supplier else found
        return self._suggested[asked]

    def search(self, query: Query, limit: int = 100, offset: int = 0) -> Result:
        return self.index().query(query, limit, offset)

    def is_empty(self) -> bool:
        """No product cached yet (the first run): the faces sync before they search."""
        return self.cache.count() == 0

    async def ensure(self) -> None:
        """An empty cache is filled once from the suppliers (first run, demo)."""
        if self.is_empty():
            await self.sync()
