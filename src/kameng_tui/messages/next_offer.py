"""Issue 18's re-order from the next offer in the TUI: the app's notice of a failure
learned after the order was placed (reconcile, a webhook), the history's key, its
question and why it cannot re-order a row."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "reorder.next.news": ("订单 {order_no} 已失败（无欠款），不会自动换家重下。下一家：{supplier}，成本 {cost} 元；"
                          "在历史中选中它按 {key} 换家重下",
                          "order {order_no} failed with nothing owed; it is never re-ordered by itself. The next "
                          "offer: {supplier} at {cost} yuan; select it in History and press {key} to re-order it"),
    "reorder.next.news_none": ("订单 {order_no} 已失败（无欠款）：{why}",
                               "order {order_no} failed with nothing owed: {why}"),
    "reorder.next.ask": ("从下一家重下订单 {order_no}（{account}，x{quantity}）？\n{why}\n售价仍为 {price} 元；"
                         "新订单与原订单关联",
                         "Re-order {order_no} ({account}, x{quantity}) from the next offer?\n{why}\nThe sale price "
                         "stays {price} yuan; the new order is linked to the failed one"),
    "reorder.next.line": ("可换下一家重下（按 {key}）：{why}", "Re-order from the next offer ({key}): {why}"),
    "reorder.next.attempt_of": ("接续失败的订单 {order_no}，换了报价", "follows failed order {order_no} on another offer"),
    "reorder.next.placing": ("订单 {order_no} 换到 {sku} 重下中", "re-ordering {order_no} from {sku}"),
    "reorder.next.placed": ("订单 {order_no} 已换到 {sku} 重下：新订单 {new_no}（{state}）",
                            "{order_no} re-ordered from {sku}: new order {new_no} ({state})"),
    "reorder.next.no_product": ("目录中找不到 {sku} 所属商品的报价：请先同步目录（设置 → 供应商，按 s）",
                                "no offers of the product of {sku} in the catalog: sync it first (Settings, "
                                "Suppliers, press s)"),
    "reorder.next.not_failed": ("订单 {order_no} 状态为{state}：只有失败且无欠款的订单可以换家重下",
                                "order {order_no} is {state}: only a failure with nothing owed is re-ordered from "
                                "the next offer"),
    "reorder.next.owed": ("订单 {order_no} 还有 {owed} 元扣款未退：不能换家重下，请先核对",
                          "order {order_no} still has {owed} yuan charged and not refunded: it is not re-ordered "
                          "elsewhere; check it first"),
    "reorder.next.followed": ("订单 {order_no} 已由 {next_no} 接续下单，不能再换家重下",
                              "order {order_no} was already followed by {next_no}: nothing to re-order"),
}
