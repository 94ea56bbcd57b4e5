"""Issue 18's failover: a failed order followed by the next offer, its refusals, and
the re-order offered after a failure learned later (CLI hint, TUI)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "offer.skip.failed_attempt": ("本单已在 {supplier} 失败（订单 {order_no}，未扣款）",
                                  "this order already failed at {supplier} ({order_no}, nothing charged)"),
    "err.attempt.taken": ("订单 {attempt_of} 已由 {order_no} 接续下单（另一个终端先做了），未记录新订单",
                          "order {attempt_of} was already followed by {order_no} (another terminal did it first); "
                          "nothing new recorded"),
    "err.attempt.may_deliver": ("订单 {attempt_of} 状态为 {state}，供应商可能仍会发货：不能换报价重下，请先对账",
                                "order {attempt_of} is {state} and its supplier may still deliver: it cannot be "
                                "re-ordered elsewhere; reconcile it first"),
    "err.attempt.no_order": ("没有订单 {attempt_of}", "no order {attempt_of}"),
    "err.reorder.not_failed": ("订单 {order_no} 不是已失败且无欠款的订单，不能再下一单",
                               "order {order_no} is not a failure with nothing owed: nothing to re-order"),
    "err.reorder.no_product": ("找不到 {sku} 所属商品的报价，请先同步目录（kameng-tui catalog sync）",
                               "no offers of the product of {sku} in the catalog; sync it first (kameng-tui catalog sync)"),
    "cli.order.reorder_hint": ("换下一个报价再下一单：kameng-tui order reorder {order_no}",
                               "re-order from the next offer: kameng-tui order reorder {order_no}"),
    "cli.order.failed_over": ("{order_no} 失败（未扣款），已换 {sku} 重新下单",
                              "{order_no} failed with nothing charged; re-ordered from {sku}"),
    # the TUI's checkout after its runner failed an order over (tui/failover_news.py)
    "failover.moved": ("{left} 下单失败（{reason}，未扣款），已换 {supplier} 的报价 {sku} 重新下单：{order_no}",
                       "{left} did not take it ({reason}, nothing charged): re-ordered from {supplier}'s offer "
                       "{sku} as {order_no}"),
    "failover.ask": ("订单 {order_no} 在 {left} 下单失败（{reason}，未扣款）。\n"
                     "下一个报价 {sku}（供应商 {supplier}）成本 {cost} 元，比你确认的成本 {confirmed} 元高 {more} 元，"
                     "超过允许的上涨 {rise} 元。\n按这个成本换它下单吗？",
                     "Order {order_no} failed at {left} ({reason}, nothing charged).\n"
                     "The next offer {sku} (supplier {supplier}) costs {cost} yuan, {more} yuan above the {confirmed} "
                     "yuan you confirmed, more than the allowed rise of {rise} yuan.\nOrder from it at this cost?"),
    "failover.declined": ("未换 {sku}（{supplier}）下单：订单 {order_no} 已失败，未扣款，无需付款",
                          "Not re-ordered from {sku} ({supplier}): order {order_no} failed with nothing charged; "
                          "nothing is owed"),
    "failover.none": ("订单 {order_no} 已失败，未扣款；没有可换的报价：{why}",
                      "Order {order_no} failed with nothing charged; no next offer to take: {why}"),
}
