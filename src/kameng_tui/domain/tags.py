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
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Mapping, Sequence

from kameng_tui.domain.models import Product
from kameng_tui.domain.money import fmt
from kameng_tui.messages import LANGS, Msg, text

if TYPE_CHECKING:
    import numpy as np   # only for the annotations: the import stays lazy (sync and index time)

# Each tag's name in the catalog index: the tag facet's values, what `catalog --tag`
# takes and `catalog facets --json` prints. Identifiers, kept as they always were;
# people read a tag through its catalog label `tag.<code>` (Tag.label_msg).
TAG_NAMES = {"history_low": "历史低价", "hot": "热销TOP", "low_stock": "库存紧张", "fast": "秒到"}


def tag_code(name: str) -> str | None:
    """The code of a tag given by its index name, its code, or its label in any language."""
    for code, ident in TAG_NAMES.items():
        if name in (code, ident) or any(name == text(f"tag.{code}", lang) for lang in LANGS):
            return code
    return None


@dataclass(frozen=True)
class Tag:
    code: str            # history_low | hot | low_stock | fast
    why: Msg             # the one-line reason it was earned

    @property
    def name(self) -> str:
        """The index identifier (TAG_NAMES)."""
        return TAG_NAMES[self.code]

    @property
    def label_msg(self) -> Msg:
        """Its label; a sold-out product's stock tag reads 缺货 (not 库存紧张): nothing is left."""
        if self.code == "low_stock" and self.why.key == "tag.why.sold_out":
            return Msg("tag.sold_out")
        return Msg(f"tag.{self.code}")

    @property
    def label(self) -> str:
        return self.label_msg.text("zh")

    @property
    def label_en(self) -> str:
        return self.label_msg.text("en")

    @property
    def reason(self) -> str:
        return self.why.text("zh")

    @property
    def reason_en(self) -> str:
        return self.why.text("en")


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
        return Tag("history_low", Msg("tag.why.history_low", was=fmt(high.cost), day=f"{high.day:%m-%d}"))
    return None


def hot(product: Product, own_rank: int | None = None, own_sales: int = 0, leaf_size: int | None = None) -> Tag | None:
    """Supplier rank within its leaf category, or the reseller's own rank (>= 3 sales)."""
    top = TOP_N if leaf_size is None else min(TOP_N, leaf_size // 3)
    if product.sales_rank is not None and product.sales_rank <= top:
        if not product.category:         # a names-only goods list (Fulu's): ranked among all its goods
            return Tag("hot", Msg("tag.why.hot_supplier_all", rank=product.sales_rank))
        return Tag("hot", Msg("tag.why.hot_supplier", leaf=product.category[-1], rank=product.sales_rank))
    if own_rank is not None and own_rank <= top and own_sales >= MIN_OWN_SALES:
        return Tag("hot", Msg("tag.why.hot_own", sold=own_sales, rank=own_rank))
    return None


def low_stock(product: Product, threshold: int) -> Tag | None:
    if product.stock == 0:
        return Tag("low_stock", Msg("tag.why.sold_out"))
    if product.stock is not None and product.stock <= threshold:
        return Tag("low_stock", Msg("tag.why.few_left", stock=product.stock))
    if product.stock_alarm:
        return Tag("low_stock", Msg("tag.why.alarm"))
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
        return Tag("fast", Msg("tag.why.fast", n=len(sample), median=f"{med:.0f}"))
    return None


def tags_for(product: Product, *, points: Sequence[PricePoint] = (), today: date, low_stock_at: int = 20,
             own_rank: int | None = None, own_sales: int = 0, last_seconds: Sequence[float] = (),
             leaf_size: int | None = None) -> tuple[Tag, ...]:
    found = (history_low(product.unit_cost, points, today), hot(product, own_rank, own_sales, leaf_size),
             low_stock(product, low_stock_at), fast(last_seconds))
    return tuple(t for t in found if t is not None)


def column_masks(stock: np.ndarray, alarm: np.ndarray, rank: np.ndarray, leaf_size: np.ndarray,
                 low_stock_at: int) -> tuple[np.ndarray, np.ndarray]:
    """库存紧张 and supplier-rank 热销TOP for a whole catalog at once (numpy arrays);
    the same rules as `low_stock` and `hot`, which give the reasons for shown rows."""
    import numpy as np

    low = (stock <= low_stock_at) | (alarm != 0)
    top = np.minimum(TOP_N, leaf_size // 3)
    return low, rank <= top


# --- a product of several offers (issue 18) ------------------------------------------------
# 历史低价 reads the lowest offer over time; 热销TOP and 秒到 read the orders of all offers.

def lowest_points(per_offer: Sequence[Sequence[PricePoint]]) -> list[PricePoint]:
    """Each day a change of any offer was seen (those days are the samples, as one SKU's
    change days are), the lowest cost IN FORCE that day: every offer seen by then at its
    latest cost, not only the offers that changed that day. A flat cheap offer beside a
    dearer one that moves is a flat lowest price, never a fall from the dearer's highs."""
    days = sorted({p.day for points in per_offer for p in points})
    ordered = [sorted(points, key=lambda p: p.day) for points in per_offer]
    at = [0] * len(ordered)                   # per offer: how many of its points are on or before the day
    out: list[PricePoint] = []
    for day in days:
        in_force: list[Decimal] = []
        for k, points in enumerate(ordered):
            while at[k] < len(points) and points[at[k]].day <= day:
                at[k] += 1
            if at[k]:
                in_force.append(points[at[k] - 1].cost)
        out.append(PricePoint(day, min(in_force)))
    return out


def offers_history_low(costs: Sequence[Decimal], per_offer: Sequence[Sequence[PricePoint]], today: date) -> Tag | None:
    """历史低价 of a product: its lowest offer now against each day's lowest offer, so a
    cheaper offer elsewhere last week means today's price is no low."""
    return history_low(min(costs), lowest_points(per_offer), today) if costs else None


def offers_fast(per_offer: Sequence[Sequence[tuple[datetime, float]]]) -> Tag | None:
    """秒到 of a product over all its offers' latest succeeded orders, newest first
    ((settled at, submit -> settle seconds) per order): the product is as fast as
    what we ordered of it, whoever delivered."""
    merged = sorted((s for samples in per_offer for s in samples), key=lambda s: s[0], reverse=True)
    return fast([secs for _, secs in merged])


def offers_hot_own(sold: Sequence[tuple[str, int, int]], leaf_size: Mapping[str, int]) -> dict[int, tuple[int, int]]:
    """Products earning 热销TOP by our own sales summed over their offers: `sold` is
    (leaf category, product row, succeeded orders in 30 days); the same rule as `hot`
    (top 10 of the leaf, top third, at least 3 sales) over products instead of SKUs.
    Returns product row -> (its sales, its rank in the leaf)."""
    by_leaf: dict[str, list[tuple[int, int]]] = {}
    for leaf, row, n in sold:
        if n:
            by_leaf.setdefault(leaf, []).append((n, row))
    out: dict[int, tuple[int, int]] = {}
    for leaf, ranked in by_leaf.items():
        top = min(TOP_N, leaf_size.get(leaf, 0) // 3)
        for rank, (n, row) in enumerate(sorted(ranked, key=lambda x: (-x[0], x[1])), start=1):
            if rank <= top and n >= MIN_OWN_SALES:
                out[row] = (n, rank)
    return out
