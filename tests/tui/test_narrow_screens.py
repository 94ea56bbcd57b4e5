"""Issue 15 point 4 for every screen but the catalog: usable at 80x24 (and still at
120x40). Each claim is read off what the screen shows: rendered lines and widget
regions, not only snapshots (those are in test_snapshots.py)."""

from __future__ import annotations

from textual.widgets import Button, Static

from kameng_tui.domain.money import fmt
from kameng_tui.services.checkout import OrderInput
from kameng_tui.tui.screens.batch import BatchScreen
from kameng_tui.tui.screens.checkout import CheckoutScreen
from kameng_tui.tui.screens.history import HistoryScreen
from kameng_tui.tui.widgets.order_list import OrderList
from kameng_tui.tui.textual_compat import visible_widgets

from conftest import SIZE, screen_lines, settle, type_text

NARROW = (80, 24)


def within(inner, outer) -> bool:
    """`inner` (a screen region) lies wholly inside `outer`, and is not empty."""
    return inner.area > 0 and outer.contains_region(inner)


def shown(app, widget):
    """The part of `widget` the screen actually draws (empty when scrolled away)."""
    return app.screen.find_widget(widget).region if widget in visible_widgets(app.screen) else None


async def place(ctx, sku: str, account: str, customer: str | None = None) -> str:
    placed = await ctx.checkout.place(OrderInput(sku=sku, fields={"account": account}, customer=customer, again=True),
                                      wait_s=5)
    return placed.order.order_no


async def seed_orders(app) -> list[str]:
    ctx = app.ctx
    return [await place(ctx, "demo:HF-CM-10", "13800138000", "张三"),
            await place(ctx, "demo:VM-TX-Y-1-K", "13100131000", "李四"),
            await place(ctx, "demo:HF-DX-30", "13300133000")]


# --- history ---------------------------------------------------------------------------------
async def test_history_at_80_columns_shows_state_price_profit_and_the_whole_order_number(make_app):
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        await settle(app, pilot)
        numbers = await seed_orders(app)
        await pilot.press("3")
        await settle(app, pilot)
        assert isinstance(app.screen, HistoryScreen)
        orders = app.screen.query_one(OrderList)
        assert orders.region.right <= 80
        lines = screen_lines(app)
        for no in numbers:
            assert len(no) == 24
            row = [line for line in lines if no in line]
            assert row, f"{no} is not on screen whole:\n" + "\n".join(lines)
            order = app.root.ledger.get(no)
            assert "成功" in row[0]
            assert fmt(order.total_price) in row[0] and fmt(order.profit) in row[0]
        assert "\u2026" not in "\n".join(lines)
        header = [line for line in lines if "订单号" in line and "利润" in line]
        assert header and "状态" in header[0] and "售价" in header[0]


async def test_history_detail_folds_below_100_columns_and_i_shows_it(make_app):
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        await settle(app, pilot)
        numbers = await seed_orders(app)
        await pilot.press("3")
        await settle(app, pilot)
        screen = app.screen
        side = screen.query_one("#h-side")
        assert not side.display                      # folded: the list has the width
        await pilot.press("i")
        await settle(app, pilot)
        assert side.display and within(side.region, screen.region)
        text = "\n".join(screen_lines(app))
        assert numbers[-1] in text and "事件时间线" in text     # the selected (newest) order's detail
        await pilot.press("i")
        await settle(app, pilot)
        assert not side.display and screen.query_one(OrderList).has_focus
        await pilot.press("question_mark")
        await pilot.pause()
        assert any("i" in line and "详情" in line for line in screen_lines(app))


