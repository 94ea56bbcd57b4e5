"""The app's words for messages the services write for both faces: where a shared
message tells the reader a CLI command or flag, the TUI shows `in_app.<key>` instead
(same parameters, or fewer), naming the key or the screen that does it there. The
CLI keeps the original. tui/text.py `Texts.show` makes the swap."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "in_app.err.team_key.import": ("本终端没有团队的数据密钥，卡密商品不能下单（其余商品照常）：请向店主要团队密钥导入本机"
                                   "（F6 查看如何导入）；未记下任何内容",
                                   "this terminal does not hold the team's data key: card products cannot be ordered "
                                   "(everything else can). Ask the owner for the team key and import it here (F6: "
                                   "how); nothing was recorded"),
    "in_app.err.checkout.repeat": ("{window} 秒内已给 {account} 下过 {sku}（订单 {order_no}，{state}）",
                                   "{sku} was ordered for {account} within {window} s (order {order_no}, {state})"),
    "in_app.err.batch.repeat": ("同样的批量已在批次 {batch_id} 下过", "the same batch was already run as batch {batch_id}"),
    "in_app.err.batch.repeat_unsettled": ("批次 {batch_id} 还有 {n} 行未结算；它们在后台对账，结算后（见 订单）再重下",
                                          "batch {batch_id} still has {n} unsettled line(s); they are reconciled in the "
                                          "background: run it again once they settle (see History)"),
    "in_app.err.checkout.below_cost": ("售价 {price} 元低于成本 {cost} 元（每件亏 {loss} 元）。确认亏本出售：在 allow_loss 列填 yes",
                                       "the price {price} is below the cost {cost} (a loss of {loss} each). To sell at a "
                                       "loss anyway: allow_loss = yes on the line"),
    "in_app.err.batch.duplicate_line": ("与第 {line} 行重复（同一 SKU 和账号）", "duplicates line {line} (same SKU and account)"),
    "in_app.err.supplier.no_secret_http": ("供应商 {name} 没有密钥：在 设置 → 供应商 选中它按 k 填写，或设置 {env}",
                                           "supplier {name} has no secret: in Settings → Suppliers select it and press k, "
                                           "or set {env}"),
    "in_app.err.fulu.no_secret": ("供应商 {name} 没有密钥：在 设置 → 供应商 选中它按 k 填写，或设置 {env}",
                                  "supplier {name} has no secret: in Settings → Suppliers select it and press k, "
                                  "or set {env}"),
    "in_app.err.http.unknown_key_order": ("{name} 不认识密钥 ID {key_id}：订单未创建，仍待发送。请在 设置 → 供应商 中检查密钥 ID "
                                          "和密钥（按 t 测试），改好后在 订单 中按 s 再发这一单（同一单号）",
                                          "{name} does not know the key id {key_id}: nothing was created, the order stays "
                                          "pending. Check the key id and secret in Settings → Suppliers (t tests them), "
                                          "then press s on the order in History (same number)"),
    "in_app.err.http.key_refused_order": ("{name} 拒绝了我们的签名：{said}；订单未创建，仍待发送。请在 设置 → 供应商 中检查密钥 ID "
                                          "和密钥（按 t 测试）",
                                          "{name} refused our signature: {said}; nothing was created, the order stays "
                                          "pending. Check the key id and secret in Settings → Suppliers (t tests them)"),
    "in_app.err.http.secret_refused_order": ("{name} 拒绝了请求，回复用另一个密钥签名（多半是我们的密钥不对），无法确认；"
                                             "订单结果未定，能查询时会自动核对。请在 设置 → 供应商 中检查密钥（按 t 测试）",
                                             "{name} refused the request in a reply signed with another secret (most "
                                             "likely our secret is wrong), which can't be trusted: the order stays unknown "
                                             "until a query settles it. Check the secret in Settings → Suppliers (t tests it)"),
}
