"""The catalog and the app frame at 80x24 and 120x40 (issue 15, point 4): the panes fold
below 100 columns (`f`, `i`), long names keep the words that tell products apart, a
terminal below 80x24 is told so, the footer never shows half a label."""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime, timezone
from decimal import Decimal

import pytest
from rich.cells import cell_len
from textual.widgets import Footer, Input

from kameng_tui.tui.screens.catalog import CatalogScreen
from kameng_tui.tui.screens.help import HelpScreen
from kameng_tui.tui.widgets.detail_pane import DetailPane
from kameng_tui.tui.widgets.filter_pane import FilterPane
from kameng_tui.tui.widgets.product_table import ProductTable

from conftest import screen_lines, settle

SMALL, LARGE = (80, 24), (120, 40)
TV = "腾讯视频VIP会员 官方直充 自动到账 全国通用 "
WZ = "王者荣耀点券 官方直充 秒到到账 全区全服 "
JD = "京东E卡 电子卡 全国通用 可叠加 "
IQ = "爱奇艺黄金会员 官方授权 自动发货 "
SOLID = "腾讯视频VIP会员官方直充自动到账全国通用"
# name -> the token that tells it from its neighbours (its last word)
LONG_NAMES = {TV + "月卡": "月卡", TV + "季卡": "季卡", TV + "年卡": "年卡",
              WZ + "10元": "10元", WZ + "100元": "100元",
              JD + "卡密": "卡密", JD + "直充": "直充",
              IQ + "PLUS": "PLUS", IQ + "普通": "普通",
              SOLID + "月卡": "月卡", SOLID + "年卡": "年卡"}


def long_name_catalog(app) -> None:
    """Replace the synced demo catalog by products whose names differ only at the end
    (one of them sold out)."""
    ctx = app.root
    template = ctx.catalog.product("demo:HF-CM-10")
    products = []
    for i, name in enumerate(LONG_NAMES):
        products.append(dataclasses.replace(template, sku=f"demo:LONG-{i:02d}", product_id=f"LONG-{i:02d}", name=name,
                                            stock=0 if i == 0 else 500, unit_cost=Decimal("1058.5") + i,
                                            face_value=Decimal("1100") + i, stock_alarm=False, sales_rank=None))
    ctx.catalog_cache.remove_supplier("demo")
    ctx.catalog_cache.upsert(products, [p.name for p in products], at=datetime(2026, 11, 25, tzinfo=timezone.utc))
    ctx.catalog.invalidate()


def shown(widget) -> bool:
    return widget.display and widget.region.width > 0


def row_lines(app) -> list[tuple[str, str]]:
    """(product name, the row as the screen shows it) for each visible row of the table."""
    table = app.screen.query_one(ProductTable)
    lines = screen_lines(app)
    region = table.region
    out = []
    for y in range(1, region.height):
        row = table.scroll_offset.y + y - 1
        if row >= table.row_count():
            break
        out.append((table.product(row).name, lines[region.y + y][region.x:region.right]))
    return out


@pytest.mark.parametrize("size", [SMALL, LARGE])
@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_every_visible_row_keeps_its_distinguishing_token(make_app, size, lang):
    app = make_app(f'[general]\nlanguage = "{lang}"\n')
    long_name_catalog(app)
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        rows = row_lines(app)
        assert len(rows) == len(LONG_NAMES)
        for name, line in rows:
            assert LONG_NAMES[name] in line, (name, line)
        assert any(".." in line for _, line in rows)                 # names were cut, and marked
        assert not any("\u2026" in line for line in screen_lines(app))
        # the name and the price get the width: a cut name keeps at least its first word's start
        for name, line in rows:
            assert name[:4] in line, (name, line)


async def test_panes_fold_below_100_columns_and_f_i_toggle_them(make_app):
    app = make_app()
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        screen = app.screen
        filters, detail = screen.query_one("#filters-column"), screen.query_one("#detail-column")
        table = screen.query_one(ProductTable)
        assert not shown(filters) and not shown(detail)
        assert table.region.width >= 78                                # the list gets the width
        await pilot.press("i")
        await pilot.pause()
        assert shown(detail) and not shown(filters)
        await pilot.press("i")
        await pilot.pause()
        assert not shown(detail)
        await pilot.press("f")
        await pilot.pause()
        assert shown(filters) and isinstance(app.focused, FilterPane)   # shown, and there to use
        await pilot.press("f")
        await pilot.pause()
        assert not shown(filters) and app.focused is table


