"""The catalog index over products instead of SKUs (issue 18): one row per product,
carrying its chosen offer's columns (price, stock, supplier, attributes), searchable
by the words of every offer's listing, with the number of offers beside it.

Built when the catalog index is (re)built (after a sync, a balance refresh), never
per keystroke: the per-keystroke path is CatalogIndex's unchanged, over as many rows
as there are products, so 100k products of 3 offers each filter as fast as 100k
products of one supplier.

Built from the SKU index's arrays, not from the catalog's columns: a product's columns
are its chosen offer's row taken out of each array, and its words' postings are its
offers' postings mapped to the product (numpy throughout). Reading the columns again
and re-splitting every search key took most of the half minute a 3 x 100,000 catalog
spent here.
"""

from __future__ import annotations

from typing import Any, Callable, Iterable, Mapping

import numpy as np

from kameng_tui.domain.catalog_index import CatalogIndex, _Codes
from kameng_tui.domain.models import Product


def _take(codes: _Codes, rows: np.ndarray) -> _Codes:
    """The column at these rows, its value names renumbered in order of first
    appearance (as a column built from the picked values would be)."""
    picked = codes.codes[rows]
    present = picked >= 0
    if not present.any():
        return _Codes(codes=np.full(len(rows), -1, dtype=np.int32), names=[])
    used, first = np.unique(picked[present], return_index=True)
    used = used[np.argsort(first, kind="stable")]            # first appearance order
    renumber = np.full(len(codes.names), -1, dtype=np.int32)
    renumber[used] = np.arange(len(used), dtype=np.int32)
    out = np.where(present, renumber[np.maximum(picked, 0)], -1).astype(np.int32)
    return _Codes(codes=out, names=[codes.names[i] for i in used])


class ProductIndex(CatalogIndex):
    """A CatalogIndex whose rows are products; `loader(row)` gives the chosen offer's
    Product, `product_ids[row]` the product, `offer_counts[row]` how many offers."""

    product_ids: list[str]
    offer_counts: np.ndarray
    row_of_product: dict[str, int]

    @classmethod
    def from_skus(cls, skus: CatalogIndex, group: np.ndarray, best: np.ndarray, product_ids: list[str],
                  loader: Callable[[int], Product], tag_rows: Mapping[str, Iterable[int]] | None = None) -> "ProductIndex":
        """`group[r]`: the product of the SKU index's row r; `best[k]`: the SKU row that
        product k shows. A product's words are the union of its offers' words, so it is
        found by any supplier's wording of it."""
        n_products = len(best)
        words = len(skus.words)
        word_of = np.repeat(np.arange(words, dtype=np.int64), np.diff(skus.post_bounds))
        # (word, product) pairs, once each: sorted by word already, and within a word the
        # products come in ascending runs (one per supplier), which a stable sort merges
        pairs = np.sort(word_of * n_products + group[skus.post_rows].astype(np.int64), kind="stable")
        if len(pairs):
            keep = np.ones(len(pairs), dtype=bool)
            keep[1:] = pairs[1:] != pairs[:-1]
            pairs = pairs[keep]
        post_words = pairs // n_products
        attrs = {name: c for name, c in ((name, _take(c, best)) for name, c in skus.attrs.items()) if c.names}
        category = [_take(c, best) for c in skus.category]
        while category and not category[-1].names:
            category.pop()
        st: dict[str, Any] = {
            "skus": [skus.skus[b] for b in best], "names": [skus.names[b] for b in best],
            "ids": np.arange(n_products, dtype=np.int64), "words": list(skus.words),
            "post_rows": (pairs % n_products).astype(np.int32),
            "post_bounds": np.searchsorted(post_words, np.arange(words + 1)).astype(np.int64),
            "attrs": attrs, "delivery": _take(skus.delivery, best), "supplier": _take(skus.supplier, best),
            "path": _take(skus.path, best), "category": category,
            **{k: getattr(skus, k)[best] for k in ("price", "face", "stock", "rank", "alarm")},
        }
        obj = cls.__new__(cls)
        obj._setup(st, loader, tag_rows)
        obj.product_ids = list(product_ids)
        obj.offer_counts = np.bincount(group, minlength=n_products).astype(np.int32)
        obj.row_of_product = {pid: i for i, pid in enumerate(obj.product_ids)}
        return obj
