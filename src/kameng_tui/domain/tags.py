"""Tags are earned, never invented: each is computed from data the client holds and
carries a one-line reason. Each rule has a test where it is not earned.

历史低价  current cost below the 30-day maximum and <= the 30-day minimum, with at
          least 7 distinct days observed.  Reason: "30 天最低 (曾 X 元, D)".
热销TOP   top 10 in its leaf category by the supplier's sales rank, or by the
          reseller's own succeeded orders in 30 days (at least 3) — and in the top third
          of the leaf, so a leaf of eight products does not make all eight "TOP".
库存紧张  stock <= [tags] low_stock, or the supplier's own alarm flag.
秒到      median submit -> settle <= 30 s over the last 20 own orders, >= 5 samples.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Sequence

from kameng_tui.domain.models import Product
from kameng_tui.domain.money import fmt


@dataclass(frozen=True)
class Tag:
    code: str            # history_low | hot | low_stock | fast
    label: str           # zh label shown on the chip
    label_en: str
    reason: str
    reason_en: str


@dataclass(frozen=True)
class PricePoint:
    day: date
    cost: Decimal


@dataclass(frozen=True)
class DeliveryStats:
    count: int
    median_s: float | None
    p95_s: float | None
    success_rate: float | None


HISTORY_DAYS = 30
MIN_DAYS = 7
TOP_N = 10
MIN_OWN_SALES = 3
FAST_S = 30.0
FAST_WINDOW = 20
FAST_MIN = 5


def history_low(cost: Decimal, points: Sequence[PricePoint], today: date) -> Tag | None:
    recent = [p for p in points if 0 <= (today - p.day).days < HISTORY_DAYS]
    if len({p.day for p in recent}) < MIN_DAYS:
        return None
    high = max(recent, key=lambda p: (p.cost, p.day))
    low = min(p.cost for p in recent)
    if cost < high.cost and cost <= low:
        return Tag("history_low", "历史低价", "30-day low",
                   f"30 天最低 (曾 {fmt(high.cost)} 元, {high.day:%m-%d})",
                   f"lowest in 30 days (was {fmt(high.cost)}, {high.day:%m-%d})")
    return None


def hot(product: Product, own_rank: int | None = None, own_sales: int = 0, leaf_size: int | None = None) -> Tag | None:
    """Supplier rank within its leaf category, or the reseller's own rank (>= 3 sales)."""
    top = TOP_N if leaf_size is None else min(TOP_N, leaf_size // 3)
    if product.sales_rank is not None and product.sales_rank <= top:
        return Tag("hot", "热销TOP", "top seller", f"{product.category[-1]} 销量第 {product.sales_rank} 名（供应商排名）",
                   f"#{product.sales_rank} in {product.category[-1]} (supplier rank)")
    if own_rank is not None and own_rank <= top and own_sales >= MIN_OWN_SALES:
        return Tag("hot", "热销TOP", "top seller", f"你 30 天卖出 {own_sales} 单，本类第 {own_rank} 名",
                   f"you sold {own_sales} in 30 days, #{own_rank} in its category")
    return None


def low_stock(product: Product, threshold: int) -> Tag | None:
    if product.stock == 0:
        return Tag("low_stock", "库存紧张", "low stock", "已无库存", "out of stock")
    if product.stock is not None and product.stock <= threshold:
        return Tag("low_stock", "库存紧张", "low stock", f"库存仅剩 {product.stock}", f"only {product.stock} left")
    if product.stock_alarm:
        return Tag("low_stock", "库存紧张", "low stock", "供应商标记库存告警", "the supplier flags low stock")
    return None


def delivery_stats(seconds: Sequence[float], successes: int, total: int) -> DeliveryStats:
    """Median and p95 of submit -> settle times; success rate over settled orders."""
    if not seconds:
        return DeliveryStats(total, None, None, (successes / total) if total else None)
    ordered = sorted(seconds)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return DeliveryStats(total, statistics.median(ordered), p95, (successes / total) if total else None)


def fast(last_seconds: Sequence[float]) -> Tag | None:
    """`last_seconds`: submit -> settle of the latest own succeeded orders, newest first."""
    sample = list(last_seconds)[:FAST_WINDOW]
    if len(sample) < FAST_MIN:
        return None
    med = statistics.median(sample)
    if med <= FAST_S:
        return Tag("fast", "秒到", "instant", f"最近 {len(sample)} 单中位到账 {med:.0f} 秒",
                   f"median {med:.0f} s over the last {len(sample)} orders")
    return None


def tags_for(product: Product, *, points: Sequence[PricePoint] = (), today: date, low_stock_at: int = 20,
             own_rank: int | None = None, own_sales: int = 0, last_seconds: Sequence[float] = (),
             leaf_size: int | None = None) -> tuple[Tag, ...]:
    found = (history_low(product.unit_cost, points, today), hot(product, own_rank, own_sales, leaf_size),
             low_stock(product, low_stock_at), fast(last_seconds))
    return tuple(t for t in found if t is not None)


def column_masks(stock, alarm, rank, leaf_size, low_stock_at: int):
    """库存紧张 and supplier-rank 热销TOP for a whole catalog at once (numpy arrays);
    the same rules as `low_stock` and `hot`, which give the reasons for shown rows."""
    import numpy as np

    low = (stock <= low_stock_at) | (alarm != 0)
    top = np.minimum(TOP_N, leaf_size // 3)
    return low, rank <= top
