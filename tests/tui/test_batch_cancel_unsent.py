"""Cancel Unsent (the start-up offer of a batch with unsent lines) asks the supplier about
a line once submitted, as `batch cancel` does (issue 14, point 3): a line the supplier
holds is not cancelled (pending -> unknown, then its state, with an anomaly), and the
notice says where to look; a line never submitted is cancelled."""

from __future__ import annotations

from kameng_tui.domain.states import OrderState as S
from kameng_tui.suppliers.base import PlaceRequest
from kameng_tui.tui.screens.batch_dialogs import ChoiceScreen
from kameng_tui.tui.textual_compat import notifications

from conftest import SIZE, settle

LINES = "demo:HF-CM-10 13800138000\ndemo:HF-CM-20 13800138001\n"


async def test_cancel_unsent_does_not_cancel_a_line_the_supplier_holds(make_app):
    app = make_app()
    ctx = app.root
    batch_id = ctx.batch.record(await ctx.batch.plan(LINES))
    first, second = (o.order_no for o in ctx.ledger.batch_orders(batch_id))
    # Line 1 was sent once and refused "before it was read" (back to pending), yet the
    # supplier created it under its number.
    order = ctx.ledger.get(first)
    ctx.ledger.transition(first, S.PENDING, S.SUBMITTED, at=ctx.clock.now())
    ctx.ledger.transition(first, S.SUBMITTED, S.PENDING, at=ctx.clock.now())
    await ctx.suppliers.get("demo").place_order(
        PlaceRequest(first, order.product_id, order.quantity, {"account": "13800138000"}))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        while not isinstance(app.screen, ChoiceScreen):
            await pilot.pause(0.05)
        await pilot.press("c")                                   # Cancel unsent
        await settle(app, pilot)
        told = "\n".join(str(n.message) for n in notifications(app))
    held, never = ctx.ledger.get(first), ctx.ledger.get(second)
    assert never.state is S.CANCELLED
    assert held.state is not S.CANCELLED and held.state is not S.PENDING
    kinds = [e.kind for e in ctx.ledger.events(first)]
    assert kinds[:5] == ["created", "submitted", "pending", "anomaly", "unknown"], kinds
    assert "取消了 1 行" in told and "供应商已持有" in told and "历史 (3)" in told, told
