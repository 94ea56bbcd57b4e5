"""Issue 16, point 5 in the TUI: an order's reason is data in the ledger, so the same
ledger reads in zh in a zh app and in en in an en app; a reason written as prose by an
earlier version shows as it was written in both."""

from __future__ import annotations

from kameng_tui.domain.reasons import Reason
from kameng_tui.domain.states import OrderState
from kameng_tui.ledger.store import Transition
from kameng_tui.services.checkout import OrderInput
from kameng_tui.tui.widgets.order_list import OrderList

from conftest import SIZE, screen_lines, settle
from test_history_screen import open_history

EN = '[general]\nlanguage = "en"\n'
OLD = "out_of_stock: 演示供应商：库存不足"


async def failed_order(ctx, account: str, reason) -> str:
    prepared = await ctx.checkout.prepare(OrderInput(sku="demo:HF-CM-10", fields={"account": account}, again=True))
    no = ctx.checkout.commit_intent(prepared)
    now = ctx.clock.now()
    ctx.ledger.transition(no, OrderState.PENDING, OrderState.SUBMITTED, at=now)
    ctx.ledger.transition(no, OrderState.SUBMITTED, OrderState.FAILED, Transition(reason=reason), at=now)
    return no


async def detail_of(app, pilot, no: str) -> str:
    screen = await open_history(app, pilot)
    orders = screen.query_one(OrderList)
    orders.move_cursor(next(i for i, o in enumerate(orders.orders) if o.order_no == no))
    await settle(app, pilot)
    return "".join(line.replace(" ", "").replace("│", "") for line in screen_lines(app))


async def test_the_same_ledger_shows_its_reasons_in_zh_and_in_en(make_app):
    seeded = make_app()
    async with seeded.run_test(size=SIZE) as pilot:
        await settle(seeded, pilot)
        data = await failed_order(seeded.root, "13800138000", Reason("out_of_stock", {"supplier": "demo"}, "库存不足").body())
        prose = await failed_order(seeded.root, "13800138001", OLD)
        assert seeded.root.ledger.verify().ok
        zh = await detail_of(seeded, pilot, data)
        assert "供应商demo缺货（供应商：库存不足）" in zh, zh
        assert OLD.replace(" ", "") in await detail_of(seeded, pilot, prose)
    app = make_app(EN)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        en = await detail_of(app, pilot, data)
        assert "outofstockatsupplierdemo(supplier:库存不足)" in en, en
        assert "缺货（" not in en
        assert OLD.replace(" ", "") in await detail_of(app, pilot, prose)
