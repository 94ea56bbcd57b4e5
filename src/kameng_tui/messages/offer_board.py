"""Issue 18 on the catalog screen: a product's offers count in the list and every offer
in the detail pane (tui/widgets/offer_lines.py)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "col.offers": ("报价", "Offer"),
    "catalog.offers": ("{n}家", "{n}"),
    "detail.offers": ("报价 {n} 家", "{n} offers"),
    "detail.offer.why": ("{why}", "{why}"),
    "detail.offer.head": ("{mark}{supplier} {cost} 元 {stock}", "{mark}{supplier} {cost} yuan {stock}"),
    "detail.offer.stock": ("库存 {n}", "stock {n}"),
    "detail.offer.plenty": ("库存充足", "stock plenty"),
    "detail.offer.sold_out": ("缺货", "sold out"),
    "detail.offer.synced": ("  同步 {at}", "  synced {at}"),
    "detail.offer.never_synced": ("  未同步", "  never synced"),
    "detail.offer.balance": ("  余额 {amount} 元（{at}），{health}", "  balance {amount} ({at}), {health}"),
    "detail.offer.no_balance": ("  余额未知，{health}", "  balance unknown, {health}"),
    "detail.offer.stats": ("  {stats}", "  {stats}"),
    "detail.offer.skip": ("  未选：{reason}", "  not chosen: {reason}"),
}
