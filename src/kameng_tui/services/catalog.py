"""Catalog: sync each supplier's catalog into the cache, and serve the index.

Sync pages through `list_catalog`, computes search keys (the only place pinyin runs)
and records cost changes. Everything else reads the cache: offline, at start-up, per
keystroke. Tags are computed when the index is built, from price history and the
reseller's own orders.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Callable
from zoneinfo import ZoneInfo

from kameng_tui.domain.catalog_index import CatalogIndex, Query, Result
from kameng_tui.domain.errors import KamengError, NotFound
from kameng_tui.domain.models import Product
from kameng_tui.domain.tags import Tag, tags_for
from kameng_tui.services.context import Context

Progress = Callable[[str, int, int | None], None]


@dataclass
class SyncReport:
    counts: dict[str, int] = field(default_factory=dict)        # supplier -> products seen
    new: dict[str, int] = field(default_factory=dict)
    price_changes: dict[str, int] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)


class CatalogService:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._index: CatalogIndex | None = None
        self._tags: dict[str, tuple[Tag, ...]] = {}
        self._by_sku: dict[str, Product] = {}

    @property
    def cache(self):
        return self.ctx.catalog_cache

    async def sync(self, supplier: str | None = None, progress: Progress | None = None) -> SyncReport:
        from kameng_tui.domain.search_keys import keys_for   # pypinyin: sync time only

        report = SyncReport()
        names = [supplier] if supplier else self.ctx.suppliers.names
        for name in names:
            started = self.ctx.clock.now()
            try:
                sup = self.ctx.suppliers.get(name)
                cursor, seen = None, 0
                while True:
                    async with asyncio.timeout(self.ctx.engine.call_deadline_s * 2):
                        page = await sup.list_catalog(cursor)
                    keys = [keys_for(p.name, p.category_path) for p in page.items]
                    new, changed = self.cache.upsert(page.items, keys, at=self.ctx.clock.now())
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
                report.errors[name] = getattr(exc, "message", None) or f"timeout ({type(exc).__name__})"
        self._index = None
        return report

    def index(self) -> CatalogIndex:
        if self._index is None:
            products, keys = self.cache.load()
            self._tags = self._compute_tags(products)
            self._by_sku = {p.sku: p for p in products}
            self._index = CatalogIndex(products, keys, {sku: [t.label for t in ts] for sku, ts in self._tags.items()})
        return self._index

    def _compute_tags(self, products: list[Product]) -> dict[str, tuple[Tag, ...]]:
        now = self.ctx.clock.now()
        today = now.astimezone(ZoneInfo(self.ctx.config.general.timezone)).date()
        points = self.cache.price_points(now - timedelta(days=30))
        own = self.cache.own_sales(now - timedelta(days=30))
        # own rank within the leaf category, by succeeded orders in 30 days
        by_leaf: dict[str, list[tuple[int, str]]] = {}
        leaf_size: dict[str, int] = {}
        for p in products:
            leaf_size[p.category_path] = leaf_size.get(p.category_path, 0) + 1
            n = own.get(p.sku, (0, []))[0]
            if n:
                by_leaf.setdefault(p.category_path, []).append((n, p.sku))
        own_rank = {sku: i + 1 for leaf in by_leaf.values() for i, (_, sku) in enumerate(sorted(leaf, reverse=True))}
        low = self.ctx.config.tags.low_stock
        out = {}
        for p in products:
            n, secs = own.get(p.sku, (0, []))
            t = tags_for(p, points=points.get(p.sku, ()), today=today, low_stock_at=low,
                         own_rank=own_rank.get(p.sku), own_sales=n, last_seconds=secs,
                         leaf_size=leaf_size[p.category_path])
            if t:
                out[p.sku] = t
        return out

    def tags(self, sku: str) -> tuple[Tag, ...]:
        self.index()
        return self._tags.get(sku, ())

    def product(self, sku: str) -> Product:
        self.index()
        p = self._by_sku.get(sku)
        if p is None:
            matches = [q for q in self._by_sku.values() if q.product_id == sku]
            if len(matches) == 1:
                return matches[0]
            raise NotFound(f"目录里没有 {sku}", message_en=f"{sku} is not in the catalog", field="sku")
        return p

    def search(self, query: Query, limit: int = 100) -> Result:
        return self.index().query(query, limit)

    async def ensure(self) -> None:
        """An empty cache is filled once from the suppliers (first run, demo)."""
        if self.cache.count() == 0:
            await self.sync()
