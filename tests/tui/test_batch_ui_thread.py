"""The batch screen never reads the ledger on the UI thread (a read there freezes every
key while SQLite waits on the disk or another process's write), and the runner's
progress reaches it as typed messages carrying the lines, not as ledger reloads.

The ledger is wrapped so that a call made on the main thread, from the batch screen's
code, while the app runs, is recorded and fails. `unsettled_cost` is left out: it is the
app's available balance (`app.available`), computed elsewhere (issue 17, point 2)."""

from __future__ import annotations

import sys
import threading
from typing import Any

from kameng_tui.domain.states import OrderState
from kameng_tui.tui.batch_messages import BatchLinesChanged
from kameng_tui.tui.screens.batch_dialogs import ChoiceScreen
from kameng_tui.tui.screens.confirm import ConfirmScreen

from conftest import SIZE, settle, type_text
from test_batch_screen import confirm_and_finish, open_batch, orders, text_of

WATCHED = ("get", "by_ref", "batch_orders", "list_batches", "get_batch", "batch_by_identity", "load_draft",
           "save_draft", "delete_draft", "history", "events", "last_for", "ref_fingerprint", "create_intents")
SCREEN_CODE = ("/tui/screens/batch.py", "/tui/screens/batch_dialogs.py", "/tui/batch_run.py",
               "/tui/widgets/batch_grid.py", "/tui/widgets/batch_summary.py")


class UiThreadReads:
    """Wraps the ledger's methods on the instance: every service holds this one object."""

    def __init__(self, store: Any) -> None:
        self.store, self.found, self.on = store, [], False
        for name in WATCHED:
            setattr(store, name, self._wrap(name, getattr(store, name)))

    def _wrap(self, name: str, method):
        def guarded(*args, **kwargs):
            if self.on and threading.current_thread() is threading.main_thread():
                frame = sys._getframe(1)
                while frame is not None:
                    where = frame.f_code.co_filename.replace("\\", "/")
                    if where.endswith(SCREEN_CODE):
                        self.found.append(f"{name} from {where.rsplit('/', 1)[-1]}:{frame.f_code.co_name}")
                        raise AssertionError(f"ledger.{name} on the UI thread from the batch screen")
                    frame = frame.f_back
            return method(*args, **kwargs)
        return guarded


def batch_messages(sink: list):
    def hook(message) -> None:
        if isinstance(message, BatchLinesChanged):
            sink.append(message)
    return hook


async def test_typing_checking_and_running_a_batch_reads_no_ledger_on_the_ui_thread(make_app):
    app = make_app()
    reads = UiThreadReads(app.root.ledger)
    told: list[BatchLinesChanged] = []
    async with app.run_test(size=SIZE, message_hook=batch_messages(told)) as pilot:
        reads.on = True
        await open_batch(app, pilot)
        for line in ("demo:HF-CM-10\t13800138000", "demo:HF-CM-20\t13800138001", "demo:HF-CM-30\t1380013800x"):
            sku, account = line.split("\t")
            await type_text(pilot, sku)
            await pilot.press("tab")
            await type_text(pilot, account)
            await pilot.press("enter")
            await settle(app, pilot)
        screen = app.screen
        assert screen.checked.bad == [2]                       # the bad number is shown on its line
        screen.grid.replace_rows({2: screen.grid.rows[2].with_cell(1, "13800138002")})
        await settle(app, pilot)
        assert screen.checked.bad == [] and len(screen.checked.good) == 3
        await pilot.press("f5")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await confirm_and_finish(app, pilot)
        assert "已发送 3/3" in text_of(app) and "成功 3" in text_of(app)
        reads.on = False
    assert reads.found == []
    done = orders(app)
    assert len(done) == 3 and all(o.state is OrderState.SUCCEEDED for o in done)
    # each line's state change reached the app as a message carrying that line
    seen = {o.order_no: o.state for m in told for o in m.orders}
    assert seen == {o.order_no: OrderState.SUCCEEDED for o in done}
    assert told[-1].running is False and told[-1].batch_id == done[0].batch_id


async def test_resuming_a_batch_and_reopening_its_draft_read_no_ledger_on_the_ui_thread(make_app):
    app = make_app()
    ctx = app.root
    batch_id = ctx.batch.record(await ctx.batch.plan("demo:HF-CM-10 13800138000\ndemo:HF-CM-20 13800138001\n"))
    reads = UiThreadReads(ctx.ledger)
    async with app.run_test(size=SIZE) as pilot:
        reads.on = True
        while not isinstance(app.screen, ChoiceScreen):          # the start-up offer of the unsent batch
            await pilot.pause(0.05)
        await pilot.press("r")                                  # resume: review its lines, then send them
        await settle(app, pilot)
        await app.batch_runner.wait()
        await settle(app, pilot)
        screen = app.screen
        assert [r.get("account") for r in screen.grid.rows if not r.blank] == ["13800138000", "13800138001"]
        assert "已发送 2/2" in text_of(app), text_of(app)
        await pilot.press("f2")                                 # away and back: the lines are shown again
        await settle(app, pilot)
        await pilot.press("f3")
        await settle(app, pilot)
        assert "成功 2" in text_of(app)
        reads.on = False
    assert reads.found == []
    assert all(o.state is OrderState.SUCCEEDED for o in ctx.ledger.batch_orders(batch_id))
    app2 = make_app()                                           # a restart: the draft comes back
    reads2 = UiThreadReads(app2.root.ledger)
    async with app2.run_test(size=SIZE) as pilot:
        reads2.on = True
        screen = await open_batch(app2, pilot)
        assert [r.get("account") for r in screen.grid.rows if not r.blank] == ["13800138000", "13800138001"]
        assert "成功 2" in text_of(app2)
        reads2.on = False
    assert reads2.found == []
