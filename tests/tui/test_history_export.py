"""History from the keyboard (issue 15, point 9): `p` walks the date presets and never
traps the keys in the date field; `e` asks for a format and a place (a default under
~/kameng-exports named by the business date), writes the file whole or not at all, in the
UI's language, with the ledger anchor beside the orders, never among them; the claims
view's totals add up exactly the rows it shows."""

from __future__ import annotations

import csv
import json
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from textual.widgets import Input, Select, Static

from kameng_tui.domain.states import OrderState
from kameng_tui.services.checkout import OrderInput
from kameng_tui.tui.screens.history import HistoryScreen
from kameng_tui.tui.widgets.order_list import OrderList
from kameng_tui.tui.textual_compat import notifications

from conftest import SIZE, settle
from test_history_screen import OFFLINE, open_history, seed, totals_text


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """The user's home: the export dialog proposes ~/kameng-exports."""
    where = tmp_path / "user"
    where.mkdir()
    monkeypatch.setenv("HOME", str(where))
    return where


def read_csv(path: Path) -> list[list[str]]:
    return list(csv.reader(path.read_text(encoding="utf-8-sig").splitlines()))


async def test_p_cycles_every_preset_and_back_without_trapping_focus(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = await open_history(app, pilot)
        seen = []
        for _ in range(7):
            await pilot.press("p")
            seen.append(screen.preset)
            assert not isinstance(app.focused, Input), f"focus trapped in {app.focused} at {screen.preset}"
        assert seen == ["all", "custom", "today", "yesterday", "week", "month", "all"]
        assert screen.query_one("#h-dates", Input).value == ""      # no stray "p" typed into the dates


async def test_custom_dates_are_reached_from_the_list_and_left_with_escape(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await seed(app)
        screen = await open_history(app, pilot)
        await pilot.press("p", "p")
        assert screen.preset == "custom" and screen.query_one("#h-dates", Input).display
        hint = str(screen.query_one("#h-error", Static).render())
        assert "按 d 输入日期" in hint                              # says how to type the dates
        await pilot.press("d")
        assert app.focused is screen.query_one("#h-dates", Input)
        await pilot.press(*"2026-11-24", "escape")
        assert isinstance(app.focused, OrderList)
        await pilot.press("p")
        assert screen.preset == "today"


async def test_e_exports_to_the_default_place_in_the_ui_language(make_app, home):
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await seed(app)
        await open_history(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        path_input = app.screen.query_one("#export-path", Input)
        assert path_input.value == str(home / "kameng-exports" / "订单-2026-11-25.csv")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, HistoryScreen)
        out = home / "kameng-exports" / "订单-2026-11-25.csv"
        rows = read_csv(out)
        header, body = rows[0], rows[1:]
        assert header[:3] == ["订单号", "下单时间", "状态"]
        assert len(body) == 3 and {r[2] for r in body} == {"成功"}
        assert not any(r[0].startswith("#") for r in body)           # the anchor is not a row
        anchor = json.loads((out.parent / (out.name + ".anchor.json")).read_text(encoding="utf-8"))
        assert anchor["anchor"]["seq"] == app.root.ledger.anchor()["seq"] and anchor["rows"] == 3
        assert (out.stat().st_mode & 0o777) == 0o600
        assert sorted(p.name for p in out.parent.iterdir()) == [out.name, out.name + ".anchor.json"]
        assert any(str(out) in str(n.message) for n in notifications(app))


async def test_e_in_english_picks_xlsx_with_an_anchor_sheet(make_app, home):
    app = make_app('[general]\nlanguage = "en"\n')
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await seed(app)
        await open_history(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#export-format", Select).value = "xlsx"
        await pilot.pause()
        path_input = app.screen.query_one("#export-path", Input)
        assert path_input.value == str(home / "kameng-exports" / "orders-2026-11-25.xlsx")
        path_input.focus()
        await pilot.press("enter")
        await settle(app, pilot)
        wb = load_workbook(home / "kameng-exports" / "orders-2026-11-25.xlsx")
        assert wb.sheetnames == ["Orders", "Anchor"]
        rows = list(wb["Orders"].iter_rows(values_only=True))
        assert rows[0][:3] == ("Order no.", "Created at", "State") and len(rows) == 4
        assert {r[2] for r in rows[1:]} == {"succeeded"}
        assert [c for c in wb["Anchor"].iter_rows(values_only=True)][1][1] == app.root.ledger.anchor()["seq"]


async def test_file_name_uses_the_business_date_near_midnight_utc(make_app, home):
    app = make_app(KAMENG_TUI_NOW="2026-12-06T17:30:00Z")        # 2026-12-07 01:30 in Shanghai
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await open_history(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        assert Path(app.screen.query_one("#export-path", Input).value).name == "订单-2026-12-07.csv"


async def test_an_unwritable_place_is_reported_and_nothing_is_left(make_app, home):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await seed(app)
        await open_history(app, pilot)
        blocker = home / "plain-file"
        blocker.write_text("not a directory", encoding="utf-8")
        await pilot.press("e")
        await pilot.pause()
        path_input = app.screen.query_one("#export-path", Input)
        path_input.value = str(blocker / "sub" / "out.csv")          # a parent that cannot be made
        await pilot.press("enter")
        await settle(app, pilot)
        error = str(app.screen.query_one("#export-error", Static).render())
        assert str(blocker / "sub") in error and "无法" in error
        taken = home / "taken.csv"
        taken.mkdir()                                                 # the name is a directory: the rename fails
        path_input.value = str(taken)
        await pilot.press("enter")
        await settle(app, pilot)
        assert str(taken) in str(app.screen.query_one("#export-error", Static).render())
        assert sorted(p.name for p in home.iterdir()) == ["plain-file", "taken.csv"]   # no temp file, no half file
        assert list(taken.iterdir()) == []
        await pilot.press("escape")
        assert isinstance(app.screen, HistoryScreen)


async def test_claims_view_totals_are_the_rows_it_shows(make_app):
    settled = make_app()
    async with settled.run_test(size=SIZE) as pilot:
        await settle(settled, pilot)
        for i in range(3):
            await settled.root.checkout.place(OrderInput(sku="demo:HF-LT-20", fields={"account": f"1330013300{i}"},
                                                         again=True), wait_s=5)
    lost = make_app(KAMENG_TUI_DEMO_UNKNOWN_RATE="1")           # the replies are lost: unknown
    async with lost.run_test(size=SIZE) as pilot:
        await settle(lost, pilot)
        ctx = lost.root
        for account, customer, sku in (("13800138000", "张三", "demo:HF-CM-10"), ("13100131000", "李四", "demo:HF-DX-30")):
            prepared = await ctx.checkout.prepare(OrderInput(sku=sku, fields={"account": account}, customer=customer,
                                                             again=True))
            order_no = ctx.checkout.commit_intent(prepared)
            await ctx.checkout.send(order_no)
            assert ctx.ledger.get(order_no).state is OrderState.UNKNOWN
    # two days later, the supplier unreachable: both are claims past their grace
    app = make_app(OFFLINE, KAMENG_TUI_SECRET_DEMO="s", KAMENG_TUI_NOW="2026-11-27T10:00:00+08:00")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        ctx = app.root
        screen = await open_history(app, pilot)
        assert "5 单" in totals_text(screen)
        await pilot.press("c")
        await pilot.pause()
        shown = screen.query_one(OrderList).orders
        claimed = {c.order.order_no for c in ctx.reports.claims()}
        assert len(claimed) == 2 and {o.order_no for o in shown} == claimed
        revenue = sum((o.revenue for o in shown), Decimal(0))
        assert "2 单" in totals_text(screen) and f"营收 {revenue:.2f}" in totals_text(screen)
        screen.query_one("#h-customer", Input).value = "李四"      # a filter narrows the claims too
        await pilot.pause()
        shown = screen.query_one(OrderList).orders
        assert [o.customer for o in shown] == ["李四"]
        assert "1 单" in totals_text(screen) and f"营收 {shown[0].revenue:.2f}" in totals_text(screen)


async def test_a_taken_name_is_numbered_and_a_typed_one_asked_before_it_is_replaced(make_app, home):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await seed(app)
        await open_history(app, pilot)
        await pilot.press("e", "enter")
        await settle(app, pilot)
        first = home / "kameng-exports" / "订单-2026-11-25.csv"
        await pilot.press("e")
        await pilot.pause()
        box = app.screen.query_one("#export-path", Input)
        assert box.value == str(home / "kameng-exports" / "订单-2026-11-25-2.csv")   # the default never overwrites
        box.value = str(first)
        before = first.read_bytes()
        first.write_bytes(b"keep me")
        await pilot.press("enter")
        await settle(app, pilot)
        assert "已存在" in str(app.screen.query_one("#export-error", Static).render())
        assert first.read_bytes() == b"keep me"
        await pilot.press("enter")                                    # asked, and answered
        await settle(app, pilot)
        assert isinstance(app.screen, HistoryScreen) and first.read_bytes() == before
