"""The catalog index over products instead of SKUs (issue 18): one row per product,
carrying its chosen offer's columns (price, stock, supplier, attributes), searchable
by the words of every offer's listing, with the number of offers beside it.

Built when the catalog index is (re)built (after a sync, a balance refresh), never
per keystroke: the per-keystroke path is CatalogIndex's unchanged, over as many rows
as there are products, so 100k products of 3 offers each filter as fast as 100k
products of one supplier.
"""

from __future__ import annotations

from typing import Callable, Iterable, Mapping, Sequence, TypeVar

import numpy as np

from kameng_tui.domain.catalog_index import CatalogColumns, CatalogIndex
from kameng_tui.domain.models import Product

T = TypeVar("T")


def product_columns(cols: CatalogColumns, groups: Sequence[Sequence[int]], best: Sequence[int]) -> CatalogColumns:
    """One row per product: `groups[k]` are the rows (of `cols`) of product k's offers,
    `best[k]` the row of the offer it shows. Search keys are the union of the offers'
    words, so a product is found by any supplier's wording of it."""
    def pick(col: Sequence[T]) -> list[T]:
        return [col[b] for b in best]

    keys = []
    for g in groups:
        if len(g) == 1:
            keys.append(cols.keys[g[0]])
        else:
            keys.append(" ".join(dict.fromkeys(w for r in g for w in cols.keys[r].split())))
    return CatalogColumns(
        ids=list(range(len(best))), sku=pick(cols.sku), supplier=pick(cols.supplier), category=pick(cols.category),
        delivery=pick(cols.delivery), cost=pick(cols.cost), face=pick(cols.face), stock=pick(cols.stock),
        alarm=pick(cols.alarm), status=pick(cols.status), rank=pick(cols.rank), attrs=pick(cols.attrs), keys=keys,
        names=pick(cols.names))


class ProductIndex(CatalogIndex):
    """A CatalogIndex whose rows are products; `loader(row)` gives the chosen offer's
    Product, `product_ids[row]` the product, `offer_counts[row]` how many offers."""

    def __init__(self, cols: CatalogColumns, groups: Sequence[Sequence[int]], best: Sequence[int],
                 product_ids: Sequence[str], loader: Callable[[int], Product],
                 tag_rows: Mapping[str, Iterable[int]] | None = None) -> None:
        super().__init__(product_columns(cols, groups, best), loader, tag_rows)
        self.product_ids = list(product_ids)
        self.offer_counts = np.asarray([len(g) for g in groups], dtype=np.int32)
        self.row_of_product = {pid: i for i, pid in enumerate(self.product_ids)}
