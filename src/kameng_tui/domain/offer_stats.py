"""Delivery figures of an offer from our own orders, for the detail pane (issue 18):
median and p95 of submit -> settle seconds and the success rate, over the latest 50
settled orders that are at most 7 days old. Both limits hold: a busy shop reads its
last hours, a quiet one its last week, and neither reads a supplier as it was a month
ago. Under 10 orders the figures are marked 样本不足: too few to compare offers by.

The figures themselves are domain/tags.py `delivery_stats`, which the catalog's detail
and the 秒到 badge use too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Sequence

from kameng_tui.domain.tags import DeliveryStats, delivery_stats
from kameng_tui.messages import Msg

WINDOW_ORDERS = 50
WINDOW = timedelta(days=7)
MIN_SAMPLES = 10


@dataclass(frozen=True)
class DeliverySample:
    """One settled order of the offer: when it settled, submit -> settle seconds
    (None when not measured), whether it succeeded."""

    settled_at: datetime
    seconds: float | None
    succeeded: bool


@dataclass(frozen=True)
class OfferStats:
    stats: DeliveryStats
    insufficient: bool

    @property
    def msg(self) -> Msg:
        s = self.stats
        if self.insufficient:
            return Msg("offer.stats.insufficient", n=s.count)
        return Msg("offer.stats", median=_secs(s.median_s), p95=_secs(s.p95_s),
                   rate="-" if s.success_rate is None else f"{s.success_rate * 100:.0f}", n=s.count)


def _secs(value: float | None) -> str:
    return "-" if value is None else f"{value:.0f}"


def offer_stats(samples: Sequence[DeliverySample], now: datetime) -> OfferStats:
    """The figures over the window (samples in any order)."""
    recent = sorted((s for s in samples if now - s.settled_at <= WINDOW), key=lambda s: s.settled_at,
                    reverse=True)[:WINDOW_ORDERS]
    seconds = [s.seconds for s in recent if s.succeeded and s.seconds is not None]
    ok = sum(1 for s in recent if s.succeeded)
    return OfferStats(delivery_stats(seconds, ok, len(recent)), insufficient=len(recent) < MIN_SAMPLES)
