"""Ordering a product row of several offers in the TUI (issue 18, "Choice"): the embedded
demo and two reference servers as real processes; refa is cheaper and holds one of
each, refb 1% dearer. `o` on the product row orders through the offer policy: the
cheapest offer first; once refa sold its one (the catalog synced before still says 1),
the same row goes to refb before anything is recorded, and the history's detail pane
says which offer each order used and why."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from textual.widgets import Input

from kameng_tui.domain.history import HistoryFilter
from kameng_tui.tui.history_reads import read_detail
from kameng_tui.tui.screens.checkout import CheckoutScreen
from kameng_tui.tui.text import Texts
from kameng_tui.tui.widgets.order_detail import detail_lines
from kameng_tui.tui.widgets.product_table import ProductTable

from conftest import SIZE, screen_lines, settle, type_text

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "http"))
from refkit import KEY_ID, SECRET, start_server  # noqa: E402


@pytest.fixture(scope="module")
def refs(tmp_path_factory):
    root = tmp_path_factory.mktemp("tui-offers")
    servers = [start_server(root / "a", "--catalog-size", "60", "--catalog-style", "reworded", faults="stock=1"),
               start_server(root / "b", "--catalog-size", "60", "--catalog-style", "names", faults="cost_rise=0.01")]
    yield servers
    for server in servers:
        server.stop()


def config(refs) -> str:
    lines = ['[[suppliers]]', 'name = "demo"', 'kind = "demo"', ""]
    for name, server in zip(("refa", "refb"), refs):
        lines += ["[[suppliers]]", f'name = "{name}"', 'kind = "http"', f'base_url = "{server.url}"',
                  f'key_id = "{KEY_ID}"', ""]
    return "\n".join(lines)


async def order_row(app, pilot, product_id: str, search: str, account: str) -> CheckoutScreen:
    """`o` on the product's row, the account typed, the first region picked, Enter."""
    app.screen.query_one("#search", Input).value = search
    await settle(app, pilot)
    table = app.screen.query_one(ProductTable)
    skus = set(app.root.offers.match().offers[product_id])
    for i in range(table.row_count()):
        table.move_cursor(i)
        sku = table.sku()
        if sku is not None and sku in skus and not sku.startswith("demo:"):
            break
    else:
        raise AssertionError(f"no row of {product_id}")
    await pilot.press("o")
    await settle(app, pilot)
    screen = app.screen
    assert isinstance(screen, CheckoutScreen)
    await type_text(pilot, account)
    await pilot.press("enter", "enter", "down", "enter")       # the region picker: its first entry
    await pilot.press("enter")
    await settle(app, pilot)
    return screen


async def test_a_product_row_is_ordered_through_the_policy_and_history_says_which_offer_and_why(make_app, refs):
    app = make_app(config(refs), KAMENG_TUI_SECRET_REFA=SECRET, KAMENG_TUI_SECRET_REFB=SECRET,
                   KAMENG_TUI_DEMO_SIZE="60")
    await app.root.catalog.sync()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        first = await order_row(app, pilot, "WZRY-30-ZC", "王者荣耀 300点券", "123456789")
        assert first.order_no is not None
        await pilot.press("escape")
        await settle(app, pilot)
        second = await order_row(app, pilot, "WZRY-30-ZC", "王者荣耀 300点券", "987654321")
        assert second.order_no is not None
    got = {o.order_no: o for o in app.root.ledger.history(HistoryFilter(), limit=10).items}
    assert got[first.order_no].supplier == "refa" and got[second.order_no].supplier == "refb"
    text = "\n".join(line.plain for line in detail_lines(read_detail(app.ctx, got[second.order_no], False),
                                                          Texts("zh"), "zh", "Asia/Shanghai"))
    assert "报价：选 refb:10000026" in text and "更便宜的 refa:R000026" in text and "缺货" in text, text
    en = "\n".join(line.plain for line in detail_lines(read_detail(app.ctx, got[first.order_no], False),
                                                        Texts("en"), "en", "Asia/Shanghai"))
    assert "Offer: refa:R000026 at 27.1512 yuan: the cheapest" in en, en


async def test_the_batch_confirmation_shows_the_split_per_supplier(make_app, refs):
    """Two lines of a product: refa holds one, so the split is a line each, as `batch run`
    prints it; the question says so before anything is recorded."""
    from kameng_tui.tui.screens.batch import BatchScreen
    from kameng_tui.tui.screens.confirm import ConfirmScreen
    from textual import events

    app = make_app(config(refs), KAMENG_TUI_SECRET_REFA=SECRET, KAMENG_TUI_SECRET_REFB=SECRET,
                   KAMENG_TUI_DEMO_SIZE="60")
    await app.root.catalog.sync()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("f3")
        await settle(app, pilot)
        assert isinstance(app.screen, BatchScreen)
        app.screen.grid.post_message(events.Paste("@HF-CM-10-ZC\t13800138000\t1\n@HF-CM-10-ZC\t13800138001\t1\n"))
        await settle(app, pilot)
        await pilot.press("f5")
        for _ in range(200):                       # the run checks each line off the UI thread first
            if isinstance(app.screen, ConfirmScreen):
                break
            await pilot.pause(0.05)
        assert isinstance(app.screen, ConfirmScreen)
        question = "\n".join(screen_lines(app))
        assert "refa：1 行，成本" in question and "refb：1 行，成本" in question, question
        await pilot.press("n")
        await pilot.pause()
    assert not app.root.ledger.history(HistoryFilter(), limit=5).items
