"""Words of the supplier adapters (suppliers/): titles and config field labels, and the
shared errors as each adapter words them. {said} is the upstream's own text."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # shared by adapters
    "err.supplier.option_not_number": ("供应商 {name} 的 {key} 不是数字：{raw}", "supplier {name}: {key} is not a number: {raw}"),
    "err.supplier.option_negative": ("供应商 {name} 的 {key} 不能为负", "supplier {name}: {key} must not be negative"),
    "err.supplier.missing_option": ("供应商 {name} 缺少 {key}；{fix}", "supplier {name} has no {key}; {fix}"),
    "err.supplier.says": ("{name}: {said}", "{name}: {said}"),
    "err.supplier.says_http": ("{name}: {said}（HTTP {status}）", "{name}: {said} (HTTP {status})"),
    "err.supplier.no_product": ("{name} 没有商品 {product_id}", "{name} has no product {product_id}"),
    "err.supplier.unclean_id": ("{name} 报价的商品编号含控制字符，已拒收", "{name} quoted a product whose id holds control characters; refused"),
    "err.supplier.too_large": ("{name} 的回复超过 {limit}，已拒收", "{name}'s reply is larger than {limit}; refused"),
    "err.supplier.encoding": ("{name} 的回复带 Content-Encoding: {encoding}（只接受未压缩的回复），已拒收",
                              "{name}'s reply came with Content-Encoding: {encoding} (only identity is taken); refused"),
    "err.supplier.unknown_kind": ("未知的供应商类型 {kind}；已安装：{installed}", "unknown supplier kind {kind}; installed: {installed}"),
    "err.supplier.broken_plugin": ("供应商插件 {kind} 无法使用：{error}", "the supplier plugin {kind} cannot be used: {error}"),
    "supplier.field.secret": ("密钥", "Secret"),
    "supplier.http.kind_title": ("HTTP 供货商（开放协议）", "HTTP supplier (open protocol)"),
    # suppliers/http/
    "supplier.http.title": ("HTTP 供货商 ({host})", "HTTP supplier ({host})"),
    "supplier.field.api_url": ("接口地址", "URL"),
    "supplier.field.key_id": ("密钥 ID", "Key ID"),
    "err.supplier.no_secret_http": ("供应商 {name} 没有密钥：kameng-tui supplier secret {name}（会提示输入，或 --secret-stdin），"
                                    "或设置 {env}",
                                    "supplier {name} has no secret: run kameng-tui supplier secret {name} (it asks, or "
                                    "--secret-stdin), or set {env}"),
    "err.http.clock_skew": ("{name} 拒绝：本机时钟偏差 {skew} 秒，订单未发出，校准时钟后再发",
                            "{name} refused: clock off by {skew} s; nothing was created, fix the clock and resume"),
    "err.http.rate_limited": ("{name} 限流，请稍后再发", "{name} is rate limiting; try again later"),
    "err.http.auth": ("{name} 认证失败（检查密钥 ID 和密钥）", "{name} authentication failed (check the key id and secret)"),
    "err.http.auth_said": ("{name} 认证失败：{said}（检查密钥 ID 和密钥）",
                           "{name} authentication failed: {said} (check the key id and secret)"),
    # reads (supplier test, adding a supplier, quotes): no order involved
    "err.http.unknown_key": ("{name} 认证失败：不认识密钥 ID {key_id}（检查密钥 ID 和密钥）",
                             "{name} authentication failed: it does not know the key id {key_id} "
                             "(check the key id and secret)"),
    "err.http.secret_refused": ("{name} 认证失败：回复用另一个密钥签名，多半是我们的密钥不对（检查密钥）",
                                "{name} authentication failed: its reply is signed with another secret, most "
                                "likely ours is wrong (check the secret)"),
    # creates: what became of the order, and the fix
    "err.http.unknown_key_order": ("{name} 不认识密钥 ID {key_id}：订单未创建，仍待发送。请检查密钥 ID 和密钥"
                                   "（kameng-tui supplier test {name}），改好后再发这一单（同一单号）",
                                   "{name} does not know the key id {key_id}: nothing was created, the order stays "
                                   "pending. Check the key id and secret (kameng-tui supplier test {name}), then send "
                                   "it again (same number)"),
    "err.http.key_refused_order": ("{name} 拒绝了我们的签名：{said}；订单未创建，仍待发送。请检查密钥 ID 和密钥"
                                   "（kameng-tui supplier test {name}）",
                                   "{name} refused our signature: {said}; nothing was created, the order stays "
                                   "pending. Check the key id and secret (kameng-tui supplier test {name})"),
    "err.http.secret_refused_order": ("{name} 拒绝了请求，回复用另一个密钥签名（多半是我们的密钥不对），无法确认；"
                                      "订单结果未定，能查询时会自动核对。请检查密钥：kameng-tui supplier test {name}",
                                      "{name} refused the request in a reply signed with another secret (most likely "
                                      "our secret is wrong), which can't be trusted: the order stays unknown until a "
                                      "query settles it. Check the secret: kameng-tui supplier test {name}"),
    "err.http.unreadable": ("{name} 暂时无法读取（{last}）", "{name} could not be read ({last})"),
    "err.http.catalog_off_spec": ("{name} 的商品目录格式不对：{error}", "{name}'s catalog is off-spec: {error}"),
    "err.http.quote_off_spec": ("{name} 的报价格式不对：{error}", "{name}'s quote is off-spec: {error}"),
    "err.http.balance_off_spec": ("{name} 余额无法解析：{error}", "{name}'s balance is off-spec: {error}"),
    "err.http.deadline": ("{name} 未在时限内回复", "{name}: no reply within the deadline"),
    "err.http.connect": ("无法连接 {name}（订单未发出）", "cannot connect to {name} (the order was not sent)"),
    "err.http.untrusted": ("{name} 的回复不可信：{why}", "{name}'s reply cannot be trusted: {why}"),
    "err.http.connection_lost": ("{name} 连接中断（{kind}）", "{name}: connection lost ({kind})"),
    "err.http.order_off_spec": ("{name} 的订单格式不对：{error}", "{name}'s order is off-spec: {error}"),
    "err.http.other_order": ("{name} 回复的是另一个订单号", "{name} answered for another order number"),
    "err.http.query_404": ("{name} 查询接口返回 404 却不是 not_found", "{name}: the query answered 404 without not_found"),
    "err.http.list_off_spec": ("{name} 的订单列表格式不对", "{name}'s order list is off-spec"),
    "err.http.hook_signature": ("{name} 回调签名无效", "{name}: webhook signature invalid"),
    "err.http.hook_not_json": ("{name} 回调不是 JSON", "{name}: webhook is not JSON"),
    "err.http.hook_off_spec": ("{name} 回调格式不对", "{name}: webhook is off-spec"),
    "err.http.hook_event": ("{name} 未知回调事件", "{name}: unknown webhook event"),
    "err.http.not_https": ("供应商 {name} 的地址必须是 https://（本机 127.0.0.1 除外）：{base}",
                           "supplier {name}: the URL must be https:// (loopback excepted): {base}"),
    "err.faults.item": ("--faults 每一项应为 名=值，收到 {part}", "--faults: each item must be name=value, got {part}"),
    "err.faults.unknown": ("--faults：未知的故障 {name}；可用：{known}", "--faults: unknown knob {name}; known: {known}"),
    "err.faults.not_number": ("--faults：{name} 的值不是数字：{raw}", "--faults: {name} is not a number: {raw}"),
    "err.faults.range": ("--faults：{name} 应在 {range}，收到 {raw}", "--faults: {name} must be {range}, got {raw}"),
    # suppliers/fulu/
    "supplier.fulu.title": ("福禄开放平台", "Fulu open platform"),
    "supplier.field.app_key": ("App Key", "App Key"),
    "supplier.field.app_secret": ("App Secret", "App Secret"),
    "supplier.field.gateway_url": ("网关地址（空 = 正式环境）", "Gateway URL (empty = production)"),
    "err.fulu.no_secret": ("供应商 {name} 没有密钥：kameng-tui supplier secret {name}（会提示输入，或 --secret-stdin），"
                           "或设置 {env}",
                           "supplier {name} has no secret: run kameng-tui supplier secret {name} (it asks, or "
                           "--secret-stdin), or set {env}"),
    "err.fulu.not_https": ("福禄地址必须是 https（本机测试除外）：{base}", "the Fulu URL must be https (loopback excepted): {base}"),
    "err.fulu.connect": ("无法连接福禄（请求未发出）", "cannot connect to Fulu (nothing was sent)"),
    "err.fulu.no_reply": ("福禄未回复（{kind}）", "no reply from Fulu ({kind})"),
    "err.fulu.unreadable": ("福禄回复无法解析", "Fulu's reply could not be read"),
    "err.fulu.bad_sign": ("福禄回复签名不符", "Fulu's reply is badly signed"),
    "err.fulu.bad_result": ("福禄回复的 result 无法解析", "Fulu's result could not be read"),
    "err.fulu.no_product": ("福禄没有商品 {product_id}", "Fulu has no product {product_id}"),
    "err.fulu.balance": ("福禄余额无法解析", "Fulu's balance could not be read"),
    "err.fulu.catalog_before_order": ("下单前读取福禄商品失败：{reason}", "reading Fulu's products before ordering failed: {reason}"),
    "err.fulu.refused": ("福禄 {code}: {said}", "Fulu {code}: {said}"),
    "err.fulu.refused.balance": ("福禄 {code}: {said}", "Fulu {code}: insufficient balance ({said})"),
    "err.fulu.refused.stock": ("福禄 {code}: {said}", "Fulu {code}: out of stock ({said})"),
    "err.fulu.refused.shelf": ("福禄 {code}: {said}", "Fulu {code}: product unavailable ({said})"),
    "err.fulu.refused.auth": ("福禄 {code}: {said}；请检查 app_key 和密钥",
                              "Fulu {code}: authentication failed ({said}); check the app key and secret"),
    "err.fulu.refused.unknown_code": ("福禄 {code}: {said}（未识别的返回码，将查询订单）",
                                      "Fulu {code}: unrecognized reply code ({said}); the order will be queried"),
    "err.fulu.order_state": ("福禄返回未知订单状态 {state}", "Fulu returned an unknown order state {state}"),
    "err.fulu.card_decrypt": ("福禄返回的卡密无法解密", "Fulu returned a card secret that cannot be decrypted"),
    # suppliers/demo/ (the simulated upstream's refusals)
    "supplier.demo.title": ("演示供应商 (demo)", "demo supplier (demo)"),
    "err.demo.no_product": ("商品 {product_id} 不存在", "no product {product_id}"),
    "err.demo.not_on_sale": ("{name} 已{status}", "{name} is {status}"),
    "err.demo.quantity": ("数量须在 {lo}-{hi}", "quantity must be {lo}-{hi}"),
    "err.demo.missing": ("缺少{label}", "missing {label}"),
    "err.demo.phone": ("手机号格式错误", "bad phone number"),
    "err.demo.qq": ("QQ号格式错误", "bad QQ number"),
    "err.demo.price": ("价格已变为 {unit}", "price is now {unit}"),
    "err.demo.out_of_stock": ("库存不足", "out of stock"),
    "err.demo.insufficient_balance": ("余额不足", "insufficient balance"),
    "err.demo.reply_lost": ("回复丢失（演示）", "reply lost (demo knob)"),
}
