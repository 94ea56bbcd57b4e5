"""Badges of a product of several offers (issue 18), each where it is earned and where
it is not: 历史低价 from the lowest offer over time, 秒到 and 热销TOP over all offers'
orders."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from kameng_tui.domain.tags import PricePoint, fast, history_low, offers_fast, offers_history_low, offers_hot_own

TODAY = date(2026, 11, 25)
NOW = datetime(2026, 11, 25, 10, tzinfo=timezone.utc)


def days(costs):
    return [PricePoint(TODAY - timedelta(days=i), Decimal(c)) for i, c in enumerate(costs)]


def test_history_low_reads_the_lowest_offer_of_each_day():
    a = days(["55", "58", "58", "58", "58", "58", "58"])        # a fell to 55 today
    b = days(["57", "57", "57", "57", "57", "57", "57"])
    tag = offers_history_low([Decimal("55"), Decimal("57")], [a, b], TODAY)
    assert tag is not None and "57.00" in tag.reason            # the highest of the daily lows


def test_history_low_not_earned_when_another_offer_was_cheaper_before():
    a = days(["55", "58", "58", "58", "58", "58", "58"])
    b = days(["57", "57", "57", "54", "57", "57", "57"])        # b sold at 54 three days ago
    assert history_low(Decimal("55"), a, TODAY) is not None    # a alone would earn it
    assert offers_history_low([Decimal("55"), Decimal("57")], [a, b], TODAY) is None


def samples(n, secs, start_min=0):
    return [(NOW - timedelta(minutes=start_min + i), float(secs)) for i in range(n)]


def test_fast_over_all_offers_orders():
    a, b = samples(3, 10), samples(3, 12, start_min=5)
    assert fast([s for _, s in a]) is None and fast([s for _, s in b]) is None   # 3 orders each: too few alone
    tag = offers_fast([a, b])
    assert tag is not None and "6" in tag.reason


def test_fast_not_earned_when_the_latest_orders_of_all_offers_are_slow():
    quick_but_old = samples(20, 5, start_min=600)
    slow_recent = samples(20, 90)
    assert offers_fast([quick_but_old]) is not None
    assert offers_fast([quick_but_old, slow_recent]) is None    # the newest 20 across offers are slow
    assert offers_fast([samples(2, 5), samples(2, 5)]) is None  # 4 orders in all: too few


def test_hot_by_own_sales_summed_over_offers():
    leaf = {"游戏/腾讯/王者荣耀": 9}
    # product 0: 2 + 2 orders over two offers (neither offer reaches 3 alone); product 1: 1
    got = offers_hot_own([("游戏/腾讯/王者荣耀", 0, 4), ("游戏/腾讯/王者荣耀", 1, 1)], leaf)
    assert got == {0: (4, 1)}                                                # 4 sold, first of its leaf


def test_hot_not_earned_below_three_sales_or_outside_the_top_third():
    assert offers_hot_own([("a", 0, 2)], {"a": 9}) == {}                     # 2 orders in all
    sold = [("a", k, 10 - k) for k in range(4)]
    assert set(offers_hot_own(sold, {"a": 9})) == {0, 1, 2}                   # top third of 9 is 3


def changes(*pairs):
    """Points only on the days a change was seen (as the cache records them): (days ago, cost)."""
    return [PricePoint(TODAY - timedelta(days=d), Decimal(c)) for d, c in sorted(pairs, reverse=True)]


def test_history_low_not_earned_on_a_flat_lowest_offer_while_a_dearer_one_moves():
    """refb has sold at 50 for three weeks (seen once, never changed); refa moves daily
    between 60 and 65. The product's lowest offer is flat at 50: no 历史低价, however
    much the dearer offer's own days go up and down."""
    refb = changes((20, "50"))
    refa = changes((9, "60"), (8, "62"), (7, "61"), (6, "63"), (5, "60"), (4, "64"), (3, "62"), (2, "61"), (1, "65"))
    assert offers_history_low([Decimal("50"), Decimal("65")], [refa, refb], TODAY) is None


def test_history_low_when_the_cheapest_offer_moved_supplier_reads_the_offer_in_force_each_day():
    """refb was the cheapest (57 to 57.5) until it rose to 60 two days ago; refa, seen at
    59 and unchanged until today, fell to 55. Two days ago the lowest offer in force was
    refa's 59 (not refb's new 60): 55 is a low against 59."""
    refb = changes((8, "57"), (7, "57.5"), (6, "57"), (5, "57.5"), (4, "57"), (3, "57.5"), (2, "60"))
    refa = changes((8, "59"), (0, "55"))
    tag = offers_history_low([Decimal("55"), Decimal("60")], [refa, refb], TODAY)
    assert tag is not None and "59.00" in tag.reason and (TODAY - timedelta(days=2)).strftime("%m-%d") in tag.reason, \
        tag and tag.reason
    # and not earned when refa's 55 is no lower than what refb sold at before
    cheaper_before = changes((8, "54"), (7, "57.5"), (6, "57"), (5, "57.5"), (4, "57"), (3, "57.5"), (2, "60"))
    assert offers_history_low([Decimal("55"), Decimal("60")], [refa, cheaper_before], TODAY) is None