async def test_panes_show_at_120_columns_and_can_be_hidden(make_app):
    app = make_app()
    async with app.run_test(size=LARGE) as pilot:
        await settle(app, pilot)
        screen = app.screen
        filters, detail = screen.query_one("#filters-column"), screen.query_one("#detail-column")
        assert shown(filters) and shown(detail)
        wide = screen.query_one(ProductTable).region.width
        await pilot.press("i")
        await pilot.pause()
        assert not shown(detail) and screen.query_one(ProductTable).region.width > wide
        await pilot.press("f")                      # focus the filters (they are showing)
        await pilot.pause()
        assert isinstance(app.focused, FilterPane)
        await pilot.press("f")                      # and again: fold them
        await pilot.pause()
        assert not shown(filters)
        await pilot.press("i", "f")
        await pilot.pause()
        assert shown(detail) and shown(filters)


async def test_resizing_across_100_columns_folds_and_unfolds(make_app):
    app = make_app()
    async with app.run_test(size=LARGE) as pilot:
        await settle(app, pilot)
        await pilot.resize_terminal(*SMALL)
        await pilot.pause()
        assert not shown(app.screen.query_one("#detail-column"))
        await pilot.resize_terminal(*LARGE)
        await pilot.pause()
        assert shown(app.screen.query_one("#detail-column")) and shown(app.screen.query_one("#filters-column"))


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", [SMALL, LARGE])
async def test_help_lists_f_and_i_and_writes_keys_as_people_do(make_app, lang, size):
    app = make_app(f'[general]\nlanguage = "{lang}"\n')
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = "\n".join(screen_lines(app))
        keys = {line.split()[0] for line in screen_lines(app) if line.split()}
        assert "catalog.filters" in text and "catalog.detail" in text
        assert re.search(r"\bf\s+\S.*catalog\.filters", text) and re.search(r"\bi\s+\S.*catalog\.detail", text), text
        assert "slash" not in text and "question_mark" not in text
        assert re.search(r"/\s+\S.*catalog\.search", text), text
        if size == LARGE:                       # at 80x24 the app's keys are further down (it scrolls)
            assert re.search(r"\?, f1\s+\S.*app\.help", text, re.I), text
        assert keys


@pytest.mark.parametrize("lang,notice", [("zh", "终端太小：至少 80x24，当前 70x20"),
                                         ("en", "Terminal too small: at least 80x24, now 70x20")])
async def test_below_80x24_the_app_says_so_and_keeps_running(make_app, lang, notice):
    app = make_app(f'[general]\nlanguage = "{lang}"\n')
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        await pilot.resize_terminal(70, 20)
        await pilot.pause()
        assert notice in "\n".join(screen_lines(app))
        await pilot.resize_terminal(*SMALL)
        await pilot.pause()
        assert "80x24" not in "\n".join(screen_lines(app))
        assert isinstance(app.screen, CatalogScreen)
        table = app.screen.query_one(ProductTable)
        before = table.cursor
        await pilot.press("down")                  # it still answers keys
        assert table.cursor == before + 1


async def test_starting_small_shows_the_notice_with_the_size(make_app):
    app = make_app()
    async with app.run_test(size=(79, 30)) as pilot:
        await settle(app, pilot)
        assert "终端太小：至少 80x24，当前 79x30" in "\n".join(screen_lines(app))
        await pilot.press("3")                     # screen keys wait until the terminal is big enough
        await pilot.resize_terminal(*SMALL)
        await pilot.pause()
        assert isinstance(app.screen, CatalogScreen)


