"""Issue 15.3, invisible filters: active filters are chips above the list, Backspace in an
empty search removes the last, `x` clears them all, a selected value stays in the pane
with count 0, and an empty result names the filters that hide the products."""

from __future__ import annotations

from textual.widgets import Input

from kameng_tui.tui.widgets.filter_pane import FilterPane
from kameng_tui.tui.widgets.product_table import ProductTable

from conftest import screen_lines, settle, type_text


async def pick(app, pilot, value: str) -> None:
    """Tick a facet value from the keyboard in the filter pane."""
    pane = app.screen.query_one(FilterPane)
    app.screen.set_focus(pane)
    await pilot.pause()
    row = next(i for i, e in enumerate(pane.entries) if e.kind == "value" and e.value == value)
    pane.move_cursor(row)
    await pilot.press("enter")
    await settle(app, pilot)


def chip_line(app) -> str:
    return str(app.screen.query_one("#chips").render())


def screen(app) -> str:
    return "\n".join(screen_lines(app))


async def test_a_search_that_hides_a_selected_value_keeps_it_and_says_why(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("slash", *"huafei")
        await pick(app, pilot, "联通")
        table = app.screen.query_one(ProductTable)
        assert table.row_count() > 0
        await pilot.press("slash")
        await type_text(pilot, " yidong")                   # 移动 only: no 联通 row is left
        await settle(app, pilot)
        assert table.row_count() == 0
        pane = app.screen.query_one(FilterPane)
        entry = next(e for e in pane.entries if e.kind == "value" and e.value == "联通")
        assert entry.on and entry.count == 0                   # still listed, still ticked
        text = screen(app)
        assert "[x] 联通" in text                               # on screen, not only in memory
        assert "运营商=联通" in text                            # the chip
        empty = table.empty_text                                 # said where the rows would be
        assert "没有匹配的商品" in empty and "运营商=联通" in empty     # names the filter that hides them
        assert "Backspace" in empty and "x 全部清除" in empty       # and the keys that undo it
        assert "没有匹配的商品" in text and "x 全部清除" in text
        assert str(app.screen.query_one("#summary").render()).startswith("0 个商品   排序")     # no "row 0"


async def test_chips_backspace_in_empty_search_and_x(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(ProductTable)
        assert chip_line(app).strip() == "筛选：无"
        await pilot.press("slash", *"huafei", "enter")
        await pick(app, pilot, "联通")
        await pick(app, pilot, "100元")
        narrowed = table.row_count()
        assert narrowed == 1
        line = chip_line(app)
        assert "运营商=联通" in line and "面值=100元" in line
        assert line.index("运营商=联通") < line.index("面值=100元")     # in the order they were added
        assert "面值=100元" in screen(app)
        # Backspace edits a search that has text ...
        await pilot.press("slash", "end", "backspace")          # (focus selects the text: End first)
        assert app.screen.query_one("#search", Input).value == "huafe"
        assert "面值=100元" in chip_line(app)
        for _ in range(5):
            await pilot.press("backspace")
        assert app.screen.query_one("#search", Input).value == ""
        await settle(app, pilot)
        # ... and in an empty search removes the last chip: the list grows
        before = table.row_count()
        await pilot.press("backspace")
        await settle(app, pilot)
        assert "面值=100元" not in chip_line(app) and "运营商=联通" in chip_line(app)
        assert table.row_count() > before
        pane = app.screen.query_one(FilterPane)
        assert not any(e.on for e in pane.entries if e.value == "100元")
        # x typed into the search is text, not "clear all"
        await pilot.press("x")
        assert app.screen.query_one("#search", Input).value == "x"
        assert "运营商=联通" in chip_line(app)
        await pilot.press("backspace", "enter")               # out of the field: x clears every filter
        await settle(app, pilot)
        assert app.screen.focused is table
        await pilot.press("x")
        await settle(app, pilot)
        assert "运营商=联通" not in screen(app)
        assert table.row_count() == 2000
        assert not any(e.on for e in pane.entries if e.kind == "value")


async def test_empty_result_in_english_names_the_filter(make_app):
    app = make_app('[general]\nlanguage = "en"\n')
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("slash", *"huafei")
        await pick(app, pilot, "联通")
        await pilot.press("slash")
        await type_text(pilot, " yidong")
        await settle(app, pilot)
        empty = app.screen.query_one(ProductTable).empty_text
        assert "No matching products" in empty and "Carrier=China Unicom" in empty and "Backspace" in empty
        assert "No matching products" in screen(app)


async def test_chips_stay_on_screen_at_80x24(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("slash", *"huafei", "enter")
        await pick(app, pilot, "联通")
        assert "运营商=联通" in screen(app)
        table = app.screen.query_one(ProductTable)
        assert table.size.height >= 5                        # the list keeps its room


async def test_the_filter_pane_cursor_starts_on_a_value(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        pane = app.screen.query_one(FilterPane)
        assert pane.entries[0].kind == "header"
        assert pane.entries[pane.cursor].kind != "header"
        app.screen.set_focus(pane)
        await pilot.pause()
        await pilot.press("up")                               # no climbing onto the header either
        assert pane.entries[pane.cursor].kind != "header"


def test_a_narrow_chip_line_keeps_the_newest_chip():
    """Too narrow for every chip: the key hint goes, then the oldest chips (counted), never
    the newest, which Backspace would take."""
    from kameng_tui.domain.catalog_query import Filter
    from kameng_tui.tui.text import Texts
    from kameng_tui.tui.widgets.filter_chips import chips_line

    from rich.cells import cell_len

    chips = (Filter("facet", "运营商", "联通"), Filter("facet", "面值", "100元"), Filter("price", "", "5-20"))
    wide = chips_line(chips, Texts("zh"), 120).plain
    assert "运营商=联通" in wide and "价格区间=5-20元" in wide and "x 全部清除" in wide
    for width in (60, 40, 24):
        line = chips_line(chips, Texts("zh"), width).plain.rstrip()
        assert "价格区间=5-20元" in line and cell_len(line) <= width, (width, line)
    assert "另2个" in chips_line(chips, Texts("zh"), 24).plain
    assert "+2" in chips_line(chips, Texts("en"), 30).plain


async def test_the_list_stays_put_when_a_filter_comes_or_the_result_empties(make_app):
    """The chips line is there before the first filter and an empty result is said in the
    list's own lines: neither moves the list under the reseller's eyes (nor costs the
    keystroke a layout pass of the whole screen)."""
    for size in ((120, 40), (80, 24)):
        app = make_app()
        async with app.run_test(size=size) as pilot:
            await settle(app, pilot)
            table = app.screen.query_one(ProductTable)
            where = table.region
            assert "筛选：无" in screen(app)
            await pilot.press("slash", *"huafei", "enter")
            await pick(app, pilot, "联通")
            assert "运营商=联通" in chip_line(app) and table.region == where
            await pilot.press("slash")
            await type_text(pilot, " yidong")
            await settle(app, pilot)
            assert table.row_count() == 0 and table.region == where
            assert "没有匹配的商品" in screen(app)
            await pilot.press("ctrl+u")
            await settle(app, pilot)
            assert table.row_count() > 0 and table.region == where
            assert "没有匹配的商品" not in screen(app)


async def test_the_summary_in_a_narrow_centre_column_keeps_all_its_words(make_app):
    """80x24 with both side panes shown: the summary wraps, and a longer text (a sort named
    in more words) gets the lines it needs rather than being cut."""
    app = make_app('[general]\nlanguage = "en"\n')
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f")
        await settle(app, pilot)
        await pilot.press("i")
        await settle(app, pilot)
        app.screen.set_focus(app.screen.query_one(ProductTable))
        await pilot.press("s", "s", "S", "end")
        await settle(app, pilot)
        summary = app.screen.query_one("#summary")
        text = str(summary.render())
        assert "row 2000" in text and text.endswith("desc")
        width = summary.content_size.width
        assert summary.content_size.height == summary.get_content_height(summary.content_size, summary.content_size, width)
        rows = "\n".join(screen_lines(app)[summary.region.y:summary.region.bottom])
        assert "desc" in rows and "2000" in rows                       # on screen, not cut
