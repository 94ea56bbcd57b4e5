"""Issue 14 (points 3 and 4): what a supplier said that contradicts what we asked
(`anomaly.<code>`, the event's code and params), the claims they make, and the words of
`order resume` / `order cancel` in the CLI and in history. A CLI message names the
command; a TUI message names the TUI action (history, the key)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # anomaly.<code>: rendered from an `anomaly` event's code and params (domain/reply_check.py)
    "anomaly.overcharged": ("扣款 {charged} 超过上限 {limit}", "charged {charged} above the limit {limit}"),
    "anomaly.delivered_out_of_range": ("到账数量 {delivered}，下单 {quantity}", "delivered {delivered} of {quantity} ordered"),
    "anomaly.nothing_delivered": ("报告成功但一件未到账（下单 {quantity}）",
                                  "reported success with nothing delivered ({quantity} ordered)"),
    "anomaly.other_product": ("回复的商品是 {said}，不是 {ordered}", "the reply is for product {said}, not {ordered}"),
    "anomaly.other_quantity": ("回复的数量是 {said}，不是 {ordered}", "the reply is for quantity {said}, not {ordered}"),
    "anomaly.extra_cards": ("收到 {came} 张卡，只订了 {ordered} 张；只保存 {ordered} 张",
                            "{came} cards came for {ordered} ordered; only {ordered} kept"),
    "anomaly.refund_above_charge": ("退款 {refunded} 超过扣款 {charged}", "refunded {refunded} above the charge {charged}"),
    "anomaly.final_contradicted": ("供应商现在说 {said}，账本记录为 {recorded}",
                                   "the supplier now says {said}, the ledger has {recorded}"),
    "anomaly.processing_not_found": ("供应商查不到一笔曾在处理中的订单", "the supplier no longer finds an order it had as processing"),
    "anomaly.pending_found": ("供应商持有一笔账本记为未发送的订单（对方状态 {state}）",
                              "the supplier holds an order the ledger had as unsent (it says {state})"),
    "anomaly.balance_drift": ("{supplier} 余额从 {before} 变为 {after}，期间账本扣款合计 {charged}，差 {missing}",
                              "balance of {supplier} went from {before} to {after} while the ledger charged {charged}; "
                              "{missing} unaccounted for"),
    # claims (services/reports.py)
    "claim.pending_once_submitted": ("曾提交后被拒，仍未发送超过 {minutes} 分钟",
                                     "refused after submission and still unsent after {minutes} min"),
    # the CLI (cli/orders.py)
    "cli.order.anomaly": ("[bold red]需核对[/] {message}", "[bold red]check[/] {message}"),
    "cli.order.anomaly_hint": ("  供应商的回复与下单不符，已记录为证据：kameng-tui claims",
                               "  the supplier's reply contradicts the order; kept as evidence: kameng-tui claims"),
    "cli.order.pending_hint": ("  尚未发送：kameng-tui order resume {order_no} 发送，kameng-tui order cancel {order_no} 取消",
                               "  not sent: kameng-tui order resume {order_no} sends it, "
                               "kameng-tui order cancel {order_no} cancels it"),
    "cli.order.cancelled": ("已取消 {order_no}", "cancelled {order_no}"),
    "cli.claims.drift": ("[bold]{supplier}[/] {reason}", "[bold]{supplier}[/] {reason}"),
    "err.order.extra_argument": ("多余的参数 {value}", "unexpected argument {value}"),
    "err.order.settled": ("{order_no} 已是最终状态 {state}，无需取消", "{order_no} is already {state}: nothing to cancel"),
    "err.order.in_flight": ("{order_no} 已发出（{state}），不能取消：kameng-tui reconcile 查询结果",
                            "{order_no} was sent ({state}) and cannot be cancelled: kameng-tui reconcile asks for it"),
    "err.order.query_failed": ("无法向供应商确认 {order_no}，未做任何改动；稍后再试 kameng-tui order {action} {order_no}",
                               "could not ask the supplier about {order_no}; nothing changed. Try kameng-tui order "
                               "{action} {order_no} later"),
    "err.order.not_found_yet": ("供应商暂未查到 {order_no}，但在宽限期内（{grace} 秒）仍可能出现；之后再取消",
                                "the supplier does not show {order_no} yet, but may within its grace time "
                                "({grace} s); cancel it after that"),
    "help.order.resume_cancel": ("SKU（该报价），@商品ID（按 [offers] 选报价），或 resume|cancel|reorder 加订单号",
                                 "SKU (that offer), @PRODUCT-ID (the [offers] policy chooses the offer), or "
                                 "resume|cancel|reorder followed by an order number"),
    "help.order.order_no": ("订单号（跟在 resume、cancel 或 reorder 之后）",
                            "the order number, after resume, cancel or reorder"),
    # the TUI (tui/app.py, tui/screens/history.py)
    "header.claims": ("需核对 {n}", "to check {n}"),
    "order.anomaly_hint": ("{order_no} 需核对：{message}\n见 历史 (3) 的 赔付 (c)", "{order_no} needs a check: {message}\nsee Claims (c) in History (3)"),
    "history.resume_sent": ("{order_no}：{state}", "{order_no}: {state}"),
    "history.not_pending": ("只有未发送的订单可以发送或取消；{order_no} 是 {state}",
                            "only an unsent order can be sent or cancelled; {order_no} is {state}"),
    "history.query_failed": ("无法向供应商确认 {order_no}，未发送也未取消；稍后在 历史 中按 s 发送或 x 取消",
                             "could not ask the supplier about {order_no}; neither sent nor cancelled. "
                             "Try again later in History with s (send) or x (cancel)"),
    "history.not_found_yet": ("供应商暂未查到 {order_no}，但宽限期内仍可能出现；稍后在 历史 中按 x 取消",
                              "the supplier does not show {order_no} yet but may within its grace time; "
                              "cancel it later in History with x"),
    "history.cancelled": ("已取消 {order_no}", "cancelled {order_no}"),
    "order.pending_where": ("（在 历史 (3) 中选中它）", "(select it in History (3))"),
    "history.pending_keys": ("未发送：按 s 发送，按 x 取消", "not sent: s sends it, x cancels it"),
    "key.history.resume": ("发送", "Send"),
    "key.history.cancel": ("取消未发送", "Cancel unsent"),
}
