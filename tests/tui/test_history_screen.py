"""History works offline: presets, filters, totals of the filtered set, keyset pages,
timeline with hashes, claims, export of exactly what is shown, reorder."""

from __future__ import annotations

import csv

from textual.widgets import Input, Static

from kameng_tui.domain.history import HistoryFilter
from kameng_tui.domain.states import OrderState
from kameng_tui.services.checkout import OrderInput
from kameng_tui.tui.screens.checkout import CheckoutScreen
from kameng_tui.tui.screens.history import HistoryScreen
from kameng_tui.tui.widgets.order_list import OrderList
from kameng_tui.tui.textual_compat import notifications

from conftest import SIZE, screen_lines, settle, type_text


async def place(ctx, sku: str, account: str, customer: str | None = None) -> str:
    placed = await ctx.checkout.place(OrderInput(sku=sku, fields={"account": account}, customer=customer, again=True),
                                      wait_s=5)
    return placed.order.order_no


async def seed(app, n_extra: int = 0) -> list[str]:
    ctx = app.root
    out = [await place(ctx, "demo:HF-CM-10", "13800138000", "张三"),
           await place(ctx, "demo:HF-LT-20", "13100131000", "李四"),
           await place(ctx, "demo:HF-DX-30", "13300133000", "张三")]
    for i in range(n_extra):
        out.append(await place(ctx, "demo:HF-CM-10", f"1380013{i:04d}"))
    return out


async def open_history(app, pilot) -> HistoryScreen:
    await pilot.press("3")
    await settle(app, pilot)
    assert isinstance(app.screen, HistoryScreen)
    return app.screen


def totals_text(screen) -> str:
    return str(screen.query_one("#h-totals", Static).render())


OFFLINE = """
[[suppliers]]
name = "demo"
kind = "fulu"
app_key = "k"
base_url = "http://127.0.0.1:9/api/getway"
"""


async def test_history_lists_filters_and_totals_offline(make_app):
    seeded = make_app()
    async with seeded.run_test(size=SIZE) as pilot:
        await settle(seeded, pilot)
        await seed(seeded)
    # the same ledger, every supplier unreachable (nothing listens on port 9)
    app = make_app(OFFLINE, KAMENG_TUI_SECRET_DEMO="s")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert "离线" in "\n".join(screen_lines(app))
        screen = await open_history(app, pilot)
        orders = screen.query_one(OrderList)
        assert orders.row_count() == 3
        assert "3 单" in totals_text(screen) and "营收 60.00" in totals_text(screen)
        await pilot.press("slash")
        await type_text(pilot, "13100131000")
        assert orders.row_count() == 1 and orders.selected().account_text == "13100131000"
        assert "1 单" in totals_text(screen) and "营收 20.00" in totals_text(screen)
        await pilot.press("escape", "escape")
        assert orders.row_count() == 3
        screen.query_one("#h-customer", Input).value = "张三"
        await pilot.pause()
        assert orders.row_count() == 2 and "营收 40.00" in totals_text(screen)


