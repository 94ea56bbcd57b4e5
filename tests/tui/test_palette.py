"""Issue 15 point 10: ctrl+p lists every action of the screen it opens on (the app's,
the screen's, and its grid's or list's), each under its own words in the UI language;
Textual's own entries (theme, keys, screenshot ...) are in that language too. What is
checked is what the open palette shows."""

from __future__ import annotations

import re

import pytest
from textual.command import CommandList, CommandPalette
from textual.widgets import Input

from kameng_tui.tui.keys import SCOPES
from kameng_tui.tui.textual_compat import notifications

from conftest import SIZE, settle

EN = '[general]\nlanguage = "en"\n'
WIDGET_SCOPE = {"catalog": "list", "batch": "grid", "history": "list", "settings": None}
LATIN = re.compile(r"[A-Za-z]")


async def palette_entries(app, pilot) -> list[tuple[str, str]]:
    """(title, help) of every entry the palette shows with nothing typed."""
    await pilot.press("ctrl+p")
    await settle(app, pilot)
    palette = app.screen
    assert isinstance(palette, CommandPalette)
    options = palette.query_one(CommandList).options
    entries = [(str(o.hit.text), str(o.hit.help or "")) for o in options]
    placeholder = palette.query_one(Input).placeholder
    await pilot.press("escape")
    await settle(app, pilot)
    return entries + [(placeholder, "")]


async def on_screen(app, pilot, mode: str) -> None:
    await app.switch_mode(mode)
    await settle(app, pilot)
    assert getattr(app.screen, "SCOPE", None) == mode


def key_names(app, keys: str) -> list[str]:
    """How a binding's keys may be written in a help text: as Textual shows them and by name."""
    from textual.binding import Binding

    out = []
    for k in keys.split(","):
        out += [app.get_key_display(Binding(k, "")), k]
    return sorted(out, key=len, reverse=True)


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_the_palette_lists_every_action_of_each_screen_in_the_ui_language(make_app, lang):
    app = make_app(EN if lang == "en" else "")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        for mode, widget_scope in WIDGET_SCOPE.items():
            await on_screen(app, pilot, mode)
            entries = await palette_entries(app, pilot)
            titles = [title for title, _ in entries]
            keys = [*SCOPES["app"], *SCOPES[mode], *(SCOPES[widget_scope] if widget_scope else ())]
            for k in keys:
                if k.action == "command_palette":
                    continue
                mine = [e for e in entries if e[0] == f"{k.label(lang)} ({k.id})"]
                assert mine, f"{mode}: no palette entry for {k.id} among {titles}"
                if lang == "zh":                   # its words Chinese; its id and key names are codes
                    words = k.label("zh") + mine[0][1]
                    for name in key_names(app, k.keys):
                        words = words.replace(name, "")
                    assert not LATIN.search(words), (k.id, mine[0])
            own = {f"{k.label(lang)} ({k.id})" for k in keys}
            for title, help_text in entries:
                assert title and "\u2026" not in title + help_text, (mode, title, help_text)
                if lang == "zh" and title not in own:          # Textual's own entries, and nothing else
                    assert not LATIN.search(title + help_text), (mode, title, help_text)
            if lang == "zh":
                assert not LATIN.search(entries[-1][0]), entries[-1]              # the placeholder
            sys_titles = {"zh": ("主题", "按键", "截图"), "en": ("Theme", "Keys", "Screenshot")}[lang]
            for title in sys_titles:
                assert title in titles, (mode, title, titles)


async def test_a_grid_action_from_the_palette_acts_on_the_grid(make_app):
    from kameng_tui.tui.widgets.batch_grid import BatchGrid

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await on_screen(app, pilot, "batch")
        grid = app.screen.query_one(BatchGrid)
        await pilot.press("right", "1", "3", "enter", "up")
        await pilot.pause()
        await pilot.press("ctrl+p")
        await settle(app, pilot)
        await pilot.press(*"grid.edit")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.focused is grid and grid.editing and grid.buf == "13"


async def test_the_theme_picker_speaks_chinese(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await settle(app, pilot)
        for ch in "主题":
            await pilot.press(ch)
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        assert not LATIN.search(palette.query_one(Input).placeholder)
        await pilot.press("escape")


async def test_screenshot_from_the_palette_says_where_the_file_went(make_app, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await settle(app, pilot)
        for ch in "截图":
            await pilot.press(ch)
        await settle(app, pilot)
        await pilot.press("enter")
        await pilot.pause(0.3)
        await settle(app, pilot)
        shots = list(tmp_path.glob("*.svg"))
        assert len(shots) == 1
        said = [str(n.message) for n in notifications(app)]
        assert any(m.startswith("截图已保存") and str(shots[0]) in m for m in said), said


async def test_keys_from_the_palette_opens_the_help_of_the_screen_underneath(make_app):
    from kameng_tui.tui.screens.help import HelpScreen

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await on_screen(app, pilot, "history")
        await pilot.press("ctrl+p")
        await settle(app, pilot)
        await pilot.press("按", "键")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, HelpScreen) and app.screen.scope == "history"


async def test_a_list_action_from_the_palette_moves_the_list(make_app):
    from kameng_tui.tui.widgets.product_table import ProductTable

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(ProductTable)
        assert table.cursor == 0
        await pilot.press("ctrl+p")
        await settle(app, pilot)
        await pilot.press(*"list.last")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert table.cursor == table.row_count() - 1
