"""Issue 15 point 6: printable keys belong to the field that has focus (the batch grid's
cell, the catalog's search), and the footer shows only keys that work where focus is;
F2 means one thing on the batch screen (the catalog), editing a cell has its own key."""

from __future__ import annotations

from textual import events
from textual.keys import key_to_character

from kameng_tui.tui.screens.catalog import CatalogScreen
from kameng_tui.tui.widgets.batch_grid import BatchGrid

from conftest import SIZE, settle
from test_batch_screen import open_batch
from test_history_screen import open_history


def footer_keys(app) -> list[tuple[str, str]]:
    """(key, action) of each key the footer shows."""
    return [(k.key, str(k.action)) for k in app.screen.query("FooterKey") if k.display]


def printable(key: str) -> bool:
    """A key a text field takes as a character (Textual's `key_to_character` misses a
    few of its own names: `slash` is "/")."""
    ch = key_to_character(key) or OWN_NAMES.get(key)
    return ch is not None and ch.isprintable()


OWN_NAMES = {"slash": "/", "minus": "-", "plus": "+", "at": "@", "backslash": "\\", "underscore": "_"}


def assert_footer_keys_work(app) -> list[tuple[str, str]]:
    """No key the focused field would take as text, and each key runs what it says."""
    shown = footer_keys(app)
    assert shown, "the footer shows no key at all"
    typed = [key for key, _ in shown if printable(key)]
    assert not typed, f"the footer offers {typed}, which type into {app.focused!r}"
    active = app.screen.active_bindings
    for key, action in shown:
        assert key in active and active[key].binding.action == action, (key, action)
    return shown


async def test_the_batch_grid_takes_question_mark_digits_and_q_as_cell_text(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_batch(app, pilot)
        grid = screen.query_one(BatchGrid)
        assert app.focused is grid
        await pilot.press("question_mark", "4", "1", "q")
        await pilot.pause()
        assert app.screen is screen and app.return_code is None
        assert grid.editing and grid.buf == "?41q"


async def test_the_footer_on_the_batch_grid_lists_only_keys_that_work_there(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_batch(app, pilot)
        assert app.focused is screen.query_one(BatchGrid)
        shown = assert_footer_keys_work(app)
        actions = {action for _, action in shown}
        # the way off the grid, to help and out are still there (by their F / ctrl keys)
        assert {"switch_mode('catalog')", "switch_mode('history')", "help", "quit", "run"} <= actions, shown
        keys = dict(shown)
        assert keys["f2"] == "switch_mode('catalog')" and keys["f1"] == "help"


async def test_the_footer_in_the_catalog_search_lists_only_keys_that_work_there(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("slash")
        await pilot.pause()
        assert isinstance(app.screen, CatalogScreen) and app.focused is app.screen.query_one("#search")
        assert_footer_keys_work(app)
        await pilot.press("escape")               # out of the field: the digits are offered again
        await pilot.pause()
        assert app.focused is not app.screen.query_one("#search")
        assert ("1", "switch_mode('catalog')") in footer_keys(app)


async def test_f2_on_the_batch_grid_goes_to_the_catalog_and_ctrl_e_edits_the_cell(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_batch(app, pilot)
        grid = screen.query_one(BatchGrid)
        await pilot.press("right", "1", "3", "enter", "up")        # the account column
        await pilot.pause()
        assert grid.rows[0].cells[1] == "13" and not grid.editing
        await pilot.press("f2")
        await settle(app, pilot)
        assert isinstance(app.screen, CatalogScreen)
        await pilot.press("f3")
        await settle(app, pilot)
        assert app.screen is screen and app.focused is grid and not grid.editing
        await pilot.press("ctrl+e", "8", "enter")                 # edits: the 13 stays, 8 goes after it
        await pilot.pause()
        assert grid.rows[0].cells[1] == "138"


async def test_help_on_the_batch_screen_says_which_keys_work_in_the_grid(make_app):
    from kameng_tui.tui.screens.help import HelpScreen

    from conftest import screen_lines

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_batch(app, pilot)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = "\n".join(screen_lines(app))
        assert "F2/F3/F4 切换屏幕" in text and "ctrl+e 编辑单元格" in text
        assert any(line.split()[1:3] == ["按键", "标识"] for line in text.splitlines() if "按键" in line), text
        edit = next(line for line in text.splitlines() if "grid.edit" in line)
        assert "^e" in edit and "F2" not in edit


async def test_the_footer_in_a_history_filter_field_lists_only_keys_that_work_there(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("3")
        await settle(app, pilot)
        await pilot.press("slash")
        await settle(app, pilot)
        assert app.focused is app.screen.query_one("#h-search")
        assert_footer_keys_work(app)


def type_ahead(app, *keys: str) -> None:
    """Keys as a fast typist's terminal delivers them: all queued before the app has
    handled the first (Pilot's `press` waits between keys and would hide the race)."""
    for key in keys:
        app.post_message(events.Key(key, OWN_NAMES.get(key, key)))


async def test_typed_right_after_slash_the_whole_search_reaches_the_field(make_app):
    """Seen in a real terminal on a busy machine: `/wzry` searched for "ry". An ordinary
    binding runs only once the key has bubbled back up from the list, and the keys typed
    meanwhile went to the list."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        search = app.screen.query_one("#search")
        type_ahead(app, "slash", "w", "z", "r", "y")
        await pilot.pause()
        await pilot.pause()
        assert app.focused is search and search.value == "wzry"


async def test_typed_right_after_slash_the_whole_history_search_reaches_the_field(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_history(app, pilot)
        search = screen.query_one("#h-search")
        type_ahead(app, "slash", "1", "3", "8", "d")      # `d` (to the dates) is text in a field
        await pilot.pause()
        await pilot.pause()
        assert app.focused is search and search.value == "138d"
