"""The offer each catalog row shows (issue 18), for every product at once.

The catalog screen shows one row per product at its chosen offer. Running `choose`
(domain/offer_choice.py) for 100,000 products builds 100,000 Asks and Choices, most of
which nobody reads: it cost seconds at every rebuild. Here the same rule runs as numpy
over every offer: each offer is eligible or not by `choose`'s own checks for a catalog
row (one unit, no batch, no refusal, no confirmed cost), and each product's row is its
first offer in `rank_key` order among the eligible ones, else its first offer in that
order (what a row shows when nothing can be ordered). The detail pane still runs
`choose` for the one product it shows, so its reasons are the rule's own; a test holds
the two to the same pick (tests/catalog/test_offer_best.py).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Mapping, Sequence

import numpy as np

from kameng_tui.domain.offer_values import OffersPolicy, SupplierState, bare_id


@dataclass(frozen=True)
class OfferRows:
    """Every offer of the catalog, one entry per SKU row (numpy arrays of one length)."""

    group: np.ndarray                 # the row's product (0..n_products-1)
    skus: Sequence[str]
    supplier: np.ndarray              # code into `supplier_names`
    supplier_names: Sequence[str]
    cost: np.ndarray                  # ten-thousandths of a yuan
    stock: np.ndarray                 # meaningful where stock_known
    stock_known: np.ndarray
    on_shelf: np.ndarray


def eligible(rows: OfferRows, product_ids: Sequence[str], suppliers: Mapping[str, SupplierState],
             policy: OffersPolicy) -> np.ndarray:
    """Per offer: `choose`'s `_skip` finds nothing for one unit of a catalog row (the
    policy's pin and exclusions, a known supplier, on shelf, in stock, healthy, and its
    available balance covering the cost)."""
    names = rows.supplier_names
    sup_ok = np.zeros(len(names) + 1, dtype=bool)           # the last entry: no supplier code
    limit = np.full(len(names) + 1, np.iinfo(np.int64).max, dtype=np.int64)
    for code, name in enumerate(names):
        state = suppliers.get(name)
        sup_ok[code] = state is not None and name not in policy.exclude and state.health.ok
        available = None if state is None else state.available
        if available is not None:      # cost / 10_000 > available  <=>  cost > floor(available * 10_000)
            limit[code] = math.floor(available * 10_000)
    codes = np.where(rows.supplier >= 0, rows.supplier, len(names))
    ok: np.ndarray = sup_ok[codes] & rows.on_shelf & (~rows.stock_known | (rows.stock >= 1)) & (rows.cost <= limit[codes])
    if policy.pins:
        row_of = {bare_id(pid): k for k, pid in enumerate(product_ids)}
        index = {name: code for code, name in enumerate(names)}
        pinned = np.full(len(product_ids), -2, dtype=np.int64)   # -2: no pin; else the pinned supplier's code
        for pid, supplier in policy.pins.items():
            k = row_of.get(bare_id(pid))
            if k is not None:
                pinned[k] = index.get(supplier, -3)
        pin_of_row = pinned[rows.group]
        ok &= (pin_of_row == -2) | (pin_of_row == rows.supplier)
    return ok


def best_rows(rows: OfferRows, n_products: int, product_ids: Sequence[str], suppliers: Mapping[str, SupplierState],
              policy: OffersPolicy) -> np.ndarray:
    """Per product, the row of the offer its catalog row shows: `choose`'s chosen offer,
    or, when none is eligible, its best-ranked one. Ranking is `rank_key`: cost, a known
    stock before an unknown one, more stock, supplier name, SKU."""
    n = len(rows.skus)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    ok = eligible(rows, product_ids, suppliers, policy)
    name_rank = np.argsort(np.argsort(np.asarray(list(rows.supplier_names) + [""], dtype=object), kind="stable"))
    sup_rank = name_rank[np.where(rows.supplier >= 0, rows.supplier, len(rows.supplier_names))]
    sku_rank = np.empty(n, dtype=np.int64)
    sku_rank[sorted(range(n), key=rows.skus.__getitem__)] = np.arange(n)
    stock_key = np.where(rows.stock_known, -rows.stock, 0)
    order = np.lexsort((sku_rank, sup_rank, stock_key, ~rows.stock_known, rows.cost, ~ok, rows.group))
    g = rows.group[order]
    first = np.ones(n, dtype=bool)
    first[1:] = g[1:] != g[:-1]
    best = np.full(n_products, -1, dtype=np.int64)
    best[g[first]] = order[first]
    return best
