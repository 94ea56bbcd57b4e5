"""Issue 17, point 2: screens read through workers, never on the UI thread.

A read of SQLite on the event loop freezes every key while the disk, or another
process's write, keeps it waiting. The ledger and the catalog cache are wrapped: a read
made on the main thread while a path below runs, with any of our TUI code on the stack,
is noted with where it came from, and the test fails naming it.

The paths: a card revealed and copied (the checkout's result and the history's detail),
the history's next keyset page, `a` (再来一单) in the catalog and the history, the
catalog's detail pane as the cursor moves, a SKU typed into the batch grid and the batch's runner
(tui/batch_runner.py), and an order's own runner (tui/order_runner.py) with the App's
end-of-order news; the app's start (the ledger's anchor, the data key), the catalog's
rows drawn as the user types and scrolls and Enter on one, the restore accepted, the
data key dialog, a batch row's choices (大区) and the local clipboard tool (a
subprocess) on copy; a failure learned later told by the app, and History's `n`
re-ordering it from the next offer (issue 18); Enter and `a` on a row whose product is
not loaded yet (a slow disk), the detail pane's offers of a product of several
suppliers, and the restore accepted from Settings -> Ledger (a write).

Left out, by design: the order path's services (see BY_DESIGN)."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path

import pytest
from textual.widgets import Input, Static

from kameng_tui.domain.models import Delivery
from kameng_tui.services.checkout import OrderInput
from kameng_tui.tui.screens.checkout import CheckoutScreen
from kameng_tui.tui.screens.history import HistoryScreen
from kameng_tui.tui.widgets.order_list import OrderList
from kameng_tui.tui.widgets.product_table import ProductTable

from conftest import SIZE, screen_lines, settle, type_text
from test_batch_screen import confirm_and_finish, open_batch
from test_checkout_screen import open_checkout
from test_catalog_offers import refs, three_suppliers  # noqa: F401  (refs: a fixture)
from test_history_screen import open_history
from test_settings_screen import open_settings

LEDGER_READS = ("get", "by_ref", "ref_fingerprint", "last_for", "in_state", "unsettled_cost", "anomaly_orders",
                "history", "totals", "grouped", "events", "cards", "last_event", "in_flight", "sent_since",
                "ledger_anomalies", "batch_orders", "get_batch", "list_batches", "load_draft", "last_balance",
                "anchor_problem", "next_attempt")
CATALOG_READS = ("columns", "product", "product_by_sku", "count", "version", "price_points", "price_history",
                 "own_count", "delivery_samples", "own_sales")
LEDGER_WRITES = ("accept_restore",)
TUI = str(Path("kameng_tui", "tui"))
BY_DESIGN = (str(Path("services", "engine.py")), str(Path("services", "batch.py")), str(Path("services", "reconcile.py")))
"""Reads made here are not a screen's and are left as they are: the order path's
services, which the CLI shares: the engine's send, a batch's send_pending and
reconcile's settle record and read each state change on the event loop, between their
awaits on the supplier (moving them is a change of the order engine, not of a screen)."""


class UiThreadReads:
    """Wraps the reads of the ledger and the catalog cache on their instances (every
    service holds these two objects), the data key's status (a keyring may take seconds)
    and the local clipboard tool. `found`: the reads made on the UI thread from our
    TUI code while `on`."""

    def __init__(self, monkeypatch, ctx) -> None:
        self.found: list[str] = []
        self.on = False
        self.slow = 0.0
        """Seconds a product's read from the catalog cache takes off the UI thread while
        `on` (a slow disk): a key pressed meanwhile finds nothing loaded yet."""
        for store, names in ((ctx.ledger, LEDGER_READS + LEDGER_WRITES), (ctx.catalog.cache, CATALOG_READS)):
            for name in names:
                monkeypatch.setattr(store, name, self._wrap(name, getattr(store, name)))
        monkeypatch.setattr(ctx.data_key, "status", self._wrap("data_key.status", ctx.data_key.status))
        from kameng_tui.tui import clipboard                 # the local tool: a subprocess, up to 2 s

        monkeypatch.setattr(clipboard, "copy_local", self._wrap("copy_local", clipboard.copy_local))

    def _wrap(self, name: str, real):
        def guarded(*args, **kw):
            if self.on and threading.current_thread() is threading.main_thread():
                frame, ours = sys._getframe(1), None
                while frame is not None:
                    where = frame.f_code.co_filename
                    if any(part in where for part in BY_DESIGN):
                        ours = None
                        break
                    if TUI in where and ours is None:
                        ours = f"{name} from {Path(where).name}:{frame.f_lineno} {frame.f_code.co_name}"
                    frame = frame.f_back
                if ours is not None:
                    self.found.append(ours)
            elif self.on and self.slow and name == "product":
                time.sleep(self.slow)
            return real(*args, **kw)
        return guarded

    def check(self) -> None:
        assert self.found == [], "\n".join(self.found)


@pytest.fixture
def ui_reads(monkeypatch):
    return lambda ctx: UiThreadReads(monkeypatch, ctx)


def shown(app) -> str:
    return "\n".join(screen_lines(app))


def cards_text(screen, wid: str) -> str:
    return str(screen.query_one(wid, Static).render())


async def test_a_card_order_its_reveal_and_copy_read_nothing_on_the_ui_thread(make_app, ui_reads):
    app = make_app()
    reads = ui_reads(app.root)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        reads.on = True
        screen = await open_checkout(app, pilot, "qqb kami 10")
        assert screen.product.delivery is Delivery.CARD
        await type_text(pilot, "13800138000")
        await pilot.press("enter")                       # placed: the runner and the App's news
        await settle(app, pilot)
        assert "****" in cards_text(screen, "#cards")
        await pilot.press("r")                           # the checkout's result: revealed
        await settle(app, pilot)
        revealed = cards_text(screen, "#cards")
        assert "****" not in revealed and revealed.strip()
        await pilot.press("y")
        await settle(app, pilot)
        assert app.clipboard and app.clipboard.split()[0] in revealed
        app.copy_to_clipboard("")
        await pilot.press("escape")
        history = await open_history(app, pilot)         # the history's detail: revealed and copied
        assert isinstance(history, HistoryScreen) and "****" in shown(app)
        await pilot.press("r")
        await settle(app, pilot)
        assert app.clipboard == "" and revealed.split()[1] in shown(app)
        await pilot.press("y")
        await settle(app, pilot)
        assert app.clipboard and app.clipboard.split()[0] in revealed
        reads.on = False
    reads.check()


async def test_the_next_history_page_and_reorder_read_nothing_on_the_ui_thread(make_app, ui_reads):
    app = make_app()
    ctx = app.root
    prepared = await ctx.checkout.prepare(OrderInput(sku="demo:HF-CM-10", fields={"account": "13900139000"}))
    ctx.ledger.create_intents([ctx.checkout.new_intent(prepared) for _ in range(130)], at=ctx.clock.now())
    reads = ui_reads(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = await open_history(app, pilot)
        orders = screen.query_one(OrderList)
        assert len(orders.orders) == 100 and orders.total == 130
        reads.on = True
        await pilot.press("end")                        # near the end of the page: the next one comes
        await settle(app, pilot)
        assert len(orders.orders) == 130 and len({o.order_no for o in orders.orders}) == 130
        await pilot.press("a")                          # 再来一单 from the history
        await settle(app, pilot)
        assert isinstance(app.screen, CheckoutScreen)
        assert app.screen.query_one("#f-account", Input).value == "13900139000"
        reads.on = False
    reads.check()


async def test_the_catalogs_detail_pane_and_reorder_read_nothing_on_the_ui_thread(make_app, ui_reads):
    app = make_app()
    ctx = app.root
    await ctx.checkout.place(OrderInput(sku="demo:HF-CM-10", fields={"account": "13800138000"}), wait_s=5)
    reads = ui_reads(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("slash")
        await type_text(pilot, "yidong huafei 10")
        await pilot.press("enter")
        await settle(app, pilot)
        reads.on = True
        await pilot.press("down", "up")                 # the detail pane follows the cursor
        await settle(app, pilot)
        assert "HF-CM-10" in shown(app)
        await pilot.press("a")                          # 再来一单: the last order of the product
        await settle(app, pilot)
        assert isinstance(app.screen, CheckoutScreen) and app.screen.again is not None
        assert app.screen.query_one("#f-account", Input).value == "13800138000"
        reads.on = False
    reads.check()


async def test_typing_skus_into_the_batch_grid_reads_nothing_on_the_ui_thread(make_app, ui_reads):
    app = make_app()
    reads = ui_reads(app.root)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_batch(app, pilot)
        app.root.catalog.invalidate()                   # as after a sync: products not loaded yet
        await settle(app, pilot)
        reads.on = True
        await type_text(pilot, "dianxin huafei 50")     # suggestions as the product is typed
        await settle(app, pilot)
        assert screen.grid.suggestions and "电信话费50元" in screen.grid.suggestions[0][1]
        await pilot.press("tab")                        # the first suggestion taken: its SKU checked
        await type_text(pilot, "13300133001")
        await pilot.press("enter")
        await settle(app, pilot)
        assert screen.grid.rows[0].get("sku") == "demo:HF-DX-50"
        assert screen.checked.bad == [] and len(screen.checked.good) == 1
        await pilot.press("f5")                         # run: the batch runner's own reads too
        await pilot.pause()
        await confirm_and_finish(app, pilot)
        assert "成功 1" in "\n".join(screen_lines(app))
        reads.on = False
    reads.check()


async def test_the_start_the_catalogs_rows_and_enter_read_nothing_on_the_ui_thread(make_app, ui_reads):
    app = make_app()
    reads = ui_reads(app.root)
    reads.on = True                                     # from the start: the anchor, the data key
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.data_key_status is not None and "王者荣耀" in shown(app)
        await pilot.press("slash")
        await type_text(pilot, "dianxin huafei")        # rows not drawn yet, drawn as typed
        await pilot.press("enter")
        await settle(app, pilot)
        assert "电信话费" in shown(app)
        await pilot.press("end")                        # the last rows: drawn for the first time
        await settle(app, pilot)
        await pilot.press("enter")                      # its checkout, on the product as shown
        await settle(app, pilot)
        assert isinstance(app.screen, CheckoutScreen) and "电信话费" in app.screen.product.name
        reads.on = False
    reads.check()


async def test_the_restore_accepted_and_the_data_key_dialog_read_nothing_on_the_ui_thread(make_app, ui_reads,
                                                                                          tui_home):
    from kameng_tui.tui.screens.data_key import DataKeyScreen

    app = make_app()
    (tui_home / "data" / "ledger.head").unlink()           # the anchor deleted: writes refused
    reads = ui_reads(app.root)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.refused is not None
        app.ctx.ledger_status.accept_restore("deleted by mistake")
        reads.on = True
        app.ledger_accepted()                          # the anchor read again
        await settle(app, pilot)
        assert app.refused is None
        app.data_key_status = None                     # not known yet: the dialog asks first
        app.open_data_key()
        await settle(app, pilot)
        assert isinstance(app.screen, DataKeyScreen)
        await pilot.press("escape")
        app.refresh_data_key(now=True)                 # as after the key file is made
        await settle(app, pilot)
        assert app.data_key_status is not None
        reads.on = False
    reads.check()


async def test_a_batch_rows_choices_read_nothing_on_the_ui_thread(make_app, ui_reads):
    from kameng_tui.tui.screens.batch_dialogs import PickScreen
    from test_batch_screen import paste

    app = make_app()
    reads = ui_reads(app.root)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_batch(app, pilot)
        app.root.catalog.invalidate()                   # as after a sync: products not loaded yet
        await settle(app, pilot)
        reads.on = True
        await paste(app, pilot, "demo:GM-WZRY-30-D 123456\ndemo:HF-CM-10 13800138000\n")
        screen.grid.move(0, 1)
        await settle(app, pilot)
        assert "1: ctrl+o 选择大区" in shown(app)
        await pilot.press("ctrl+o")
        await settle(app, pilot)
        assert isinstance(app.screen, PickScreen)
        reads.on = False
    reads.check()


async def test_a_failure_learned_later_and_its_reorder_from_the_next_offer_read_nothing_on_the_ui_thread(
        make_app, ui_reads, tmp_path):
    """Two reference servers (tests/tui/test_history_next_offer.py): refa fails the order
    after it was placed, reconcile learns it; then the app's notice and History's `n`."""
    import asyncio

    from kameng_tui.tui.screens.confirm import ConfirmScreen
    from test_history_next_offer import SECRETS, SETTLE_S, config, failing_order, select, start_refs

    servers = start_refs(tmp_path)
    try:
        app = make_app(config(servers), **SECRETS)
        no = await failing_order(app, "13800138009")
        await asyncio.sleep(SETTLE_S + 0.1)
        await app.root.reconcile.run()
        assert app.root.ledger.get(no).state.value == "failed"
        reads = ui_reads(app.root)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            reads.on = True
            app.reorder_news.learned([no])                  # as the change feed hands it over
            await settle(app, pilot)
            await pilot.press("3")
            await settle(app, pilot)
            await select(app, pilot, no)
            await pilot.press("n")
            await settle(app, pilot)
            assert isinstance(app.screen, ConfirmScreen)
            await pilot.press("y")
            await settle(app, pilot)
            reads.on = False
        assert app.root.ledger.next_attempt(no) is not None
        reads.check()
    finally:
        for server in servers:
            server.stop()
async def test_enter_and_a_before_the_rows_product_is_loaded_read_nothing_on_the_ui_thread(make_app, ui_reads):
    app = make_app()
    ctx = app.root
    reads = ui_reads(ctx)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("slash")
        await type_text(pilot, "yidong huafei")
        await pilot.press("enter")
        await settle(app, pilot)
        table = app.screen.query_one(ProductTable)
        assert table.cursor == 0 and table.row_count() > 3
        third, fourth = table.sku(2), table.sku(3)
        await ctx.checkout.place(OrderInput(sku=third, fields={"account": "13800138000"}), wait_s=5)
        await settle(app, pilot)
        reads.on, reads.slow = True, 0.3                # the disk is slow: nothing loaded when the key comes
        await pilot.press("down", "down", "a")          # 再来一单 at once on the row just reached
        await settle(app, pilot)
        assert isinstance(app.screen, CheckoutScreen) and app.screen.product.sku == third
        assert app.screen.again is not None and app.screen.query_one("#f-account", Input).value == "13800138000"
        await pilot.press("escape")
        await settle(app, pilot)
        await pilot.press("down", "enter")              # Enter at once on the next row
        await settle(app, pilot)
        assert isinstance(app.screen, CheckoutScreen) and app.screen.product.sku == fourth
        assert app.screen.again is None
        reads.on = False
    reads.check()


async def test_the_offers_of_a_product_of_several_suppliers_are_read_off_the_ui_thread(make_app, refs,  # noqa: F811
                                                                                     ui_reads):
    app = await three_suppliers(make_app, refs, "zh")
    reads = ui_reads(app.root)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        app.screen.query_one("#search", Input).value = "移动话费100"
        await settle(app, pilot)
        table = app.screen.query_one(ProductTable)
        several = next(i for i in range(table.row_count()) if table.index.offer_counts[table.position(i)] > 1)
        reads.on = True
        table.move_cursor(several)                      # the detail pane lists every offer
        await settle(app, pilot)
        text = shown(app)
        assert "refa" in text and "refb" in text, text
        reads.on = False
    reads.check()


async def test_the_restore_accepted_in_settings_is_written_off_the_ui_thread(make_app, ui_reads, tui_home):
    from kameng_tui.tui.screens.settings import SECTIONS

    app = make_app(config_toml='[general]\nlanguage = "en"\n')
    (tui_home / "data" / "ledger.head").unlink()           # the anchor deleted: writes refused
    reads = ui_reads(app.root)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.refused is not None
        screen = await open_settings(app, pilot, SECTIONS.index("ledger"))
        screen.focus_section()
        await pilot.pause()
        reads.on = True
        await type_text(pilot, "deleted by mistake")
        await pilot.press("enter")
        await settle(app, pilot)
        text = shown(app)
        assert app.refused is None and "Restore accepted" in text, text
        assert app.screen.query_one("#restore-reason", Input).value == ""
        reads.on = False
    reads.check()
