"""Issue 17, point 2: one checkout use case for both faces.

- the TUI and the CLI place an order through the same service method and get the same
  typed outcomes (a number of another carrier asks first; a repeat in the window asks);
- the order's progress reaches the dialog as typed messages, with no timer polling the
  ledger;
- no screen or widget reads the ledger on the UI thread: typing an account, placing,
  the history's reload and filter read it in workers.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from pathlib import Path

import pytest

from kameng_tui.domain.history import HistoryFilter
from kameng_tui.domain.states import OrderState
from kameng_tui.tui.screens.checkout import CheckoutScreen

from conftest import NOW, SIZE, settle, type_text
from kit import base_env
from test_checkout_screen import open_checkout

PORTED = "13100131000"        # a 联通 prefix; the product below is 移动 话费
READS = ("get", "by_ref", "ref_fingerprint", "last_for", "in_state", "unsettled_cost", "anomaly_orders", "history",
         "totals", "grouped", "events", "cards", "last_event", "in_flight", "sent_since", "ledger_anomalies")
"""The order store's reads (ledger/ports.py OrderStore)."""
FACES = (f"{Path('kameng_tui', 'tui', 'screens')}", f"{Path('kameng_tui', 'tui', 'widgets')}")


def orders(app):
    return list(app.root.ledger.history(HistoryFilter(), limit=100).items)


def spy_entry_point(monkeypatch) -> list[tuple[str, object]]:
    """Every call of the one entry point, as (sku, outcome)."""
    from kameng_tui.services.checkout_flow import CheckoutFlow

    seen: list[tuple[str, object]] = []
    real = CheckoutFlow.place

    async def place(self, inp, **kw):
        outcome = await real(self, inp, **kw)
        seen.append((inp.sku, outcome))
        return outcome

    monkeypatch.setattr(CheckoutFlow, "place", place)
    return seen


def kinds(seen) -> list[str]:
    """The outcomes by kind: `ask:<what>` for a question, else the outcome's class."""
    from kameng_tui.services.checkout_flow import NeedsConfirmation

    return [f"ask:{o.ask.value}" if isinstance(o, NeedsConfirmation) else type(o).__name__ for _, o in seen]


def test_the_tui_and_the_cli_go_through_one_entry_point_with_the_same_outcomes(make_app, tui_home, monkeypatch,
                                                                                 capsys):
    seen = spy_entry_point(monkeypatch)

    async def tui() -> None:
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            screen = await open_checkout(app, pilot, "yidong huafei 10")
            await type_text(pilot, PORTED)
            await pilot.press("enter")                 # asks: another carrier
            await settle(app, pilot)
            await pilot.press("enter")                 # yes: placed
            await settle(app, pilot)
            assert [o.state for o in orders(app)] == [OrderState.SUCCEEDED]
            await pilot.press("escape", "escape", "escape")
            screen = await open_checkout(app, pilot, "yidong huafei 10")
            await type_text(pilot, PORTED)
            await pilot.press("enter")                 # the carrier again...
            await settle(app, pilot)
            await pilot.press("enter")                 # ...then the repeat window asks
            await settle(app, pilot)
            assert screen.order_no is None and len(orders(app)) == 1

    asyncio.run(tui())
    tui_kinds = kinds(seen)
    assert tui_kinds == ["ask:carrier", "Placed", "ask:carrier", "ask:repeat"], tui_kinds
    seen.clear()

    from kameng_tui.__main__ import main

    for key, value in base_env(tui_home, KAMENG_TUI_NOW=NOW).items():
        monkeypatch.setenv(key, value)
    code = main(["order", "demo:HF-CM-10", "--account", "13100131001", "--yes", "--json", "--wait", "5"])
    assert code == 0, capsys.readouterr()
    code = main(["order", "demo:HF-CM-10", "--account", "13100131001", "--yes", "--json"])
    assert code == 2                                    # the repeat: the CLI's answer is --again
    cli_kinds = kinds(seen)
    assert cli_kinds == tui_kinds, cli_kinds
    assert {sku for sku, _ in seen} == {"demo:HF-CM-10"}


async def test_each_state_change_reaches_the_dialog_as_a_message_and_no_timer_polls(make_app, monkeypatch):
    from kameng_tui.tui.order_runner import OrderChanged

    intervals: list[str] = []
    real = CheckoutScreen.set_interval

    def counting(self, interval, callback=None, *args, **kw):
        if getattr(callback, "__module__", "").startswith("kameng_tui"):     # ours, not Textual's own
            intervals.append(f"{interval} {callback.__qualname__}")
        return real(self, interval, callback, *args, **kw)

    monkeypatch.setattr(CheckoutScreen, "set_interval", counting)
    got: list[OrderChanged] = []

    def hook(message) -> None:
        if isinstance(message, OrderChanged):
            got.append(message)

    app = make_app()
    async with app.run_test(size=SIZE, message_hook=hook) as pilot:
        await settle(app, pilot)
        screen = await open_checkout(app, pilot, "yidong huafei 10")
        await type_text(pilot, "13800138000")
        await pilot.press("enter")
        await settle(app, pilot)
        [order] = orders(app)
        states = [m.status.state for m in got if m.status.order_no == order.order_no]
        assert states[-1] is OrderState.SUCCEEDED and len(states) < 20, states      # each change, once or twice
        assert OrderState.SUBMITTED in states
        last = [m.status for m in got if m.status.order_no == order.order_no][-1]
        assert last.steps[:2] == (OrderState.PENDING, OrderState.SUBMITTED) and last.charged == order.charged
        progress = str(screen.query_one("#progress").render())
        assert "待发送 -> 已提交" in progress and "成功" in progress
        assert intervals == [], intervals


