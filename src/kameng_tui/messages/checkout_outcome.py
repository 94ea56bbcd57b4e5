"""Issue 15: what the checkout shows once an order is placed (its result and the two
ways on), the shop's own order number field, and a delivered card's labels (the
words `kameng-tui show` prints: cli.order.card)."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "checkout.ref": ("店铺单号（可选）", "Shop order no"),
    "checkout.result": ("订单 {order_no}：{state}", "Order {order_no}: {state}"),
    "checkout.result_money": ("售价 {price} 元   扣款 {charged} 元   利润 {profit} 元",
                              "price {price}   charged {charged}   profit {profit}"),
    "checkout.result_again": ("再来一单", "Order again"),
    "checkout.result_close": ("关闭 (Esc)", "Close (Esc)"),
    "card.line": ("卡号 {number}  密码 {password}", "card {number}  password {password}"),
    "card.line_expires": ("  有效期 {expires}", "  expires {expires}"),
}
