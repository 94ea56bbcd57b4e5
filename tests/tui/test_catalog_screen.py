"""The catalog screen: search as you type, facets, sort, Esc, price range, detail."""

from __future__ import annotations

from textual.widgets import Input, Static

from kameng_tui.tui.screens.catalog import CatalogScreen
from kameng_tui.tui.widgets.detail_pane import DetailPane
from kameng_tui.tui.widgets.filter_pane import FilterPane
from kameng_tui.tui.widgets.product_table import ProductTable

from conftest import SIZE, screen_lines, settle, type_text


def table_names(table: ProductTable, n: int = 5) -> list[str]:
    return [table.product(i).name for i in range(min(n, table.row_count()))]


async def choose(pilot, pane: FilterPane, kind: str, value: str) -> int:
    """Pick a filter-pane entry from the keyboard; returns the count it showed."""
    row = next(i for i, e in enumerate(pane.entries) if e.kind == kind and e.value == value)
    count = pane.entries[row].count
    await pilot.press("f")
    pane.move_cursor(row)
    await pilot.press("enter")
    return count


def screen_text(widget) -> str:
    return "\n".join(widget.render_line(y).text for y in range(widget.size.height))


async def test_typing_pinyin_refilters_on_every_key(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, CatalogScreen)
        table = app.screen.query_one(ProductTable)
        everything = table.row_count()
        assert everything == 2000
        await pilot.press("slash", "w")
        after_w = table.row_count()
        await type_text(pilot, "zry")
        assert 0 < table.row_count() < after_w < everything
        assert all("王者荣耀" in name for name in table_names(table, 50))
        assert "王者荣耀" in screen_text(table)              # the rows are on screen, not only in memory
        summary = str(app.screen.query_one("#summary", Static).render())
        assert f"{table.row_count()} 个商品" in summary


async def test_only_visible_rows_are_rendered(make_app):
    """100% of rows reachable through the cursor, but no widget per row."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(ProductTable)
        assert len(list(table.children)) == 0
        await pilot.press("end")
        assert table.cursor == table.row_count() - 1
        last = table.index.names[table.position()]
        assert last[:12] in screen_text(table)


async def test_facet_toggle_filters_and_counts(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("slash", *"huafei", "enter")
        pane = app.screen.query_one(FilterPane)
        table = app.screen.query_one(ProductTable)
        count = await choose(pilot, pane, "value", "移动")
        assert table.row_count() == count
        assert all("移动" in n for n in table_names(table, count))
        entry = next(e for e in pane.entries if e.value == "移动")
        assert entry.on
        # the other carriers keep their counts (as if toggled), so they can be added
        assert next(e for e in pane.entries if e.value == "联通").count > 0
        await pilot.press("escape")                       # clear filters
        assert table.row_count() == 2000
        assert app.screen.query_one("#search", Input).value == ""


async def test_category_drill_down(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        pane = app.screen.query_one(FilterPane)
        count = await choose(pilot, pane, "category", "游戏")
        table = app.screen.query_one(ProductTable)
        assert table.row_count() == count
        assert all(table.product(i).category[0] == "游戏" for i in range(table.row_count()))
        assert any(e.kind == "category" and e.depth == 1 for e in pane.entries)     # children shown


async def test_sort_by_price(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("s")                            # default -> price
        table = app.screen.query_one(ProductTable)
        costs = [table.product(i).unit_cost for i in range(30)]
        assert costs == sorted(costs)
        await pilot.press("S")
        costs = [table.product(i).unit_cost for i in range(30)]
        assert costs == sorted(costs, reverse=True)
        assert "价格" in str(app.screen.query_one("#summary", Static).render())


async def test_bad_price_range_says_so_and_changes_nothing(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(ProductTable)
        app.screen.query_one("#price-min", Input).value = "1.2.3"
        await pilot.pause()
        assert "数字" in str(app.screen.query_one("#price-error", Static).render())
        assert table.row_count() == 2000
        app.screen.query_one("#price-min", Input).value = "100"
        await pilot.pause()
        assert str(app.screen.query_one("#price-error", Static).render()) == ""
        assert 0 < table.row_count() < 2000
        assert all(table.product(i).unit_cost >= 100 for i in range(table.row_count()))


async def test_detail_pane_explains_badges_and_fields(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("slash", *"wzry", "enter")
        await settle(app, pilot)
        table = app.screen.query_one(ProductTable)
        product = table.product()
        text = plain(app.screen.query_one(DetailPane).build(app.ctx.catalog.detail(product.sku)))
        assert product.name in text and product.sku in text
        assert "热销TOP" in text and "排名" in text           # the badge and why it was earned
        assert "下单需要" in text                              # the account fields
        assert "价格未变动过" in text                          # no invented price history
        assert any(product.name in line for line in screen_lines(app))


def plain(renderable, width: int = 60) -> str:
    from rich.console import Console

    console = Console(width=width, record=True, file=open("/dev/null", "w"))
    console.print(renderable)
    return console.export_text()


async def test_a_new_theme_repaints_the_rows_drawn_before(make_app):
    """The list keeps drawn rows and its own style between frames; a theme picked from
    the command palette must still reach rows already drawn."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(ProductTable)

        def backgrounds() -> set[str]:
            return {str(seg.style.bgcolor) for y in range(2, 8) for seg in table.render_line(y) if seg.style}

        before = backgrounds()
        app.theme = "textual-light" if app.theme != "textual-light" else "nord"
        await settle(app, pilot)
        after = backgrounds()
        assert after and after != before
        await pilot.press("slash", *"zzqqxx")                 # an empty result: its message in the list
        await settle(app, pilot)
        assert table.row_count() == 0 and "没有匹配的商品" in table.render_line(1).text
        app.theme = "nord" if app.theme == "textual-light" else "textual-light"
        await settle(app, pilot)
        line = {str(seg.style.bgcolor) for seg in table.render_line(1) if seg.style}
        blank = {str(seg.style.bgcolor) for seg in table.render_line(8) if seg.style}
        assert line == blank                                  # the message in the new theme too
