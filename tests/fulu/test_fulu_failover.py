"""Fulu's failover declaration (issue 18, suppliers.md 1.11) against the fake gateway:
the product-unavailable codes 3001-3005 and 3008 are refusals after which Fulu holds no
order (the next offer may be tried), any other refusal is not, and a `failed` Fulu said
is confirmed by one query before anything fails over."""

from __future__ import annotations

from kameng_tui.domain.reasons import stored
from kameng_tui.domain.states import OrderState
from kameng_tui.services.checkout import OrderInput
from kameng_tui.suppliers.fulu.mapping import created_nothing, refusal
from test_fulu import DIRECT, _intent


def test_only_the_product_unavailable_codes_are_declared_nothing_created():
    for code in (3001, 3002, 3003, 3004, 3005, 3008):
        err = refusal(code, "商品维护中", adding=True)
        assert err.upstream_code == str(code) and created_nothing(err.code, err.upstream_code)
    for code, said in ((2100, "余额不足"), (3006, "下架"), (9999, "系统繁忙"), (2004, "订单号重复")):
        err = refusal(code, said, adding=True)
        assert not created_nothing(err.code, err.upstream_code), code
    assert not created_nothing("off_shelf", None)


async def test_a_3005_refusal_may_fail_over_a_balance_refusal_may_not(fctx, gateway):
    refused = await fctx.engine.send(await _intent(fctx, "fulu:10000586", DIRECT, stock_out=gateway))
    assert refused.state is OrderState.FAILED and refused.charged == 0
    assert stored(refused.reason)["params"]["upstream_code"] == "3005"      # kept in the chained event
    assert await fctx.failover.nothing_created(refused)
    gateway.state.balance = 0
    for p in gateway.products:
        p["stock_status"] = "充足"
    short = await fctx.engine.send(await _intent(fctx, "fulu:10000586", DIRECT))
    assert short.state is OrderState.FAILED and stored(short.reason)["params"]["upstream_code"] == "2100"
    assert not await fctx.failover.nothing_created(short)


async def test_a_failed_top_up_is_confirmed_by_one_query(fctx, gateway):
    failing = await fctx.checkout.place(OrderInput(sku="fulu:mobile-10", fields={"account": "13971553804"}), wait_s=8)
    assert failing.order.state is OrderState.FAILED and failing.order.charged == 0
    queries = sum(1 for m, _ in gateway.state.requests if m == "fulu.order.info.get")
    assert await fctx.failover.nothing_created(failing.order)
    assert sum(1 for m, _ in gateway.state.requests if m == "fulu.order.info.get") == queries + 1
