"""Markup rules and customer levels from config.toml price checkout and batch orders
where no explicit price was given; an explicit price still wins."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kameng_tui.services.checkout import OrderInput

CONFIG = """
[pricing]
markup = "0.03"

[[pricing.rules]]
category = "话费/中国移动"
level = "vip"
markup = "0.2%"              # small enough that any day's drifted cost stays under the face value

[[pricing.rules]]
category = "实物"
markup = "0.10"

[customers]
"张三" = "vip"
"""


@pytest.fixture
async def rctx(home, env):
    from kameng_tui.bootstrap import build_context

    (home / "config").mkdir(parents=True, exist_ok=True)
    (home / "config" / "config.toml").write_text(CONFIG, encoding="utf-8")
    c = build_context(env)
    yield c
    await c.aclose()
    c.close()


async def quote_cost(ctx, sku: str) -> Decimal:
    _, pid = sku.split(":")
    return (await ctx.suppliers.get("demo").quote(pid, 1)).unit_cost


async def test_checkout_prices_a_vip_customer_by_the_rule(rctx):
    cost = await quote_cost(rctx, "demo:HF-CM-10")
    vip = await rctx.checkout.prepare(OrderInput(sku="demo:HF-CM-10", fields={"account": "13800138000"}, customer="张三"))
    plain = await rctx.checkout.prepare(OrderInput(sku="demo:HF-CM-10", fields={"account": "13800138000"}, customer="李四"))
    assert vip.unit_price == (cost * Decimal("1.002")).quantize(Decimal("0.01")) < Decimal("10.00")
    assert plain.unit_price == Decimal("10.00")            # no rule for him: the face value, as before
    explicit = await rctx.checkout.prepare(OrderInput(sku="demo:HF-CM-10", fields={"account": "13800138000"},
                                                      customer="张三", price=Decimal("9.99")))
    assert explicit.unit_price == Decimal("9.99")


async def test_placed_order_records_the_rule_price(rctx):
    placed = await rctx.checkout.place(OrderInput(sku="demo:HF-CM-20", fields={"account": "13800138000"}, customer="张三"),
                                       wait_s=5)
    order = placed.order
    assert order.unit_price == (order.unit_cost * Decimal("1.002")).quantize(Decimal("0.01")) < Decimal("20.00")


async def test_batch_lines_use_each_customers_level(rctx):
    text = ("sku,account,customer\n"
            "demo:HF-CM-10,13800000001,张三\n"
            "demo:HF-CM-10,13800000002,王五\n")
    plan = await rctx.batch.plan(text)
    by_customer = {p.input.customer: p for p in plan.lines}
    assert by_customer["张三"].unit_price == (by_customer["张三"].unit_cost * Decimal("1.002")).quantize(Decimal("0.01"))
    assert by_customer["张三"].unit_price < Decimal("10.00")
    assert by_customer["王五"].unit_price == Decimal("10.00")


async def test_a_category_rule_applies_to_everyone(rctx):
    page = await rctx.suppliers.get("demo").list_catalog(None)
    case = next(p for p in page.items if p.category_path.startswith("实物/") and p.sale_status.value == "on")
    addr = {f.key: "张三,13800138000,北京市海淀区中关村大街1号" for f in case.account_fields}
    prepared = await rctx.checkout.prepare(OrderInput(sku=case.sku, fields=addr))
    assert prepared.unit_price == (prepared.unit_cost * Decimal("1.10")).quantize(Decimal("0.01"))
