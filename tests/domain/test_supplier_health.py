"""Issue 18: a supplier's health from its recent calls, and the delivery figures of the
detail pane from our own orders (domain/supplier_health.py, domain/offer_stats.py)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from kameng_tui.domain.offer_stats import DeliverySample, offer_stats
from kameng_tui.domain.supplier_health import Call, CallKind, call_kind, health_of

T0 = datetime(2026, 12, 7, 8, 0, tzinfo=timezone.utc)
S, A, K, U, O = CallKind.SUCCESS, CallKind.AUTH, CallKind.SKEW, CallKind.UNKNOWN, CallKind.OTHER


def calls(*spec: tuple[int, CallKind]) -> list[Call]:
    """(minutes after T0, kind)"""
    return [Call(at=T0 + timedelta(minutes=m), kind=k) for m, k in spec]


def test_no_calls_is_healthy():
    assert health_of([]).ok


def test_a_key_refusal_since_the_last_success_is_unhealthy_until_a_success():
    h = health_of(calls((0, S), (1, A)))
    assert not h.ok and h.why == "auth" and h.since == T0 + timedelta(minutes=1)
    assert "key" in h.msg.text("en")
    assert health_of(calls((0, S), (1, A), (2, O))).why == "auth"         # another refusal does not clear it
    assert health_of(calls((0, S), (1, A), (5, S))).ok                    # a success does


def test_a_key_refusal_before_the_last_success_is_forgotten():
    assert health_of(calls((0, A), (1, S))).ok


def test_a_clock_refusal_since_the_last_success_is_unhealthy():
    h = health_of(calls((0, S), (3, K)))
    assert not h.ok and h.why == "clock" and "clock" in h.msg.text("en")


def test_calls_are_read_in_time_order_whatever_order_given():
    assert health_of(list(reversed(calls((0, A), (1, S))))).ok
    assert not health_of(list(reversed(calls((0, S), (1, A))))).ok


def test_three_unknowns_in_a_row_within_ten_minutes_is_unhealthy():
    h = health_of(calls((0, S), (1, U), (5, U), (11, U)))
    assert not h.ok and h.why == "unknowns" and h.since == T0 + timedelta(minutes=11)


def test_three_unknowns_spread_over_eleven_minutes_is_healthy():
    assert health_of(calls((0, S), (1, U), (6, U), (12, U))).ok


def test_three_unknowns_not_in_a_row_is_healthy():
    assert health_of(calls((1, U), (2, U), (3, O), (4, U))).ok
    assert health_of(calls((1, U), (2, U), (3, U), (4, S))).ok
    assert not health_of(calls((1, U), (20, U), (21, U), (22, U))).ok   # the last three of a longer row


def test_error_codes_map_onto_call_kinds():
    assert [call_kind(c) for c in (None, "auth_failed", "clock_skew", "outcome_unknown", "no_reply", "out_of_stock",
                                   "rate_limited")] == [S, A, K, U, U, O, O]


def test_healthy_reads_healthy():
    assert "healthy" in health_of(calls((0, S))).msg.text("en")


def sample(days_ago: float, seconds: float | None, ok: bool = True) -> DeliverySample:
    return DeliverySample(settled_at=T0 - timedelta(days=days_ago), seconds=seconds, succeeded=ok)


def test_stats_over_the_last_orders_median_p95_and_success_rate():
    samples = [sample(0.1 * i, float(i + 1)) for i in range(19)] + [sample(2, None, ok=False)]
    s = offer_stats(samples, T0)
    assert not s.insufficient and s.stats.count == 20
    assert s.stats.median_s == 10.0 and s.stats.p95_s == 18.0 and s.stats.success_rate == 0.95
    assert "95%" in s.msg.text("en") and "10" in s.msg.text("zh")


def test_stats_keep_at_most_50_orders_and_7_days():
    samples = [sample(0.01 * i, 10.0) for i in range(60)]
    assert offer_stats(samples, T0).stats.count == 50
    samples = [sample(i, 10.0) for i in range(12)]                      # one a day
    assert offer_stats(samples, T0).stats.count == 8                     # days 0..7


def test_under_ten_samples_is_marked_insufficient():
    s = offer_stats([sample(1, 5.0)] * 9, T0)
    assert s.insufficient and s.stats.count == 9
    assert "样本不足" in s.msg.text("zh") and "sample" in s.msg.text("en")
    assert offer_stats([], T0).insufficient