@pytest.fixture
def ui_thread_reads(monkeypatch):
    """Wrap the store's reads: a read on the UI thread from a screen or a widget is noted."""
    found: list[str] = []

    def install(store) -> None:
        main = threading.main_thread()
        for name in READS:
            real = getattr(store, name)

            def wrapped(*args, __real=real, __name=name, **kw):
                if threading.current_thread() is main:
                    frame = sys._getframe(1)
                    while frame is not None:
                        if any(face in frame.f_code.co_filename for face in FACES):
                            found.append(f"{__name} from {Path(frame.f_code.co_filename).name}:{frame.f_lineno}"
                                         f" {frame.f_code.co_name}")
                            break
                        frame = frame.f_back
                return __real(*args, **kw)

            monkeypatch.setattr(store, name, wrapped)

    install.found = found
    return install


async def test_no_screen_reads_the_ledger_on_the_ui_thread(make_app, ui_thread_reads):
    app = make_app()
    ui_thread_reads(app.root.ledger)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await open_checkout(app, pilot, "yidong huafei 10")
        await type_text(pilot, "13800138000")
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("escape", "escape", "escape")
        screen = await open_checkout(app, pilot, "liantong huafei 20")
        await pilot.press("up")                            # the recent accounts, read in a worker
        await settle(app, pilot)
        assert screen.query_one("#f-account").value == "13800138000"
        await pilot.press("escape", "escape", "escape")
        await pilot.press("3")                             # history: its reload and a filter
        await settle(app, pilot)
        await pilot.press("slash")
        await type_text(pilot, "8000")
        await settle(app, pilot)
        await pilot.press("p")
        await settle(app, pilot)
        assert len(orders(app)) == 1
    assert ui_thread_reads.found == [], "\n".join(ui_thread_reads.found)


async def follow_an_unknown_order(app, pilot, ref: str):
    """An order left `unknown` (no runner of this app sends it), then the dialog opened on
    its shop ref, which follows it: returns the dialog and the order number."""
    from kameng_tui.services.checkout import OrderInput

    from test_other_process import ACCOUNT

    prepared = await app.ctx.checkout.prepare(OrderInput(sku="demo:HF-CM-10", fields={"account": ACCOUNT}, ref=ref))
    order_no = app.ctx.checkout.commit_intent(prepared)
    await app.ctx.checkout.send(order_no)
    assert app.root.ledger.get(order_no).state is OrderState.UNKNOWN
    screen = await open_checkout(app, pilot, "yidong huafei 10")
    await type_text(pilot, ACCOUNT)
    screen.query_one("#ref").focus()
    await type_text(pilot, ref)
    await pilot.press("enter")
    await settle(app, pilot)
    assert screen.order_no == order_no and len(orders(app)) == 1
    assert "结果未知" in str(screen.query_one("#progress").render())
    return screen, order_no


async def progress_reaches_success(pilot, screen, within_s: float) -> str:
    import time

    settled_at = time.monotonic()
    while "成功" not in str(screen.query_one("#progress").render()) and time.monotonic() - settled_at < within_s:
        await pilot.pause(0.05)
    return str(screen.query_one("#progress").render())


async def test_a_change_by_another_process_reaches_the_open_dialog(make_app, tui_home):
    """The dialog follows an order its shop ref names, left `unknown`; cron's reconcile,
    a real second process, settles it: the dialog shows the result within a second,
    through the change feed."""
    from kit import run_cli

    app = make_app(KAMENG_TUI_DEMO_UNKNOWN_RATE="1")       # the reply to the order is lost: unknown
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen, _ = await follow_an_unknown_order(app, pilot, "TB-17")
        done = await asyncio.to_thread(run_cli, base_env(tui_home, KAMENG_TUI_NOW=NOW), "reconcile", "--json")
        assert done.code == 0, done.stderr
        progress = await progress_reaches_success(pilot, screen, 1.0)
        assert "结果未知 -> 成功" in progress, progress


async def test_an_order_the_apps_own_reconcile_settles_reaches_the_open_dialog(make_app):
    """As above, but the app's own background reconcile (start-up, or after accept-restore)
    settles it in this process, where no runner of ours saw it move and the change feed
    stays quiet (its own commits do not wake it): the dialog still shows the result."""
    app = make_app(KAMENG_TUI_DEMO_UNKNOWN_RATE="1")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen, order_no = await follow_an_unknown_order(app, pilot, "TB-18")
        await app._reconcile()
        assert app.root.ledger.get(order_no).state is OrderState.SUCCEEDED
        progress = await progress_reaches_success(pilot, screen, 2.0)
        assert "结果未知 -> 成功" in progress, progress
