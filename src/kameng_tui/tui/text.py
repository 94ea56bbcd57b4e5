"""The TUI's words in zh (default) and en, by key.

One table, so a missing translation is a test failure rather than a blank on screen.
Error codes and JSON stay English; everything a reseller reads goes through `t`.
"""

from __future__ import annotations

from typing import Any

TEXTS: dict[str, tuple[str, str]] = {
    # shell
    "app.title": ("卡盟终端", "kameng-tui"),
    "screen.catalog": ("目录", "Catalog"),
    "screen.history": ("订单", "History"),
    "header.supplier": ("供应商", "Supplier"),
    "header.balance": ("余额", "Balance"),
    "header.offline": ("离线", "offline"),
    "header.low": ("余额不足 {amount} 元，请到供应商后台充值", "balance below {amount}; recharge at the supplier"),
    "quit.ask": ("还有 {n} 个订单在处理中。退出后它们保持原状，下次启动时对账。确定退出？",
                 "{n} orders are still in flight. They stay as they are and are reconciled at the next start. Quit?"),
    "yes": ("是", "Yes"),
    "no": ("否", "No"),
    "help.title": ("快捷键：{screen}", "Keys: {screen}"),
    "help.global": ("全局", "Global"),
    "reconcile.start": ("正在后台对账 {n} 个未结订单", "reconciling {n} unsettled orders in the background"),
    "reconcile.done": ("对账完成：{settled} 个已结，{open} 个仍待结", "reconcile done: {settled} settled, {open} still open"),
    "reconcile.error": ("{supplier} 暂时无法连接：{message}；只有发往它的订单受影响",
                        "{supplier} is unreachable: {message}; only orders to it are affected"),
    "suggest.renewal": ("{n} 个会员即将到期续费（kameng-tui suggest 查看）", "{n} memberships are due for renewal (see `kameng-tui suggest`)"),
    "sync.start": ("首次启动：正在从供应商同步目录", "first start: syncing the catalog from the suppliers"),
    "sync.done": ("目录已同步：{n} 个商品", "catalog synced: {n} products"),
    # catalog
    "catalog.search": ("搜索（拼音/首字母，空格分词）", "Search (pinyin, initials; tokens)"),
    "catalog.count": ("{count} 个商品", "{count} products"),
    "catalog.sort": ("排序：{sort}", "sort: {sort}"),
    "catalog.row": ("第 {row} 行", "row {row}"),
    "sort.default": ("默认", "default"),
    "sort.price": ("价格", "price"),
    "sort.discount": ("折扣", "discount"),
    "sort.stock": ("库存", "stock"),
    "sort.sales": ("销量", "sales"),
    "col.name": ("商品", "Product"),
    "col.face": ("面值", "Face"),
    "col.cost": ("进价", "Cost"),
    "col.discount": ("折扣", "Disc"),
    "col.stock": ("库存", "Stock"),
    "col.tags": ("标签", "Tags"),
    "filter.category": ("分类", "Category"),
    "filter.all": ("全部", "All"),
    "filter.price": ("价格区间", "Price range"),
    "filter.price_min": ("最低", "min"),
    "filter.price_max": ("最高", "max"),
    "filter.bad_price": ("价格要填数字，例如 9.5", "a price is a number, e.g. 9.5"),
    "detail.empty": ("没有选中的商品", "no product selected"),
    "detail.cost": ("进价 {cost} 元，售价 {price} 元", "cost {cost}, price {price}"),
    "detail.face": ("面值 {face} 元，折扣 {disc}", "face value {face}, discount {disc}"),
    "detail.stock": ("库存 {stock}", "stock {stock}"),
    "detail.stock_unknown": ("库存充足", "stock: plenty"),
    "detail.tiers": ("阶梯价", "Quantity tiers"),
    "detail.tier": ("  满 {qty} 件 {cost} 元", "  {qty}+ at {cost}"),
    "detail.tags": ("标签", "Tags"),
    "detail.no_tags": ("  无（标签只在数据足够时出现）", "  none (a tag appears only when the data earns it)"),
    "detail.history": ("近 30 天进价", "Cost, last 30 days"),
    "detail.no_history": ("  价格未变动过", "  no price change recorded"),
    "detail.delivery": ("到账：中位 {median}，P95 {p95}，成功率 {rate}（{n} 单）",
                        "delivery: median {median}, p95 {p95}, success {rate} ({n} orders)"),
    "detail.no_delivery": ("到账：还没有自己的订单数据", "delivery: no own orders yet"),
    "detail.bought": ("你买过 {n} 次", "you bought this {n} times"),
    "detail.fields": ("下单需要：{fields}", "needs: {fields}"),
    "detail.status": ("状态：{status}", "status: {status}"),
    "detail.keys": ("o 下单   a 再来一单", "o order   a order again"),
    # checkout
    "checkout.title": ("下单：{name}", "Order: {name}"),
    "checkout.quantity": ("数量", "Quantity"),
    "checkout.customer": ("客户（可选）", "Customer (optional)"),
    "checkout.note": ("备注（可选）", "Note (optional)"),
    "checkout.recent": ("上/下键选最近账号", "up/down: recent accounts"),
    "checkout.recent_item": ("{account}（{sku}，{date}）", "{account} ({sku}, {date})"),
    "checkout.carrier": ("运营商：{carrier}", "carrier: {carrier}"),
    "checkout.summary": ("合计 {total} 元   成本 {cost} 元   利润 {profit} 元   下单后余额 {after}",
                         "total {total}   cost {cost}   profit {profit}   balance after {after}"),
    "checkout.place": ("下单 {total} 元 -> {tail}", "Order {total} -> {tail}"),
    "checkout.place_plain": ("下单 {total} 元", "Order {total}"),
    "checkout.again": ("再来一单 -> {account}", "Order again -> {account}"),
    "checkout.invalid": ("还有字段没填对", "some fields are not valid yet"),
    "checkout.placing": ("正在下单 {order_no}", "placing {order_no}"),
    "checkout.price_changed": ("进价变了：{old} -> {new} 元。再按 Enter 按新价下单", "cost changed: {old} -> {new}. Press Enter again to order at the new cost"),
    "checkout.closed": ("订单 {order_no} 在后台继续处理", "order {order_no} continues in the background"),
    "checkout.card_missing": ("卡密尚未到账", "no cards delivered yet"),
    "order.final": ("订单 {order_no}：{state}", "order {order_no}: {state}"),
    "order.failed_hint": ("失败，未扣款或已退款，可重新下单：{reason}", "failed; nothing owed, safe to order again: {reason}"),
    "order.unknown_hint": ("结果未知：不要重下，稍后自动对账查询", "outcome unknown: do not order again; it is queried in the background"),
    "card.copied": ("已复制卡密，{s} 秒后从剪贴板清除", "card secret copied; cleared from the clipboard in {s} s"),
    "card.cleared": ("剪贴板里的卡密已清除", "the card secret was cleared from the clipboard"),
    "card.none": ("这个订单没有卡密", "this order has no card secrets"),
    # history
    "history.search": ("搜索订单号/商品/账号/客户/备注", "Search order no / product / account / customer / note"),
    "history.customer": ("客户", "customer"),
    "history.account": ("账号", "account"),
    "history.supplier": ("供应商", "supplier"),
    "preset.today": ("今天", "Today"),
    "preset.yesterday": ("昨天", "Yesterday"),
    "preset.week": ("本周", "This week"),
    "preset.month": ("本月", "This month"),
    "preset.all": ("全部", "All"),
    "preset.custom": ("自定义", "Custom"),
    "history.custom_hint": ("自定义日期：2026-11-01..2026-11-30", "custom dates: 2026-11-01..2026-11-30"),
    "history.bad_dates": ("日期格式：2026-11-01..2026-11-30", "dates look like 2026-11-01..2026-11-30"),
    "history.status_all": ("全部状态", "all states"),
    "history.totals": ("{orders} 单   营收 {revenue}   成本 {cost}   已扣 {charged}   退款 {refunded}   利润 {profit}",
                       "{orders} orders   revenue {revenue}   cost {cost}   charged {charged}   refunded {refunded}   profit {profit}"),
    "history.shown": ("显示 {shown} / {total}", "showing {shown} of {total}"),
    "history.more": ("显示 {shown} / {total}，向下滚动加载更多", "showing {shown} of {total}; scroll down for more"),
    "history.claims": ("优先赔付（需要人工处理）", "Claims (need a manual check)"),
    "history.timeline": ("事件时间线", "Event timeline"),
    "history.exported": ("已导出 {n} 单到 {path}", "exported {n} orders to {path}"),
    "history.empty": ("没有符合条件的订单", "no orders match"),
    "hcol.time": ("时间", "Time"),
    "hcol.order": ("订单号", "Order"),
    "hcol.product": ("商品", "Product"),
    "hcol.account": ("账号", "Account"),
    "hcol.state": ("状态", "State"),
    "hcol.total": ("售价", "Price"),
    "hcol.profit": ("利润", "Profit"),
    "hcol.customer": ("客户", "Customer"),
    # states
    "state.pending": ("待发送", "pending"),
    "state.submitted": ("已提交", "submitted"),
    "state.processing": ("处理中", "processing"),
    "state.unknown": ("结果未知", "unknown"),
    "state.succeeded": ("成功", "succeeded"),
    "state.failed": ("失败", "failed"),
    "state.cancelled": ("已取消", "cancelled"),
    "state.refunded": ("已退款", "refunded"),
}


class Texts:
    """`t("key", **values)` in the configured language; en falls back to nothing."""

    def __init__(self, lang: str = "zh") -> None:
        self.lang = "en" if lang == "en" else "zh"

    def __call__(self, key: str, **values: Any) -> str:
        zh, en = TEXTS[key]
        text = en if self.lang == "en" else zh
        return text.format(**values) if values else text