async def test_presets_status_and_custom_dates(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await seed(app)
        screen = await open_history(app, pilot)
        orders = screen.query_one(OrderList)
        assert orders.row_count() == 3                 # 本月 (the clock is frozen on 2026-11-25)
        await pilot.press("T")                         # 今天
        assert screen.preset == "today" and orders.row_count() == 3
        await pilot.press("p")                         # 昨天
        assert screen.preset == "yesterday" and orders.row_count() == 0
        assert "没有符合条件的订单" in totals_text(screen)
        await pilot.press("z")                         # status: succeeded only
        assert screen.status == "succeeded"
        for _ in range(4):                             # -> custom
            await pilot.press("p")
        assert screen.preset == "custom"
        await pilot.press("d")                         # the date field (p leaves focus on the list)
        await type_text(pilot, "2026-11-24..2026-11-24")
        assert screen.query_one("#h-dates", Input).value == "2026-11-24..2026-11-24"
        assert orders.row_count() == 0
        screen.query_one("#h-dates", Input).value = "2026-11-25..2026-11-25"
        await pilot.pause()
        assert orders.row_count() == 3
        screen.query_one("#h-dates", Input).value = "2026-13-01..x"
        await pilot.pause()
        assert "2026-11-01..2026-11-30" in str(screen.query_one("#h-error", Static).render())
        assert orders.row_count() == 3                 # a bad date changes nothing


async def test_keyset_paging_loads_more_as_the_cursor_moves(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        ctx = app.root
        for i in range(230):
            prepared = await ctx.checkout.prepare(OrderInput(sku="demo:HF-CM-10", fields={"account": f"1390013{i:04d}"}))
            ctx.checkout.commit_intent(prepared)
        screen = await open_history(app, pilot)
        orders = screen.query_one(OrderList)
        assert len(orders.orders) == 100 and orders.total == 230
        assert "显示 100 / 230" in totals_text(screen)
        await pilot.press("end")                       # near the end of a page: the next one comes
        await pilot.press("end")
        await pilot.press("end")
        assert len(orders.orders) == 230
        assert len({o.order_no for o in orders.orders}) == 230


async def test_timeline_with_hashes_and_reorder(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        numbers = await seed(app)
        await open_history(app, pilot)
        text = "\n".join(screen_lines(app))
        newest = app.root.ledger.get(numbers[-1])
        assert newest.order_no in text
        events = app.root.ledger.events(newest.order_no)
        assert all(e.hash[:16] in text for e in events)
        assert "成功" in text
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, CheckoutScreen)
        assert app.screen.query_one("#f-account", Input).value == newest.account_text


async def test_reorder_without_confirm_places_at_once(make_app):
    app = make_app("[checkout]\nconfirm = false\n")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await seed(app)
        screen = await open_history(app, pilot)
        first = screen.query_one(OrderList).selected()
        await pilot.press("a")
        await settle(app, pilot)
        assert isinstance(app.screen, HistoryScreen)
        page = app.root.ledger.history(HistoryFilter(account=first.account_text), limit=10)
        assert len(page.items) == 2
        assert all(o.state is OrderState.SUCCEEDED for o in page.items)


async def test_export_writes_exactly_the_filtered_set(make_app, tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))             # the dialog proposes ~/kameng-exports
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await seed(app)
        screen = await open_history(app, pilot)
        screen.query_one("#h-customer", Input).value = "张三"
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("enter")
        await settle(app, pilot)
        [path] = list((tmp_path / "kameng-exports").glob("*.csv"))
        rows = list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))
        assert len(rows[1:]) == 2
        assert (path.stat().st_mode & 0o777) == 0o600


async def test_claims_view_lists_orders_needing_a_check(make_app):
    app = make_app(KAMENG_TUI_DEMO_UNKNOWN_RATE="1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        ctx = app.root
        prepared = await ctx.checkout.prepare(OrderInput(sku="demo:HF-CM-10", fields={"account": "13800138000"}))
        order_no = ctx.checkout.commit_intent(prepared)
        await ctx.checkout.send(order_no)
        assert ctx.ledger.get(order_no).state is OrderState.UNKNOWN
        screen = await open_history(app, pilot)
        await pilot.press("c")
        orders = screen.query_one(OrderList)
        claims = [c.order.order_no for c in ctx.reports.claims()]
        assert {o.order_no for o in orders.orders} == set(claims)
        assert "优先赔付" in str(screen.query_one("#presets", Static).render())




async def test_start_up_reconciles_in_the_background_with_a_notice(make_app):
    lost = make_app(KAMENG_TUI_DEMO_UNKNOWN_RATE="1")     # the reply to the order is lost: unknown
    async with lost.run_test(size=SIZE) as pilot:
        await settle(lost, pilot)
        prepared = await lost.ctx.checkout.prepare(OrderInput(sku="demo:HF-CM-10", fields={"account": "13800138000"}))
        order_no = lost.ctx.checkout.commit_intent(prepared)
        await lost.ctx.checkout.send(order_no)
        assert lost.root.ledger.get(order_no).state is OrderState.UNKNOWN
    app = make_app()                                       # next start: the supplier answers queries
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        assert app.screen.query("ProductTable")            # the screen is up at once, not after reconcile
        await settle(app, pilot)
        messages = [str(n.message) for n in notifications(app)]
        assert any("正在后台对账 1 个" in m for m in messages)
        assert any("对账完成" in m for m in messages)
        assert app.root.ledger.get(order_no).state is OrderState.SUCCEEDED
