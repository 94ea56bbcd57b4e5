"""Other processes write the same ledger (cron's `kameng-tui reconcile`, a second
terminal): an open TUI shows their changes within a second, through the ledger's change
feed (woken by `PRAGMA data_version`), without a key press."""

from __future__ import annotations

import asyncio
import time

from kameng_tui.domain.states import OrderState
from kameng_tui.services.checkout import OrderInput

from conftest import NOW, SIZE, screen_lines, settle
from kit import base_env, run_cli
from test_history_screen import open_history

ACCOUNT = "13800138000"


def row_of(app, order_no: str) -> str:
    """The order list's row for the order (the left pane: the detail pane is right of `│`).
    By its number: the list shows the whole order number, not the account (narrow2)."""
    rows = (line.split("│")[0] for line in screen_lines(app))
    return next((row for row in rows if order_no in row), "")


async def test_an_order_settled_by_another_process_shows_in_the_open_history(make_app, tui_home):
    app = make_app(KAMENG_TUI_DEMO_UNKNOWN_RATE="1")       # the reply to the order is lost: unknown
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        prepared = await app.ctx.checkout.prepare(OrderInput(sku="demo:HF-CM-10", fields={"account": ACCOUNT}))
        order_no = app.ctx.checkout.commit_intent(prepared)
        await app.ctx.checkout.send(order_no)
        await open_history(app, pilot)
        assert "结果未知" in row_of(app, order_no)
        # cron's reconcile, a real second process on the same ledger: the supplier answers now
        done = await asyncio.to_thread(run_cli, base_env(tui_home, KAMENG_TUI_NOW=NOW), "reconcile", "--json")
        assert done.code == 0, done.stderr
        settled_at = time.monotonic()
        while "成功" not in row_of(app, order_no) and time.monotonic() - settled_at < 1.0:
            await pilot.pause(0.05)
        assert "成功" in row_of(app, order_no), "\n".join(screen_lines(app))
        assert time.monotonic() - settled_at < 1.0


async def test_an_order_placed_by_another_process_appears_in_the_open_history(make_app, tui_home):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await open_history(app, pilot)
        placed = await asyncio.to_thread(run_cli, base_env(tui_home, KAMENG_TUI_NOW=NOW), "order", "demo:HF-LT-20",
                                         "--account", ACCOUNT, "--yes", "--json")
        assert placed.code == 0, placed.stderr
        order_no = placed.json["order"]["order_no"] if "order" in placed.json else placed.json["order_no"]
        settled_at = time.monotonic()
        while "成功" not in row_of(app, order_no) and time.monotonic() - settled_at < 1.0:
            await pilot.pause(0.05)
        assert "成功" in row_of(app, order_no), "\n".join(screen_lines(app))
        assert app.root.ledger.get(order_no).state is OrderState.SUCCEEDED