async def test_history_at_120_columns_keeps_the_detail_and_the_whole_order_number(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        numbers = await seed_orders(app)
        await pilot.press("3")
        await settle(app, pilot)
        side = app.screen.query_one("#h-side")
        assert side.display
        lines = screen_lines(app)
        for no in numbers:
            row = [line for line in lines if no in line]
            assert row and fmt(app.root.ledger.get(no).profit) in row[0]


# --- batch ---------------------------------------------------------------------------------------
PASTE = ("demo:HF-CM-10\t13800138000\t1\t张三\n"
         "demo:HF-LT-20\t1310013100x\t1\n")


async def test_batch_grid_keeps_the_state_reason_column_at_80_columns(make_app):
    from textual import events

    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        await settle(app, pilot)
        await pilot.press("f3")
        await settle(app, pilot)
        assert isinstance(app.screen, BatchScreen)
        app.screen.grid.post_message(events.Paste(PASTE))
        await settle(app, pilot)
        grid = app.screen.grid
        lines = [line[grid.region.x:grid.region.right] for line in screen_lines(app)[grid.region.y:grid.region.bottom]]
        assert "状态/原因" in lines[0]
        ok_row = next(line for line in lines if "13800138000" in line)
        bad_row = next(line for line in lines if "1310013100x" in line)
        assert "移动" in ok_row or "10.00" in ok_row or "可下单" in ok_row   # the line's note is on it
        note = app.screen.grid.notes[1].plain
        assert note[:6] in bad_row, (note, bad_row)


# --- checkout ------------------------------------------------------------------------------------
async def open_checkout(app, pilot, search: str) -> CheckoutScreen:
    await pilot.press("slash")
    await type_text(pilot, search)
    await pilot.press("enter", "o")
    await settle(app, pilot)
    assert isinstance(app.screen, CheckoutScreen)
    return app.screen


async def test_checkout_at_80x24_shows_title_first_field_and_the_button_without_scrolling(make_app):
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        await settle(app, pilot)
        screen = await open_checkout(app, pilot, "yidong huafei 10")
        box = screen.query_one("#checkout-box")
        view = box.scrollable_content_region
        assert box.scroll_offset.y == 0
        for wid in ("#checkout-title", "#f-account", "#place"):
            region = shown(app, screen.query_one(wid))
            assert region is not None and within(region, view), wid
        assert box.max_scroll_y == 0                    # nothing below the fold: total and button are seen
        text = "\n".join(screen_lines(app))
        assert "下单：" in text and "合计" in text


async def test_checkout_of_a_three_field_game_shows_title_and_first_field_at_80x24(make_app):
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        await settle(app, pilot)
        screen = await open_checkout(app, pilot, "yxlm")
        box = screen.query_one("#checkout-box")
        view = box.scrollable_content_region
        assert box.scroll_offset.y == 0
        for wid in ("#checkout-title", "#f-account"):
            region = shown(app, screen.query_one(wid))
            assert region is not None and within(region, view), wid
        assert screen.query_one("#f-account").has_focus


async def test_reorder_checkout_at_80x24_keeps_the_title_in_view(make_app):
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        await settle(app, pilot)
        await seed_orders(app)
        await pilot.press("3")
        await settle(app, pilot)
        await pilot.press("a")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, CheckoutScreen)
        box = screen.query_one("#checkout-box")
        for wid in ("#checkout-title", "#place"):
            region = shown(app, screen.query_one(wid))
            assert region is not None and within(region, box.scrollable_content_region), wid
        assert screen.query_one("#place", Button).has_focus


async def test_checkout_title_cuts_a_long_name_in_the_middle_keeping_its_last_word(make_app):
    from kameng_tui.domain.models import Product

    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        await settle(app, pilot)
        real = app.ctx.catalog.product("demo:VM-TX-Y-1-K")
        import dataclasses

        long = dataclasses.replace(real, name="腾讯视频超级影视VIP会员官方直营全平台通用电视手机平板自动发货年卡 卡密")
        assert isinstance(long, Product)
        app.push_screen(CheckoutScreen(long))
        await settle(app, pilot)
        title = app.screen.query_one("#checkout-title", Static)
        shown_title = str(title.render())
        assert title.region.height == 1
        assert ".." in shown_title and shown_title.endswith("年卡 卡密") and "\u2026" not in shown_title


