"""The services' words: checkout, batches, catalog sync, reconcile, reports, the
supplier set and the send lock (mostly errors a reseller reads)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # services/catalog.py
    "anomaly.card_field_altered": ("第 {index} 张卡的 {field} 含控制字符或超长，已清理后保存，请核对",
                                   "card {index}: its {field} held control characters or was too long; stored cleaned, check it"),
    "err.catalog.sync_timeout": ("超时（{kind}）", "timeout ({kind})"),
    "err.catalog.no_sku": ("目录里没有 {sku}", "{sku} is not in the catalog"),
    # services/checkout.py
    "err.checkout.quote": ("{sku}：{reason}", "{sku}: {reason}"),
    "err.checkout.not_on_sale": ("{name} 已{status}，不能下单", "{name} is {status}; it cannot be ordered"),
    "err.checkout.stock": ("{name} 库存只剩 {stock}", "{name}: only {stock} in stock"),
    "err.checkout.no_data_key": ("没有可用的数据密钥，卡密和收货地址无法加密保存，因此拒绝下单。"
                                 "修复：kameng-tui secrets use-file，或设置 KAMENG_TUI_DATA_KEY（base64）",
                                 "no data key is available, so card secrets and addresses cannot be stored "
                                 "encrypted; refusing the order. Fix: `kameng-tui secrets use-file` or set "
                                 "KAMENG_TUI_DATA_KEY (base64)"),
    "err.checkout.price_rose": ("{name} 进价已从 {old} 涨到 {new} 元，请确认后再下单",
                                "{name}: cost rose from {old} to {new}; confirm and order again"),
    "err.checkout.balance": ("余额不足：需要 {needed} 元，可用 {available} 元（已扣除未结算订单）",
                             "insufficient balance: {needed} needed, {available} available (after unsettled orders)"),
    "err.checkout.repeat": ("{window} 秒内已给 {account} 下过 {sku}（订单 {order_no}，{state}）；确需再下一单请加 --again",
                            "{sku} was ordered for {account} within {window} s (order {order_no}, {state}); "
                            "add --again to order it again"),
    # ledger/guards.py: idempotency guards, checked inside the intent's transaction
    "err.ref.exists": ("单号 {ref} 已下过同样的单（订单 {order_no}）", "ref {ref} already names the same order ({order_no})"),
    "err.ref.conflict": ("单号 {ref} 已用于另一笔不同的订单（订单 {order_no}）：商品、账号、数量或售价不同；"
                         "未下单。要重新下单请换一个新单号",
                         "ref {ref} already names a different order ({order_no}): the SKU, account, quantity or "
                         "price differ; nothing was ordered. To order again, use a new ref"),
    "err.batch.repeat_unsettled": ("批次 {batch_id} 还有 {n} 行未结算；等它结算（kameng-tui reconcile）后再用 --again 重下",
                                   "batch {batch_id} still has {n} unsettled line(s); settle it first "
                                   "(kameng-tui reconcile), then run it again with --again"),
    "err.checkout.cancelled": ("已取消，未下单", "cancelled; nothing was ordered"),
    "err.checkout.below_cost": ("售价 {price} 元低于成本 {cost} 元（每件亏 {loss} 元）。确认亏本出售：命令行加 --allow-loss"
                                "（--yes 不包含此项），批量文件在 allow_loss 列填 yes",
                                "the price {price} is below the cost {cost} (a loss of {loss} each). To sell at a loss "
                                "anyway: --allow-loss on the command line (--yes does not imply it), allow_loss = yes "
                                "on a batch line"),
    "err.order.none": ("没有订单 {order_no}", "no order {order_no}"),
    # services/batch.py
    "err.batch.invalid": ("{n} 行有误，未下任何单；第一处：第 {line} 行：{first}",
                          "{n} bad line(s), nothing ordered; first: line {line}: {first}"),
    "err.batch.duplicate_line": ("与第 {line} 行重复（同一 SKU 和账号）；确需重复请加 --allow-duplicates",
                                 "duplicates line {line} (same SKU and account); use --allow-duplicates"),
    "err.batch.ref_used": ("单号 {ref} 已用过（{where}）", "ref {ref} already used ({where})"),
    "batch.where.line": ("第 {line} 行", "line {line}"),
    "batch.where.row": ("第 {row} 行", "row {row}"),
    "batch.where.earlier": ("以前的订单", "an earlier order"),
    "err.batch.repeat": ("同样的批量已在批次 {batch_id} 下过；确需再下一次请加 --again",
                         "the same batch was already run as batch {batch_id}; use --again to run it again"),
    "err.batch.balance": ("余额不足：{supplier} 这批需要 {needed} 元，可用 {available} 元（已扣除未结算订单）",
                          "insufficient balance at {supplier}: the batch needs {needed}, {available} available "
                          "(after unsettled orders)"),
    "batch.change.stock": ("库存 {stock}", "stock {stock}"),
    "batch.stopped.refused": ("{supplier} 拒绝了我们的密钥或时钟", "{supplier} refused our key or clock"),
    "err.batch.none": ("没有批次 {batch_id}", "no batch {batch_id}"),
    # services/batch_entry.py: the same problems worded for the grid (rows, no CLI flags)
    "err.grid.duplicate_row": ("与第 {row} 行重复（同一 SKU 和账号）", "duplicates row {row} (same SKU and account)"),
    "err.grid.ref_used": ("单号已用过（{where}）", "ref already used ({where})"),
    "err.grid.extra": ("其他字段写成 key=value（region=安卓QQ）：{token}", "other fields are key=value (region=...): {token}"),
    "grid.hint.extra": ("（其他字段写 {key}=...）", " (other fields: {key}=...)"),
    "grid.hint.extra_choices": ("（其他字段写 {key}=，可选 {shown}）", " (other fields: {key}=, one of {shown})"),
    # services/reports.py: why an order is a claim
    "claim.charged_but_failed": ("失败但已扣款 {amount} 元未退", "failed, but {amount} charged and not refunded"),
    "claim.short_delivered": ("只到账 {delivered}/{quantity}", "only {delivered}/{quantity} delivered"),
    "claim.unknown_past_grace": ("结果未知且已超过供应商的查询宽限期", "outcome unknown past the supplier's query grace time"),
    # services/reconcile.py, supplier_set.py, send_lock.py, export.py
    "err.reconcile.no_list": ("供应商 {supplier} 不支持列出订单，无法对比", "supplier {supplier} cannot list its orders; no diff possible"),
    "word.none": ("无", "none"),
    "err.suppliers.none": ("没有名为 {name} 的供应商；已配置：{configured}", "no supplier named {name}; configured: {configured}"),
    "err.suppliers.start": ("供应商 {name} ({kind}) 无法启动：{error}", "supplier {name} ({kind}) failed to start: {error}"),
    "err.sku.empty": ("SKU 不能为空", "SKU is empty"),
    "err.sku.supplier_unknown": ("SKU {sku} 的供应商 {supplier} 未配置", "SKU {sku}: supplier {supplier} is not configured"),
    "err.sku.ambiguous": ("SKU {sku} 有多个可能的供应商，请写成 供应商:商品号（如 demo:{sku}）",
                          "SKU {sku} is ambiguous with several suppliers; write supplier:id (e.g. demo:{sku})"),
    "err.send_lock.busy": ("另一个 kameng-tui 进程正在下单，{seconds} 秒内未释放发送锁；稍后再试",
                           "another kameng-tui process is sending orders; the send lock was not released within {seconds} s"),
    "err.env.seconds": ("环境变量 {name} 须是 0 到 86400 之间的秒数：{value}", "{name} must be seconds within 0..86400: {value}"),
    "err.export.format": ("--format 只能是 csv/xlsx/json：{format}", "--format must be csv, xlsx or json: {format}"),
    # services/settings.py
    "err.settings.customer_name": ("请填客户名（与下单时填的客户一致）", "a customer name (as typed in orders)"),
    "err.settings.level_length": ("等级最多 {most} 个字", "a level is at most {most} characters"),
    "err.settings.no_level": ("{name} 没有等级；填一个等级，例如 vip", "{name} has no level; type one, e.g. vip"),
    "settings.did_you_mean": ("；是不是 {close}", "; did you mean {close}"),
    "err.settings.no_category": ("目录里没有分类 {category}{hint}", "no category {category} in the catalog{hint}"),
    "err.settings.rule_empty": ("分类和等级不能都空（那是默认加价，在第一行修改）",
                                "category and level cannot both be empty (that is the default markup: edit the first row)"),
    "err.settings.rule_exists": ("已有分类 {category}、等级 {level} 的规则；选中它来修改",
                                 "a rule for category {category}, level {level} exists; select it to edit"),
    "err.settings.default_rule": ("默认加价不能删除，可以改成别的值", "the default markup cannot be deleted; change its value"),
    # services/supplier_admin.py (the settings screen and `supplier add/test/remove`)
    "err.admin.test_failed": ("连接超时或失败：{kind}", "timed out or failed: {kind}"),
    "err.admin.unknown_kind": ("未知类型 {kind}；可选：{known}", "unknown kind {kind}; one of {known}"),
    "err.admin.name": ("名称只能用小写字母、数字、- 和 _（最多 32 个，以字母或数字开头），它是 SKU 的前缀，如 name:商品号",
                       "a name is lowercase letters, digits, - and _ (up to 32, starting with a letter or digit): "
                       "it prefixes SKUs, as in name:product-id"),
    "err.admin.exists": ("供应商 {name} 已存在", "supplier {name} already exists"),
    "err.admin.http_url": ("http 供应商需要接口地址，例如 https://api.example.com", "an http supplier needs a URL, e.g. https://api.example.com"),
    "err.admin.https": ("地址应以 https:// 开头：{url}", "a URL starts with https://: {url}"),
    "err.admin.needs_key": ("{kind} 供应商需要 {key}", "a {kind} supplier needs its {key}"),
    "err.admin.no_secret": ("密钥不能为空（或设置环境变量 {env}）", "the secret is empty (or set {env})"),
    "err.admin.secret_unused": ("供应商 {name}（{kind}）不用密钥", "supplier {name} ({kind}) uses no secret"),
    "err.admin.auth": ("密钥或密钥 ID 不对：{reason}", "wrong secret or key id: {reason}"),
    "err.admin.unreachable": ("无法连接：{reason}", "cannot reach it: {reason}"),
    "err.admin.demo_implicit": ("没有其他供应商时自动使用演示供应商；先添加一个供应商再移除它",
                                "the demo is used while no other supplier is configured; add one before removing it"),
    "err.admin.not_configured": ("配置里没有供应商 {name}", "no supplier {name} in the config"),
}