async def test_resizing_with_a_dialog_open_keeps_it(make_app):
    app = make_app()
    async with app.run_test(size=LARGE) as pilot:
        await settle(app, pilot)
        await pilot.press("slash", *"huafei", "enter", "o")
        await pilot.pause()
        dialog = app.screen
        await pilot.resize_terminal(70, 20)
        await pilot.pause()
        await pilot.resize_terminal(*SMALL)
        await pilot.pause()
        assert app.screen is dialog
        await pilot.press(*"138")
        assert isinstance(app.focused, Input) and app.focused.value.endswith("138")


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", [SMALL, LARGE])
async def test_the_footer_shows_whole_labels_only(make_app, lang, size):
    """Every key the footer shows is there with its whole label: no label is cut, no
    double-width character halved at the edge."""
    app = make_app(f'[general]\nlanguage = "{lang}"\n')
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        footer = app.screen.query_one(Footer)
        line = screen_lines(app)[footer.region.y]
        assert cell_len(line) == size[0]
        shown_keys = [k for k in footer.query("FooterKey") if k.display and k.region.width]
        cut = [k for k in footer.query("FooterKey") if k.region.width and k.region.right > size[0]]
        assert not cut, [k.description for k in cut]
        for k in shown_keys:
            assert k.description in line, (k.description, line)
        assert any(k.action == "help" for k in shown_keys if k.display), line     # the way to every other key


async def test_stock_zero_reads_sold_out(make_app):
    app = make_app()
    long_name_catalog(app)
    async with app.run_test(size=LARGE) as pilot:
        await settle(app, pilot)
        rows = row_lines(app)
        name, line = next((n, l) for n, l in rows if n == TV + "月卡")     # stock 0
        assert "缺货" in line and "紧张" not in line, line
        detail = "\n".join(screen_lines(app))
        assert "缺货" in detail and "库存紧张" not in detail and "库存仅剩 0" not in detail and "库存 0" not in detail


async def test_detail_pane_never_breaks_an_amount_or_before_a_bracket(make_app):
    app = make_app()
    long_name_catalog(app)
    async with app.run_test(size=LARGE) as pilot:
        await settle(app, pilot)
        pane = app.screen.query_one(DetailPane)
        lines = [pane.render_line(y).text.rstrip() for y in range(pane.size.height)]
        lines = [line for line in lines if line.strip()]
        assert any("元" in line for line in lines)
        for before, after in zip(lines, lines[1:]):
            head = after.lstrip()
            assert not (head[:1] in "元)）]】，。,." and head), (before, after)
            assert not (re.search(r"\d$", before) and head.startswith(("元", "%"))), (before, after)


async def test_header_balances_have_two_decimals(make_app):
    from kameng_tui.services.balances import BalanceView

    app = make_app()
    async with app.run_test(size=LARGE) as pilot:
        await settle(app, pilot)
        app.balances = {"demo": BalanceView("demo", Decimal("4321.5678"), None, True, Decimal(0), False)}
        app._render_status()
        await pilot.pause()
        top = screen_lines(app)[0]
        assert "4321.57" in top, top
        amounts = re.findall(r"余额 (\d+(?:\.\d+)?) 元", top)
        assert amounts, top
        assert all(re.fullmatch(r"\d+\.\d{2}", a) for a in amounts), top


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("key", ["2", "3", "4"])
async def test_every_screens_footer_shows_whole_labels_at_80(make_app, lang, key):
    """The app frame: the batch, history and settings footers too (no label cut at the
    edge or under the palette key)."""
    app = make_app(f'[general]\nlanguage = "{lang}"\n')
    async with app.run_test(size=SMALL) as pilot:
        await settle(app, pilot)
        await pilot.press(key)
        await settle(app, pilot)
        footer = app.screen.query_one(Footer)
        await pilot.pause()
        line = screen_lines(app)[footer.region.y]
        keys = [k for k in footer.query("FooterKey") if k.display and k.region.width]
        cut = [k.description for k in keys if k.region.right > SMALL[0]]
        assert not cut, (cut, line)
        palette = [k for k in keys if k.has_class("-command-palette")]
        under = [k.description for k in keys if palette and k not in palette and k.region.right > palette[0].region.x]
        assert not under, (under, line)
        for k in keys:
            assert k.description in line, (k.description, line)
