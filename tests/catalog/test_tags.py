"""Each tag where it is earned and where it is not."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from kameng_tui.domain.models import Delivery, Product
from kameng_tui.domain.tags import PricePoint, delivery_stats, fast, history_low, hot, low_stock, tags_for

TODAY = date(2026, 11, 25)
P = Product(sku="demo:X", supplier="demo", product_id="X", name="王者荣耀点券60元", category=("游戏", "腾讯", "王者荣耀"),
            delivery=Delivery.DIRECT, unit_cost=Decimal("55.0000"), stock=100, sales_rank=3)


def days(costs):
    return [PricePoint(TODAY - timedelta(days=i), Decimal(c)) for i, c in enumerate(costs)]


def test_history_low_earned_with_reason():
    tag = history_low(Decimal("55"), days(["55", "56", "57", "58", "57.5", "56", "56"]), TODAY)
    assert tag and tag.reason == f"30 天最低 (曾 58.00 元, {(TODAY - timedelta(days=3)):%m-%d})"


def test_history_low_not_earned():
    assert history_low(Decimal("55"), days(["55"] * 10), TODAY) is None                 # flat price
    assert history_low(Decimal("55"), days(["55", "60", "61", "62", "63", "64"]), TODAY) is None   # 6 days only
    assert history_low(Decimal("56"), days(["55", "60", "61", "62", "63", "64", "65"]), TODAY) is None  # not the low
    old = [PricePoint(TODAY - timedelta(days=40 + i), Decimal("90")) for i in range(10)]
    assert history_low(Decimal("55"), old + days(["55"] * 3), TODAY) is None             # history out of window


def test_hot():
    assert hot(P).code == "hot"
    rank11 = Product(**{**P.__dict__, "sales_rank": 11})
    assert hot(rank11) is None
    assert hot(rank11, own_rank=2, own_sales=3) is not None
    assert hot(rank11, own_rank=2, own_sales=2) is None                                    # too few own sales
    assert hot(P, leaf_size=8) is None                    # rank 3 of 8 is not the top third
    assert hot(P, leaf_size=9) is not None


def test_low_stock():
    assert low_stock(Product(**{**P.__dict__, "stock": 20}), 20).reason == "库存仅剩 20"
    assert low_stock(Product(**{**P.__dict__, "stock": 21}), 20) is None
    assert low_stock(Product(**{**P.__dict__, "stock": None}), 20) is None
    assert low_stock(Product(**{**P.__dict__, "stock": None, "stock_alarm": True}), 20) is not None


def test_fast_and_stats():
    assert fast([3, 5, 8, 12, 20]).code == "fast"
    assert fast([3, 5, 8, 12]) is None                                                    # 4 samples
    assert fast([31, 40, 50, 60, 70, 2]) is None                                          # median too slow
    s = delivery_stats([1, 2, 3, 4, 100], successes=5, total=6)
    assert s.median_s == 3 and s.p95_s == 100 and round(s.success_rate, 3) == 0.833


def test_tags_for_collects_only_earned():
    codes = {t.code for t in tags_for(P, today=TODAY)}
    assert codes == {"hot"}


def test_vectorized_rules_agree_with_the_scalar_ones():
    import numpy as np

    from kameng_tui.domain.tags import column_masks
    from kameng_tui.suppliers.demo import generate_catalog

    products = generate_catalog(3000)
    leaf: dict[str, int] = {}
    for p in products:
        leaf[p.category_path] = leaf.get(p.category_path, 0) + 1
    low, top = column_masks(np.array([p.stock if p.stock is not None else 1 << 40 for p in products]),
                            np.array([int(p.stock_alarm) for p in products]),
                            np.array([p.sales_rank or 1 << 30 for p in products]),
                            np.array([leaf[p.category_path] for p in products]), 20)
    for i, p in enumerate(products):
        assert bool(low[i]) == (low_stock(p, 20) is not None), p.sku
        assert bool(top[i]) == (hot(p, leaf_size=leaf[p.category_path]) is not None), p.sku
    assert low.any() and top.any() and not low.all()


def test_hot_for_a_names_only_listing_without_a_category():
    """Fulu-style goods lists give no category: the supplier's rank is still a reason."""
    from dataclasses import replace

    from kameng_tui.messages import render

    tag = hot(replace(P, category=(), sales_rank=1))
    assert tag is not None and "1" in render(tag.why, "zh") and "1" in render(tag.why, "en")
