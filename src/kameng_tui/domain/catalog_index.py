"""The catalog index: filter, facet counts, search and sort over 100,000 SKUs per keystroke.

Rows are positions in a product list. Every filter is a boolean mask (numpy), so a
query is a few vectorized ANDs; a facet's counts are one `bincount` of its value codes
under the query with that facet's own selection removed (the count a checkbox would
show if toggled); the first rows in sort order come from a precomputed permutation.
Text search: each query token matches the vocabulary words that contain it (names,
categories, pinyin full and initials, from cached search keys), and the rows of those
words. Token masks are cached, so typing and backspacing reuse earlier work.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable, Iterable, Mapping, Sequence

import numpy as np

from kameng_tui.domain.models import Product
from kameng_tui.domain.search_keys import normalize

SORTS = ("default", "price", "discount", "stock", "sales")
DELIVERY_FACET = "发货方式"
TAG_FACET = "标签"


@dataclass(frozen=True)
class Query:
    text: str = ""
    category: str = ""                                   # path prefix: "游戏/腾讯"
    attrs: Mapping[str, frozenset[str]] = field(default_factory=dict)   # OR within, AND across
    delivery: frozenset[str] = frozenset()
    suppliers: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    sort: str = "default"
    descending: bool = False


@dataclass
class CatalogColumns:
    """The catalog column by column: what the index needs, no Product objects."""

    ids: list[int]
    sku: list[str]
    supplier: list[str]
    category: list[str]              # path
    delivery: list[str]              # zh label
    cost: list[int]                  # ten-thousandths of a yuan
    face: list[int | None]
    stock: list[int | None]
    alarm: list[int]
    status: list[str]
    rank: list[int | None]
    attrs: list[tuple[tuple[str, str], ...]]
    keys: list[str]

    @classmethod
    def from_products(cls, products: Sequence[Product], keys: Sequence[str]) -> "CatalogColumns":
        return cls(
            ids=list(range(len(products))), sku=[p.sku for p in products], supplier=[p.supplier for p in products],
            category=[p.category_path for p in products], delivery=[p.delivery.zh for p in products],
            cost=[int(p.unit_cost * 10_000) for p in products],
            face=[None if p.face_value is None else int(p.face_value * 10_000) for p in products],
            stock=[p.stock for p in products], alarm=[int(p.stock_alarm) for p in products],
            status=[p.sale_status.value for p in products], rank=[p.sales_rank for p in products],
            attrs=[p.attributes for p in products], keys=list(keys))


@dataclass(frozen=True)
class Result:
    count: int
    positions: tuple[int, ...]                           # the first rows in sort order
    facets: Mapping[str, Mapping[str, int]]              # attribute -> value -> count
    categories: Mapping[str, int]                        # category path prefix -> count
    loader: Callable[[int], Product] = field(repr=False, compare=False, default=lambda i: None)  # type: ignore[assignment,return-value]
    skus: tuple[str, ...] = ()

    @property
    def rows(self) -> tuple[Product, ...]:
        """The products of `positions`, materialized now (a screen asks only for what it shows)."""
        return tuple(self.loader(i) for i in self.positions)


class _Codes:
    """One categorical column as int codes (-1 = absent) plus its value names."""

    def __init__(self, values: Sequence[str | None]) -> None:
        self.names: list[str] = []
        index: dict[str, int] = {}
        codes = np.full(len(values), -1, dtype=np.int32)
        for i, v in enumerate(values):
            if v is None:
                continue
            code = index.get(v)
            if code is None:
                code = index[v] = len(self.names)
                self.names.append(v)
            codes[i] = code
        self.codes = codes
        self.index = index
        self.shifted = codes + 1                     # bincount wants non-negative codes
        self.total = np.bincount(self.shifted, minlength=len(self.names) + 1)
        self._masks: dict[frozenset[str], np.ndarray] = {}

    def mask(self, wanted: frozenset[str]) -> np.ndarray:
        cached = self._masks.get(wanted)
        if cached is None:
            ids = [self.index[v] for v in wanted if v in self.index]
            cached = np.isin(self.codes, ids) if ids else np.zeros(len(self.codes), dtype=bool)
            if len(self._masks) < 256:
                self._masks[wanted] = cached
        return cached

    def counts(self, mask: np.ndarray, selected: int) -> dict[str, int]:
        """Counts of each value under `mask` (`selected` = its number of rows).

        Counts the smaller side: a near-full mask is the totals minus its few misses.
        """
        size = len(self.names) + 1
        if selected * 2 <= len(self.codes):
            counts = np.bincount(self.shifted[mask], minlength=size)
        else:
            counts = self.total - np.bincount(self.shifted[~mask], minlength=size)
        return {self.names[i - 1]: int(c) for i in np.flatnonzero(counts[1:]) + 1 for c in (counts[i],)}


class CatalogIndex:
    """Build once per catalog load; `query` per keystroke. Products are materialized
    only for the rows a result returns, through `loader(row)`."""

    def __init__(self, cols: CatalogColumns, loader: Callable[[int], Product],
                 tag_rows: Mapping[str, Iterable[int]] | None = None) -> None:
        n = len(cols.sku)
        self.n = n
        self.cols = cols
        self.loader = loader
        self.row_of = {sku: i for i, sku in enumerate(cols.sku)}
        # -- text: vocabulary word -> rows (grouped with one argsort, not a dict of lists)
        word_id: dict[str, int] = {}
        ids: list[int] = []
        rows: list[int] = []
        for i, key in enumerate(cols.keys):
            for w in set(key.split()):
                wid = word_id.get(w)
                if wid is None:
                    wid = word_id[w] = len(word_id)
                ids.append(wid)
                rows.append(i)
        id_arr = np.asarray(ids, dtype=np.int32)
        order = np.argsort(id_arr, kind="stable")
        row_arr = np.asarray(rows, dtype=np.int32)[order]
        bounds = np.searchsorted(id_arr[order], np.arange(len(word_id) + 1))
        self.words = list(word_id)
        self.postings = [row_arr[bounds[k]:bounds[k + 1]] for k in range(len(word_id))]
        self.vocab_text = "\n".join(self.words)
        self._token_cache: OrderedDict[str, np.ndarray] = OrderedDict()
        # -- facets
        columns: dict[str, list[str | None]] = {}
        for i, pairs in enumerate(cols.attrs):
            for k, v in pairs:
                col = columns.get(k)
                if col is None:
                    col = columns[k] = [None] * n
                col[i] = v
        self.attrs = {a: _Codes(columns[a]) for a in sorted(columns)}
        self.delivery = _Codes(cols.delivery)
        self.supplier = _Codes(cols.supplier)
        split = [c.split("/") for c in cols.category]
        self.depth = max((len(c) for c in split), default=0)
        self.category = [_Codes(["/".join(c[: d + 1]) if len(c) > d else None for c in split]) for d in range(self.depth)]
        self.tag_names = sorted(tag_rows or {})
        self.tags = {}
        for t in self.tag_names:
            m = np.zeros(n, dtype=bool)
            m[np.fromiter(tag_rows[t], dtype=np.int64)] = True   # type: ignore[index]
            self.tags[t] = m
        # -- numbers and sort orders
        self.price = np.asarray(cols.cost, dtype=np.int64)
        face = np.asarray([f if f else 0 for f in cols.face], dtype=np.int64)
        discount = np.where(face > 0, self.price * 10_000 // np.maximum(face, 1), 10_000)
        stock = np.asarray([s if s is not None else 1 << 40 for s in cols.stock], dtype=np.int64)
        sales = np.asarray([r if r is not None else 1 << 30 for r in cols.rank], dtype=np.int64)
        self.sort_keys = {"price": self.price, "discount": discount, "stock": stock, "sales": sales}
        self.perms = {"default": np.arange(n, dtype=np.int64)}
        for name, values in self.sort_keys.items():
            self.perms[name] = np.argsort(values, kind="stable")
        self.all = np.ones(n, dtype=bool)

    @classmethod
    def from_products(cls, products: Sequence[Product], keys: Sequence[str],
                      tags: Mapping[str, Sequence[str]] | None = None) -> "CatalogIndex":
        """An index over products already in memory (tests, small catalogs)."""
        tag_rows: dict[str, list[int]] = {}
        for i, p in enumerate(products):
            for t in (tags or {}).get(p.sku, ()):
                tag_rows.setdefault(t, []).append(i)
        return cls(CatalogColumns.from_products(products, keys), list(products).__getitem__, tag_rows)

    @property
    def products(self) -> list[Product]:
        return [self.loader(i) for i in range(self.n)]

    # --- text -------------------------------------------------------------------------------
    def token_mask(self, token: str) -> np.ndarray:
        cached = self._token_cache.get(token)
        if cached is not None:
            self._token_cache.move_to_end(token)
            return cached
        mask = np.zeros(self.n, dtype=bool)
        hits = [i for i, w in enumerate(self.words) if token in w] if token in self.vocab_text else []
        if hits:
            mask[np.concatenate([self.postings[i] for i in hits])] = True
        self._token_cache[token] = mask
        if len(self._token_cache) > 64:
            self._token_cache.popitem(last=False)
        return mask

    def text_mask(self, text: str) -> np.ndarray:
        tokens = normalize(text).split()
        if not tokens:
            return self.all
        mask = self.token_mask(tokens[0])
        for t in tokens[1:]:
            mask = mask & self.token_mask(t)
        return mask

    # --- query ---------------------------------------------------------------------------------
    def _category_mask(self, path: str) -> np.ndarray:
        if not path:
            return self.all
        depth = path.count("/")
        if depth >= self.depth:
            return np.zeros(self.n, dtype=bool)
        return self.category[depth].mask(frozenset({path}))

    def query(self, q: Query, limit: int = 100) -> Result:
        base = self.text_mask(q.text) & self._category_mask(q.category)
        if q.suppliers:
            base = base & self.supplier.mask(q.suppliers)
        if q.price_min is not None:
            base = base & (self.price >= int(q.price_min * 10_000))
        if q.price_max is not None:
            base = base & (self.price <= int(q.price_max * 10_000))
        # facet selections: each facet's counts leave out its own selection
        selections: dict[str, np.ndarray] = {}
        for name, wanted in q.attrs.items():
            if wanted and name in self.attrs:
                selections[name] = self.attrs[name].mask(frozenset(wanted))
            elif wanted:
                selections[name] = np.zeros(self.n, dtype=bool)
        if q.delivery:
            selections[DELIVERY_FACET] = self.delivery.mask(q.delivery)
        if q.tags:
            m = self.all
            for t in q.tags:
                m = m & self.tags.get(t, np.zeros(self.n, dtype=bool))
            selections[TAG_FACET] = m
        final = base
        for m in selections.values():
            final = final & m

        count = int(np.count_nonzero(final))

        def without(name: str) -> tuple[np.ndarray, int]:
            if name not in selections:
                return final, count
            m = base
            for other, sel in selections.items():
                if other != name:
                    m = m & sel
            return m, int(np.count_nonzero(m))

        facets: dict[str, dict[str, int]] = {name: codes.counts(*without(name)) for name, codes in self.attrs.items()}
        facets[DELIVERY_FACET] = self.delivery.counts(*without(DELIVERY_FACET))
        tag_base = without(TAG_FACET)[0]
        facets[TAG_FACET] = {t: int(np.count_nonzero(tag_base & m)) for t, m in self.tags.items()}
        categories: dict[str, int] = {}
        for level in self.category:
            categories.update(level.counts(final, count))
        perm = self.perms.get(q.sort, self.perms["default"])
        if q.descending:
            perm = perm[::-1]
        picked = perm[np.flatnonzero(final[perm])[:limit]]
        positions = tuple(int(i) for i in picked)
        return Result(count=count, positions=positions, facets=facets, categories=categories, loader=self.loader,
                      skus=tuple(self.cols.sku[i] for i in positions))
