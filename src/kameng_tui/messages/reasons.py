"""Issue 16, point 5: an order's reason as an event stores it (domain/reasons.py):
`reason.<code>` with its parameters, the supplier's own words shown after it. These
keys are frozen once an event holds them (tests/test_event_keys.py): change the words
freely, but a renamed key keeps an alias (messages/aliases.py)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "reason.with_supplier_text": ("{reason}（供应商：{said}）", "{reason} (supplier: {said})"),
    "reason.with_detail": ("{reason}：{detail}", "{reason}: {detail}"),
    # written by the services
    "reason.adapter_error": ("供应商插件出错（{error}），结果未知", "the supplier adapter failed ({error}); outcome unknown"),
    "reason.no_reply": ("{seconds} 秒内无回复", "no reply within {seconds} s"),
    "reason.cancelled_before_send": ("发送前已停止，未发出", "stopped before sending; never sent"),
    "reason.cancelled_waiting": ("等待回复时被中断", "interrupted while waiting for the reply"),
    "reason.supplier_not_ready": ("供应商 {supplier} 无法使用（{error}），未发出",
                                  "supplier {supplier} could not be used ({error}); never sent"),
    "reason.supplier_failed": ("供应商报告失败", "the supplier reports it failed"),
    "reason.charged_not_stated": ("供应商未说明扣款，按报价记录", "charged not stated by the supplier; quoted cost recorded"),
    "reason.not_found_at_supplier": ("供应商处查无此单", "not found at the supplier"),
    "reason.cancelled": ("已取消（未发送）", "cancelled (never sent)"),
    # a supplier's refusal, by the shared error code (domain/errors.py)
    "reason.supplier_error": ("供应商 {supplier} 拒绝（{code}）", "refused by supplier {supplier} ({code})"),
    "reason.insufficient_balance": ("供应商 {supplier} 余额不足", "balance too low at supplier {supplier}"),
    "reason.out_of_stock": ("供应商 {supplier} 缺货", "out of stock at supplier {supplier}"),
    "reason.off_shelf": ("供应商 {supplier} 已下架", "not on sale at supplier {supplier}"),
    "reason.bad_account": ("供应商 {supplier} 不接受该账号", "supplier {supplier} rejects the account"),
    "reason.price_changed": ("供应商 {supplier} 价格已变", "the price changed at supplier {supplier}"),
    "reason.duplicate_order_no": ("供应商 {supplier} 已有此单号，需查询", "supplier {supplier} already has this order number; ask it"),
    "reason.rate_limited": ("供应商 {supplier} 限流，未受理", "rate limited by supplier {supplier}; not taken"),
    "reason.auth_failed": ("供应商 {supplier} 拒绝了密钥，未受理", "supplier {supplier} refused our key; not taken"),
    "reason.clock_skew": ("与供应商 {supplier} 时钟不一致，未受理", "clock differs from supplier {supplier}; not taken"),
    "reason.outcome_unknown": ("供应商 {supplier} 的结果未知", "outcome unknown at supplier {supplier}"),
    "reason.supplier_unavailable": ("无法连接供应商 {supplier}，未发出", "supplier {supplier} unreachable; never sent"),
}