# --- dialogs and resizing ------------------------------------------------------------------------------
async def test_dialogs_opened_at_120_stay_usable_after_a_resize_to_80x24(make_app):
    from kameng_tui.tui.screens.batch_dialogs import ChoiceScreen, PasteScreen, PickScreen
    from kameng_tui.tui.screens.confirm import ConfirmScreen
    from kameng_tui.tui.screens.help import HelpScreen

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        dialogs = [
            (ConfirmScreen("确认？"), "#confirm-box", ("#yes", "#no")),
            (ChoiceScreen("怎么办？", [("a", "继续", "r"), ("b", "取消", "c"), ("c", "查看", "v")]), "#choice-box",
             ("#choice-a", "#choice-b", "#choice-c")),
            (PasteScreen(), "#paste-box", ("#paste-import", "#paste-cancel")),
            (PickScreen("选择大区", ("安卓QQ", "苹果QQ", "安卓微信", "苹果微信")), "#pick-box", ("#pick-filter", "#pick-keys")),
            (HelpScreen("history"), "#help-box", ()),
        ]
        for dialog, box_id, parts in dialogs:
            app.push_screen(dialog)
            await settle(app, pilot)
            await pilot.resize_terminal(80, 24)
            await settle(app, pilot)
            box = dialog.query_one(box_id)
            assert within(box.region, dialog.region), (box_id, box.region)
            for part in parts:
                region = shown(app, dialog.query_one(part))
                assert region is not None and within(region, box.region), (box_id, part)
            await pilot.resize_terminal(*SIZE)
            await settle(app, pilot)
            dialog.dismiss(None)
            await settle(app, pilot)


async def test_checkout_opened_at_120_stays_usable_after_a_resize_to_80x24(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = await open_checkout(app, pilot, "yidong huafei 10")
        await type_text(pilot, "138001")
        await pilot.resize_terminal(80, 24)
        await settle(app, pilot)
        box = screen.query_one("#checkout-box")
        assert within(box.region, screen.region)
        for wid in ("#checkout-title", "#f-account", "#place"):
            region = shown(app, screen.query_one(wid))
            assert region is not None and within(region, box.scrollable_content_region), wid
        await type_text(pilot, "38000")
        await pilot.press("enter")
        await settle(app, pilot)
        assert screen.order_no is not None


# --- settings ------------------------------------------------------------------------------------------
async def test_settings_panels_fit_80_columns(make_app):

    app = make_app('[[suppliers]]\nname = "demo"\nkind = "demo"\n')
    async with app.run_test(size=NARROW) as pilot:
        await settle(app, pilot)
        await pilot.press("4")
        await settle(app, pilot)
        screen = app.screen
        for section in ("suppliers", "pricing", "ui", "keys", "ledger"):
            screen.show_section(section)
            await settle(app, pilot)
            pane = screen.query_one(f"#{section}")
            for w in pane.query("Input, Select, Button"):
                if not w.display or not w.is_mounted:
                    continue
                region = app.screen.find_widget(w).region if w in visible_widgets(app.screen) else None
                if region is None:
                    continue                     # below the fold of a scrolling panel
                assert region.right <= 80, (section, w.id, region)
            text = "\n".join(screen_lines(app))
            assert "\u2026" not in text, (section, text)           # nothing cut with an ambiguous-width ellipsis
            if section == "pricing":
                screen.query_one("#rule-preview", Static).scroll_visible(animate=False, immediate=True)
                await settle(app, pilot)
                text = "\n".join(screen_lines(app))
                assert "100.00" in text and "200.00" in text and "\u2026" not in text, text   # never "100.…"


async def test_checkout_at_80x24_shows_the_orders_progress_once_placed(make_app):
    app = make_app()
    async with app.run_test(size=NARROW) as pilot:
        await settle(app, pilot)
        screen = await open_checkout(app, pilot, "yidong huafei 10")
        await type_text(pilot, "13800138000")
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.pause(0.3)
        assert screen.order_no is not None
        box = screen.query_one("#checkout-box")
        region = shown(app, screen.query_one("#progress"))
        assert region is not None and within(region, box.scrollable_content_region)
        assert "成功" in "\n".join(screen_lines(app))
