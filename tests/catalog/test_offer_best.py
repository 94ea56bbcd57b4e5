"""The offer a catalog row shows is the offer `choose` chooses (issue 18): the product
index picks every product's offer at once (domain/offer_best.py), the detail pane runs
`choose` for the product it shows, and the two never disagree. Catalogs built to split
them: ties on cost, on stock, on supplier; unknown stock; off shelf; sold out; a
supplier unhealthy, short of balance (by a hair), excluded or not configured; pins to
a supplier that has the offer, one that has not, and one not configured."""

from __future__ import annotations

import random
from decimal import Decimal

import numpy as np

from kameng_tui.domain.offer_best import OfferRows, best_rows
from kameng_tui.domain.offer_choice import Ask, choose
from kameng_tui.domain.offer_values import Health, Offer, OffersPolicy, SupplierState

SUPPLIERS = ["a", "b", "c", "d", "gone"]          # "gone": its SKUs cached, the supplier no longer configured


def catalog(seed: int, products: int = 3000) -> tuple[list[Offer], list[int], list[str]]:
    rnd = random.Random(seed)
    offers, group, pids = [], [], []
    for k in range(products):
        pid = f"P{k}"
        pids.append(pid)
        for j in range(rnd.randint(1, 4)):
            sup = rnd.choice(SUPPLIERS)
            cost = Decimal(rnd.choice([1000, 1000, 1001, 995, 12_345])) / 100      # many ties
            stock = rnd.choice([None, None, 0, 1, 5, 5, 100])
            offers.append(Offer(f"{sup}:X{k}-{j}", sup, pid, cost, rnd.random() > 0.1, stock))
            group.append(k)
    return offers, group, pids


STATES = [
    {s: SupplierState(s) for s in SUPPLIERS[:4]},
    {"a": SupplierState("a", Decimal("9.95"), Decimal("0")),                    # covers 9.95, not 10.00
     "b": SupplierState("b", Decimal("50"), Decimal("40.0001")),                # 9.9999 left: covers nothing
     "c": SupplierState("c", health=Health(False, "unknowns")),
     "d": SupplierState("d", Decimal("1000"))},
    {s: SupplierState(s, health=Health(False, "auth")) for s in SUPPLIERS[:4]},  # nothing eligible: the best-ranked
]
POLICIES = [
    OffersPolicy(),
    OffersPolicy(exclude=frozenset({"d"})),
    OffersPolicy(pins={"P1": "a", "P2": "b", "P3": "c", "P4": "zzz", **{f"P{k}": "d" for k in range(10, 400)}}),
]


def rows_of(offers: list[Offer], group: list[int]) -> OfferRows:
    names = sorted({o.supplier for o in offers}, reverse=True)            # codes not in name order
    return OfferRows(np.asarray(group, dtype=np.int64), [o.sku for o in offers],
                     np.asarray([names.index(o.supplier) for o in offers], dtype=np.int32), names,
                     np.asarray([int(o.unit_cost * 10_000) for o in offers], dtype=np.int64),
                     np.asarray([o.stock or 0 for o in offers], dtype=np.int64),
                     np.asarray([o.stock is not None for o in offers]), np.asarray([o.on_shelf for o in offers]))


def test_every_row_shows_the_offer_choose_chooses_or_its_best_ranked_when_none_can_be_ordered():
    offers, group, pids = catalog(18)
    rows = rows_of(offers, group)
    by_product: dict[int, list[Offer]] = {}
    for o, k in zip(offers, group):
        by_product.setdefault(k, []).append(o)
    checked = chosen_none = 0
    for states in STATES:
        for policy in POLICIES:
            best = best_rows(rows, len(pids), pids, states, policy)
            for k, mine in by_product.items():
                c = choose(Ask(pids[k], tuple(mine)), states, policy)
                want = c.chosen if c.chosen is not None else c.ranked[0].offer
                assert offers[best[k]].sku == want.sku, (pids[k], states, policy, c.ranked)
                checked += 1
                chosen_none += c.chosen is None
    assert checked == 9 * len(pids) and 0 < chosen_none < checked
