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

import os
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Iterable, Mapping, Sequence

import numpy as np

from kameng_tui.domain.catalog_query import DELIVERY_FACET, TAG_FACET, Filter, Query, without_filter
from kameng_tui.domain.models import Product
from kameng_tui.domain.search_keys import normalize

UNKNOWN_STOCK = 1 << 40
"""The stock column where the supplier does not say: sorts after every real stock."""


@dataclass
class CatalogColumns:
    """The catalog column by column: what the index needs, no Product objects."""

    ids: list[int]
    sku: list[str]
    supplier: list[str]
    category: list[str]              # path
    delivery: list[str]              # facet value (Delivery.facet)
    cost: list[int]                  # ten-thousandths of a yuan
    face: list[int | None]
    stock: list[int | None]
    alarm: list[int]
    status: list[str]
    rank: list[int | None]
    attrs: list[tuple[tuple[str, str], ...]]
    keys: list[str]
    names: list[str]                 # what a row shows: drawn from memory, never a read per row

    @classmethod
    def from_products(cls, products: Sequence[Product], keys: Sequence[str]) -> "CatalogColumns":
        return cls(
            ids=list(range(len(products))), sku=[p.sku for p in products], supplier=[p.supplier for p in products],
            category=[p.category_path for p in products], delivery=[p.delivery.facet for p in products],
            cost=[int(p.unit_cost * 10_000) for p in products],
            face=[None if p.face_value is None else int(p.face_value * 10_000) for p in products],
            stock=[p.stock for p in products], alarm=[int(p.stock_alarm) for p in products],
            status=[p.sale_status.value for p in products], rank=[p.sales_rank for p in products],
            attrs=[p.attributes for p in products], keys=list(keys), names=[p.name for p in products])


def _no_loader(i: int) -> Product:
    """The loader of a Result built by hand without positions: there is no row to load."""
    raise LookupError(f"no loader for row {i}")


@dataclass(frozen=True)
class Result:
    count: int
    positions: tuple[int, ...]                           # the first rows in sort order
    facets: Mapping[str, Mapping[str, int]]              # attribute -> value -> count
    categories: Mapping[str, int]                        # category path prefix -> count
    loader: Callable[[int], Product] = field(repr=False, compare=False, default=_no_loader)
    skus: tuple[str, ...] = ()
    ordered: Sequence[int] = ()                          # every matching row in sort order (a numpy array)

    @property
    def rows(self) -> tuple[Product, ...]:
        """The products of `positions`, materialized now (a screen asks only for what it shows)."""
        return tuple(self.loader(i) for i in self.positions)


