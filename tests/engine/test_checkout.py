"""Checkout end to end, in process: real ledger file, real demo supplier state."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kameng_tui.domain.errors import BadInput, KamengError
from kameng_tui.domain.states import OrderState
from kameng_tui.services.checkout import OrderInput

PHONE = "13800138000"


async def a_product(ctx, kind: str):
    """The first on-sale demo product of a delivery kind, from the live catalog."""
    page = await ctx.suppliers.get("demo").list_catalog(None)
    for p in page.items:
        if p.delivery.value == kind and p.sale_status.value == "on" and (p.stock is None or p.stock > 5):
            if kind != "direct" or p.account_fields[0].rule.value == "mobile":
                return p
    raise AssertionError(f"no {kind} product in the demo catalog")


async def test_direct_topup_succeeds_and_is_recorded(ctx):
    product = await a_product(ctx, "direct")
    placed = await ctx.checkout.place(OrderInput(sku=product.sku, fields={"account": PHONE}), wait_s=10)
    order = placed.order
    assert order.state is OrderState.SUCCEEDED
    assert order.charged == order.total_cost > 0
    assert order.profit == order.total_price - order.charged
    kinds = [e.kind for e in ctx.ledger.events(order.order_no)]
    assert kinds[0] == "created" and "submitted" in kinds and kinds[-1] == "succeeded"


async def test_card_order_delivers_sealed_cards(ctx):
    product = await a_product(ctx, "card")
    fields = {f.key: ("12345678" if f.rule.value == "qq" else PHONE) for f in product.account_fields}
    placed = await ctx.checkout.place(OrderInput(sku=product.sku, fields=fields or {"account": PHONE}), wait_s=5)
    assert placed.order.state is OrderState.SUCCEEDED
    cards = ctx.ledger.cards(placed.order.order_no)
    assert cards, "a 卡密 order stores its cards"
    sealer = ctx.sealer()
    plain = sealer.open(cards[0].password_blob, f"{placed.order.order_no}:card0.password")
    assert plain and plain.encode() not in cards[0].password_blob


async def test_bad_phone_is_refused_and_nothing_recorded(ctx):
    product = await a_product(ctx, "direct")
    with pytest.raises(KamengError) as err:
        await ctx.checkout.place(OrderInput(sku=product.sku, fields={"account": "12345"}))
    assert err.value.field == "account"
    assert ctx.ledger.history(__import__("kameng_tui.domain.history", fromlist=["x"]).HistoryFilter()).items == ()


async def test_same_ref_sends_nothing_the_second_time(ctx):
    product = await a_product(ctx, "direct")
    first = await ctx.checkout.place(OrderInput(sku=product.sku, fields={"account": PHONE}, ref="TB-1"), wait_s=5)
    balance_after_first = await ctx.suppliers.get("demo").balance()
    again = await ctx.checkout.place(OrderInput(sku=product.sku, fields={"account": PHONE}, ref="TB-1", again=True))
    assert again.existed and again.order.order_no == first.order.order_no
    assert await ctx.suppliers.get("demo").balance() == balance_after_first


async def test_repeat_within_window_needs_again(ctx):
    product = await a_product(ctx, "direct")
    await ctx.checkout.place(OrderInput(sku=product.sku, fields={"account": PHONE}))
    with pytest.raises(BadInput) as err:
        await ctx.checkout.place(OrderInput(sku=product.sku, fields={"account": PHONE}))
    assert err.value.code == "repeat_order"
    ok = await ctx.checkout.place(OrderInput(sku=product.sku, fields={"account": PHONE}, again=True))
    assert ok.order.state is not OrderState.PENDING


async def test_price_rise_beyond_limit_is_refused(ctx):
    product = await a_product(ctx, "direct")
    seen = product.unit_cost - Decimal("5")
    with pytest.raises(BadInput) as err:
        await ctx.checkout.place(OrderInput(sku=product.sku, fields={"account": PHONE}, seen_unit_cost=seen))
    assert err.value.code == "price_changed"


async def test_unknown_sku_is_a_clear_error(ctx):
    with pytest.raises(KamengError) as err:
        await ctx.checkout.place(OrderInput(sku="demo:NO-SUCH-SKU", fields={"account": PHONE}))
    assert err.value.field == "sku"
