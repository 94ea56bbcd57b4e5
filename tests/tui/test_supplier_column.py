"""Several suppliers in the catalog (issue 15, point 5): rows of the same product say
whose they are in a narrow column at 120 columns, which folds first at 80 (the name
and the price keep the width). Beside a real supplier the demo's products and orders
read 演示 at any width, and the history totals leave demo orders out, saying so;
with the demo alone nothing is marked."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from textual.widgets import Input

from kameng_tui.tui.screens.history import HistoryScreen
from kameng_tui.tui.widgets.product_table import NAME_MIN, ProductTable

from conftest import screen_lines, settle

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "http"))
from refkit import KEY_ID, SECRET, start_server  # noqa: E402

SMALL, LARGE = (80, 24), (120, 40)
TWO_DEMOS = '[[suppliers]]\nname = "demo"\nkind = "demo"\n\n[[suppliers]]\nname = "shop"\nkind = "demo"\n'
HEADER = {"zh": "来源", "en": "From"}
MARK = {"zh": "演示", "en": "Demo"}


@pytest.fixture
def ref(tmp_path):
    server = start_server(tmp_path / "ref", "--catalog-size", "60")
    yield server
    server.stop()


def demo_and_ref(url: str) -> str:
    return (f'[[suppliers]]\nname = "demo"\nkind = "demo"\n\n[[suppliers]]\nname = "ref"\nkind = "http"\n'
            f'base_url = "{url}"\nkey_id = "{KEY_ID}"\n')


async def search(app, pilot, text: str) -> None:
    app.screen.query_one("#search", Input).value = text
    await settle(app, pilot)


def table_lines(app) -> tuple[str, list[tuple[str, str]]]:
    """The header line and (supplier, line) for each visible row."""
    table = app.screen.query_one(ProductTable)
    lines = screen_lines(app)
    region = table.region
    rows = []
    for y in range(1, region.height):
        row = table.scroll_offset.y + y - 1
        if row >= table.row_count():
            break
        rows.append((table.product(row).supplier, lines[region.y + y][region.x:region.right]))
    return lines[region.y][region.x:region.right], rows


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_two_suppliers_show_a_column_at_120_that_folds_at_80(make_app, lang):
    app = make_app(f'[general]\nlanguage = "{lang}"\n\n' + TWO_DEMOS)
    await app.root.catalog.sync("shop")
    async with app.run_test(size=LARGE) as pilot:
        await settle(app, pilot)
        await search(app, pilot, "移动话费100")
        header, rows = table_lines(app)
        assert HEADER[lang] in header, header
        # Issue 18: the same goods of both suppliers are one row, with the supplier of its chosen offer
        assert rows and {s for s, _ in rows} <= {"demo", "shop"}
        for supplier, line in rows:
            assert f" {supplier} " in line and "100" in line, line
        assert not any(MARK[lang] in line for line in screen_lines(app))      # two demos: nothing real to guard
        await pilot.resize_terminal(*SMALL)
        await settle(app, pilot)
        header, rows = table_lines(app)
        assert HEADER[lang] not in header, header
        assert rows and not any(" shop " in line or " demo " in line for _, line in rows)
        table = app.screen.query_one(ProductTable)
        cols, name_w = table._columns(table.region.width)
        assert "supplier" not in cols and name_w >= NAME_MIN               # the name keeps its width


async def test_one_supplier_has_no_column(make_app):
    app = make_app()
    async with app.run_test(size=LARGE) as pilot:
        await settle(app, pilot)
        header, rows = table_lines(app)
        assert "来源" not in header and rows and not any(" demo " in line for _, line in rows)


@pytest.mark.parametrize("size", [SMALL, LARGE])
async def test_demo_beside_a_real_supplier_reads_demo_and_leaves_the_totals(make_app, ref, size):
    app = make_app(demo_and_ref(ref.url), KAMENG_TUI_SECRET_REF=SECRET)
    ctx = app.root
    await ctx.catalog.sync("ref")
    from kameng_tui.services.checkout import OrderInput

    demo_order = (await ctx.checkout.place(OrderInput(sku="demo:HF-CM-10", fields={"account": "13800138000"}),
                                           wait_s=5)).order
    real_order = (await ctx.checkout.place(OrderInput(sku="ref:HF-CM-10", fields={"account": "13800138001"}),
                                           wait_s=5)).order
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await search(app, pilot, "移动话费100")
        _, rows = table_lines(app)
        assert {s for s, _ in rows} == {"demo", "ref"}          # the demo beside a real supplier: rows apart
        for supplier, line in rows:
            assert ("演示" in line) == (supplier == "demo"), line
        await pilot.press("3")
        await settle(app, pilot)
        assert isinstance(app.screen, HistoryScreen)
        text = "\n".join(screen_lines(app))
        assert "不含演示订单 1 笔" in text, text
        assert f"1 单   营收 {real_order.total_price:.2f}" in text, text
        marked = [line for line in screen_lines(app) if "演示" in line and "话费" in line]
        assert len(marked) == 1, text
    assert demo_order.supplier == "demo"


async def test_demo_detail_and_checkout_read_demo_beside_a_real_supplier(make_app, ref):
    app = make_app('[general]\nlanguage = "en"\n\n' + demo_and_ref(ref.url), KAMENG_TUI_SECRET_REF=SECRET)
    await app.root.catalog.sync("ref")
    async with app.run_test(size=LARGE) as pilot:
        await settle(app, pilot)
        await search(app, pilot, "移动话费100")
        table = app.screen.query_one(ProductTable)
        for row in range(table.row_count()):
            table.move_cursor(row)
            await settle(app, pilot)
            detail = "\n".join(line[-32:] for line in screen_lines(app))
            assert ("Demo" in detail) == (table.product(row).supplier == "demo"), detail
            await pilot.press("o")
            await settle(app, pilot)
            title = next(line for line in screen_lines(app) if "话费100元" in line and "Order" in line)
            assert ("Demo" in title) == (table.product(row).supplier == "demo"), title
            await pilot.press("escape")
            await settle(app, pilot)
