"""Issue 14 in the TUI: an order with an anomaly keeps a mark on its history row and
counts in the header (需核对 N); a lone pending order is resumed or cancelled from
history; a pending order once submitted is never sent by the start-up."""

from __future__ import annotations

from kameng_tui.domain.states import OrderState
from kameng_tui.ledger.store import Transition
from kameng_tui.services.checkout import OrderInput
from kameng_tui.tui.widgets.order_list import OrderList
from kameng_tui.tui.textual_compat import notifications

from conftest import SIZE, screen_lines, settle
from test_history_screen import open_history


async def intent(ctx, account: str) -> str:
    prepared = await ctx.checkout.prepare(OrderInput(sku="demo:HF-CM-10", fields={"account": account}, again=True))
    return ctx.checkout.commit_intent(prepared)


def refused_after_submission(ctx, no: str) -> None:
    """What a signed 429 after `submitted` leaves: pending, once submitted."""
    now = ctx.clock.now()
    ctx.ledger.transition(no, OrderState.PENDING, OrderState.SUBMITTED, at=now)
    ctx.ledger.transition(no, OrderState.SUBMITTED, OrderState.PENDING, Transition(reason="rate_limited"), at=now)


def select(screen, no: str) -> None:
    orders = screen.query_one(OrderList)
    orders.move_cursor(next(i for i, o in enumerate(orders.orders) if o.order_no == no))


async def test_anomaly_mark_counter_resume_and_cancel_from_history(make_app):
    seeded = make_app()
    async with seeded.run_test(size=SIZE) as pilot:
        await settle(seeded, pilot)
        ctx = seeded.root
        placed = await ctx.checkout.place(OrderInput(sku="demo:HF-CM-10", fields={"account": "13800138000"}), wait_s=5)
        odd = placed.order.order_no
        ctx.ledger.record(odd, "anomaly", {"code": "overcharged", "params": {"charged": "999.00", "limit": "10.4198"}},
                          at=ctx.clock.now())
        once = await intent(ctx, "13800138001")
        refused_after_submission(ctx, once)
        never = await intent(ctx, "13800138002")
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        ctx = app.root
        assert ctx.ledger.get(once).state is OrderState.PENDING            # the start-up sent nothing
        assert "需核对 1" in "\n".join(screen_lines(app))
        screen = await open_history(app, pilot)
        lines = "\n".join(screen_lines(app))
        marked = [line for line in lines.splitlines() if f"!{odd}" in line]     # the row's mark, by its order number
        assert marked, lines
        select(screen, never)
        await pilot.press("x")                                             # cancel: never sent, so at once
        await settle(app, pilot)
        assert ctx.ledger.get(never).state is OrderState.CANCELLED
        select(screen, once)
        await pilot.press("x")                                             # once sent: not found yet, within grace
        await settle(app, pilot)
        assert ctx.ledger.get(once).state is OrderState.PENDING
        select(screen, once)
        await pilot.press("s")                                             # resume: queried, not found, sent
        await settle(app, pilot)
        assert ctx.ledger.get(once).state in (OrderState.PROCESSING, OrderState.SUCCEEDED)
        kinds = [e.kind for e in ctx.ledger.events(once)]
        assert kinds[:4] == ["created", "submitted", "pending", "submitted"]      # sent under its own number
        assert any("历史" in str(n.message) for n in notifications(app))


async def test_the_claims_view_shows_a_balance_drift(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        ctx = app.root
        ctx.engine.note_anomaly(None, "balance_drift", {"supplier": "demo", "before": "100.00", "after": "90.00",
                                                        "charged": "0.00", "missing": "10.00",
                                                        "since": "2026-11-25T01:00:00Z"})
        app.refresh_claims()
        await app.workers.wait_for_complete()          # the count runs in a thread
        await pilot.pause()
        assert "需核对 1" in "\n".join(screen_lines(app))
        await open_history(app, pilot)
        await pilot.press("c")
        await pilot.pause()
        assert "demo 余额从 100.00 变为 90.00" in "\n".join(screen_lines(app))
