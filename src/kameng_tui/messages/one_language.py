"""One language at a time (issue 15, point 10): English names of the catalog's known
attributes and account fields (domain/field_names.py; the zh side is the word the
catalogs write, shown as the supplier wrote it), event names of an order's timeline,
batch input problems and did-you-mean suggestions for unknown SKUs."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    # attributes of the catalog (facet titles, the detail pane)
    "attr.period": ("周期", "Period"),
    "attr.level": ("等级", "Level"),
    "attr.carrier": ("运营商", "Carrier"),
    "attr.face_value": ("面值", "Face value"),
    "attr.model": ("机型", "Model"),
    "attr.colour": ("颜色", "Colour"),
    "attr.material": ("材质", "Material"),
    "attr.flavour": ("口味", "Flavour"),
    "attr.brand": ("品牌", "Brand"),
    "attr.pattern": ("图案", "Pattern"),
    "attr.platform": ("平台", "Platform"),
    "attr.license": ("授权", "License"),
    "attr.style": ("款式", "Style"),
    "attr.size": ("规格", "Size"),
    # account fields
    "field.mobile": ("手机号", "Phone number"),
    "field.qq": ("QQ号", "QQ number"),
    "field.game_account": ("游戏账号", "Game account"),
    "field.account": ("充值账号", "Account"),
    "field.region": ("大区", "Region"),
    "field.server": ("服务器", "Server"),
    "field.charge_type": ("充值类型", "Charge type"),
    "field.email": ("邮箱", "Email"),
    "field.address": ("收货地址（收件人,电话,地址）", "Shipping address (name, phone, address)"),
    # batch input (domain/batch_input.py): the face puts "第 N 行：" / "line N: " before it
    "err.batch.unclosed_quote": ("引号未闭合", "unclosed quote"),
    "batch.paste_refused": ("第 {line} 行：{message}；没有粘贴任何内容", "line {line}: {message}; nothing was pasted"),
    # did you mean (services/checkout.py): after the supplier's "no such product"
    "sku.did_you_mean": ("你是不是要找 {options}？", "did you mean {options}?"),
    # argparse's errors (cli/usage_words.py); what was typed stays as typed
    "err.usage.required": ("缺少必填参数：{args}", "the following arguments are required: {args}"),
    "err.usage.unrecognized": ("无法识别的参数：{args}", "unrecognized arguments: {args}"),
    "err.usage.one_of": ("需要以下参数之一：{args}", "one of the arguments {args} is required"),
    "err.usage.ambiguous": ("选项 {option} 不明确，可能是：{matches}", "ambiguous option: {option} could match {matches}"),
    "err.usage.choice": ("参数 {arg} 的取值 {value} 无效，可选：{choices}", "argument {arg}: invalid choice: {value} "
                                                                      "(choose from {choices})"),
    "err.usage.one_value": ("参数 {arg} 需要一个值", "argument {arg}: expected one argument"),
    "err.usage.some_value": ("参数 {arg} 至少需要一个值", "argument {arg}: expected at least one argument"),
    "err.usage.bad_value": ("参数 {arg} 的值无效：{value}", "argument {arg}: invalid value: {value}"),
    "err.usage.not_with": ("参数 {arg} 不能与 {other} 同时使用", "argument {arg}: not allowed with argument {other}"),
    "err.usage.no_value": ("参数 {arg} 不接受值：{value}", "argument {arg}: ignored explicit argument {value}"),
    # the checkout: under a field whose value is good
    "checkout.field_ok": ("格式正确", "OK"),
    # the help screen's columns
    "help.col.id": ("标识", "id"),
    # an order's events (history's timeline, `show`): state events use state.*
    "event.created": ("创建", "created"),
    "event.resend": ("原号重发", "resent"),
    "event.unsent": ("未发出", "not sent"),
    "event.anomaly": ("需核对", "to check"),
    "event.customer_refund": ("客户退款", "customer refund"),
}