class _Codes:
    """One categorical column as int codes (-1 = absent) plus its value names."""

    def __init__(self, values: Sequence[str | None] | None = None, *, codes: np.ndarray | None = None,
                 names: list[str] | None = None) -> None:
        if codes is None:
            names = []
            index: dict[str, int] = {}
            codes = np.full(len(values or ()), -1, dtype=np.int32)
            for i, v in enumerate(values or ()):
                if v is None:
                    continue
                code = index.get(v)
                if code is None:
                    code = index[v] = len(names)
                    names.append(v)
                codes[i] = code
        self.names: list[str] = list(names or [])
        self.index = {v: i for i, v in enumerate(self.names)}
        self.codes = codes
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
        columns: dict[str, list[str | None]] = {}
        for i, pairs in enumerate(cols.attrs):
            for k, v in pairs:
                col = columns.get(k)
                if col is None:
                    col = columns[k] = [None] * n
                col[i] = v
        split = [c.split("/") for c in cols.category]
        depth = max((len(c) for c in split), default=0)
        state = {
            "skus": list(cols.sku), "names": [name.replace("\n", " ") for name in cols.names], "ids": np.asarray(cols.ids, dtype=np.int64), "words": list(word_id),
            "post_rows": np.asarray(rows, dtype=np.int32)[order],
            "post_bounds": np.searchsorted(id_arr[order], np.arange(len(word_id) + 1)).astype(np.int64),
            "attrs": {a: _Codes(columns[a]) for a in sorted(columns)},
            "delivery": _Codes(cols.delivery), "supplier": _Codes(cols.supplier), "path": _Codes(cols.category),
            "category": [_Codes(["/".join(c[: d + 1]) if len(c) > d else None for c in split]) for d in range(depth)],
            "price": np.asarray(cols.cost, dtype=np.int64),
            "face": np.asarray([f if f else 0 for f in cols.face], dtype=np.int64),
            "stock": np.asarray([x if x is not None else UNKNOWN_STOCK for x in cols.stock], dtype=np.int64),
            "rank": np.asarray([r if r is not None else 1 << 30 for r in cols.rank], dtype=np.int64),
            "alarm": np.asarray(cols.alarm, dtype=np.int8),
        }
        self._setup(state, loader, tag_rows)

    def _setup(self, st: dict[str, Any], loader: Callable[[int], Product], tag_rows: Mapping[str, Iterable[int]] | None) -> None:
        self.skus: list[str] = st["skus"]
        self.names: list[str] = st["names"]      # the product table draws its rows from memory
        self.n = n = len(self.skus)
        self.ids = st["ids"]
        self.loader = loader
        self.row_of = {sku: i for i, sku in enumerate(self.skus)}
        self.words: list[str] = st["words"]
        self.post_rows, self.post_bounds = st["post_rows"], st["post_bounds"]
        self.vocab_text = "\n".join(self.words)
        self._token_cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self.attrs: dict[str, _Codes] = st["attrs"]
        self.delivery, self.supplier, self.path = st["delivery"], st["supplier"], st["path"]
        self.category: list[_Codes] = st["category"]
        self.depth = len(self.category)
        self.price, self.face, self.stock, self.rank, self.alarm = (st[k] for k in ("price", "face", "stock", "rank", "alarm"))
        discount = np.where(self.face > 0, self.price * 10_000 // np.maximum(self.face, 1), 10_000)
        self.sort_keys = {"price": self.price, "discount": discount, "stock": self.stock, "sales": self.rank}
        self.perms = {"default": np.arange(n, dtype=np.int64)}
        for name, values in self.sort_keys.items():
            self.perms[name] = np.argsort(values, kind="stable")
        self.all = np.ones(n, dtype=bool)
        self.set_tags(tag_rows or {})

    def set_tags(self, tag_rows: Mapping[str, Iterable[int]]) -> None:
        self.tag_names = sorted(tag_rows)
        self.tags: dict[str, np.ndarray] = {}
        for t in self.tag_names:
            m = np.zeros(self.n, dtype=bool)
            m[np.fromiter(tag_rows[t], dtype=np.int64)] = True
            self.tags[t] = m

    # --- a snapshot of the built arrays: loading it replaces rebuilding at start-up ----
    def save(self, path: str | os.PathLike[str]) -> None:
        def text(items: Sequence[str]) -> np.ndarray:
            return np.frombuffer("\n".join(items).encode("utf-8"), dtype=np.uint8)

        arrays = {"skus": text(self.skus), "names": text(self.names), "ids": self.ids, "words": text(self.words), "post_rows": self.post_rows,
                  "post_bounds": self.post_bounds, "price": self.price, "face": self.face, "stock": self.stock,
                  "rank": self.rank, "alarm": self.alarm, "attr_names": text(list(self.attrs)),
                  "depth": np.asarray([self.depth])}
        named = {"delivery": self.delivery, "supplier": self.supplier, "path": self.path,
                 **{f"attr{i}": c for i, c in enumerate(self.attrs.values())},
                 **{f"cat{d}": c for d, c in enumerate(self.category)}}
        for key, codes in named.items():
            arrays[f"{key}.codes"], arrays[f"{key}.names"] = codes.codes, text(codes.names)
        with open(path, "wb") as fh:
            np.savez(fh, **arrays)

    @classmethod
    def load(cls, path: str | os.PathLike[str], loader: Callable[[int], Product],
             tag_rows: Mapping[str, Iterable[int]] | None = None) -> "CatalogIndex":
        with np.load(path, allow_pickle=False) as z:
            def text(key: str) -> list[str]:
                raw = z[key].tobytes().decode("utf-8")
                return raw.split("\n") if raw else []

            def codes(key: str) -> _Codes:
                return _Codes(codes=z[f"{key}.codes"], names=text(f"{key}.names"))

            names = text("attr_names")
            st = {"skus": text("skus"), "names": text("names"), "ids": z["ids"], "words": text("words"), "post_rows": z["post_rows"],
                  "post_bounds": z["post_bounds"], "price": z["price"], "face": z["face"], "stock": z["stock"],
                  "rank": z["rank"], "alarm": z["alarm"], "delivery": codes("delivery"), "supplier": codes("supplier"),
                  "path": codes("path"), "attrs": {a: codes(f"attr{i}") for i, a in enumerate(names)},
                  "category": [codes(f"cat{d}") for d in range(int(z["depth"][0]))]}
        if len(st["names"]) != len(st["skus"]):
            raise ValueError("catalog index snapshot: names and skus differ in length")   # rebuilt, never trusted
        obj = cls.__new__(cls)
        obj._setup(st, loader, tag_rows)
        return obj

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
            b = self.post_bounds
            mask[np.concatenate([self.post_rows[b[i]:b[i + 1]] for i in hits])] = True
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

    def _masks(self, q: Query) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """The query as masks: everything but the facet selections, and each facet's selection."""
        base = self.text_mask(q.text) & self._category_mask(q.category)
        if q.suppliers:
            base = base & self.supplier.mask(q.suppliers)
        if q.price_min is not None:
            base = base & (self.price >= int(q.price_min * 10_000))
        if q.price_max is not None:
            base = base & (self.price <= int(q.price_max * 10_000))
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
        return base, selections

    def count(self, q: Query) -> int:
        """How many rows match, without facet counts or sorting."""
        base, selections = self._masks(q)
        return int(np.count_nonzero(self._final(base, selections)))

    def hiding(self, q: Query, filters: Sequence[Filter]) -> tuple[Filter, ...]:
        """Of an empty result's filters, those whose removal alone brings rows back; all
        of them when no single one does. One count per filter: run only on an empty result."""
        alone = tuple(f for f in filters if self.count(without_filter(q, f)) > 0)
        return alone or tuple(filters)

    def query(self, q: Query, limit: int = 100, offset: int = 0, facets: bool = True) -> Result:
        """The matches of `q` (count, facets, categories) and the rows `offset` to
        `offset + limit` of them in sort order (`catalog --cursor` pages by offset).
        `facets=False` leaves the counts out (empty): the catalog screen shows the rows in
        the keystroke's frame and asks `with_facets` for the pane's counts a frame later."""
        base, selections = self._masks(q)
        final = self._final(base, selections)
        count = int(np.count_nonzero(final))
        perm = self.perms.get(q.sort, self.perms["default"])
        if q.descending:
            perm = perm[::-1]
        ordered = perm[final[perm]]
        positions = tuple(int(i) for i in ordered[offset:offset + limit])
        result = Result(count=count, positions=positions, facets={}, categories={}, loader=self.loader,
                        skus=tuple(self.skus[i] for i in positions), ordered=ordered)
        return self._counted(q, result, base, selections, final) if facets else result

    def with_facets(self, q: Query, result: Result) -> Result:
        """`result` (of `q`, from `query(q, facets=False)`) with its facet and category counts."""
        base, selections = self._masks(q)
        return self._counted(q, result, base, selections, self._final(base, selections))

    @staticmethod
    def _final(base: np.ndarray, selections: Mapping[str, np.ndarray]) -> np.ndarray:
        final = base
        for m in selections.values():
            final = final & m
        return final

    def _counted(self, q: Query, result: Result, base: np.ndarray, selections: Mapping[str, np.ndarray],
                 final: np.ndarray) -> Result:
        count = result.count

        def without(name: str) -> tuple[np.ndarray, int]:
            # each facet's counts leave out its own selection
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
        # A selected value nothing matches stays, counted 0: the pane and the chips still
        # show what hides the products. A loop over the selection, never over rows.
        for name, wanted in (*q.attrs.items(), (DELIVERY_FACET, q.delivery), (TAG_FACET, q.tags)):
            for value in wanted:
                facets.setdefault(name, {}).setdefault(value, 0)
        categories: dict[str, int] = {}
        for level in self.category:
            categories.update(level.counts(final, count))
        return replace(result, facets=facets, categories=categories)
