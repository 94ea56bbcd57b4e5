"""Our own text on the main screens holds no East-Asian-ambiguous characters (· … — ★
• ① box drawing ...): Chinese terminals may draw them two cells wide and break every
column after them. Textual's own frame chrome (borders, scrollbars) is left out: the
scan reads each leaf widget's content region only."""

from __future__ import annotations

import unicodedata

from textual.geometry import Region
from textual.widget import Widget

from kameng_tui.tui.screens.checkout import CheckoutScreen
from kameng_tui.tui.screens.help import HelpScreen
from kameng_tui.tui.screens.history import HistoryScreen
from kameng_tui.tui.screens.settings import SettingsScreen
from kameng_tui.tui.textual_compat import screen_strips

from conftest import SIZE, settle, type_text


def our_text(app) -> list[str]:
    strips = screen_strips(app.screen)
    screen = Region(0, 0, *app.size)
    out = []
    for widget in app.screen.query("*"):
        if list(widget.children) or not widget.display or widget.has_class("arrow"):
            continue                       # containers, hidden widgets, Select's own arrow glyph
        region = widget.scrollable_content_region.intersection(screen)
        for ancestor in widget.ancestors:     # a help text taller than its box is cut by the box
            if isinstance(ancestor, Widget):
                region = region.intersection(ancestor.scrollable_content_region)
        for y in range(region.y, region.bottom):
            out.append(strips[y].crop(region.x, region.right).text)
    return out


def ambiguous(lines: list[str]) -> list[tuple[str, str]]:
    return [(ch, line.strip()) for line in lines for ch in line if unicodedata.east_asian_width(ch) == "A"]


async def test_main_screens_have_no_ambiguous_width_characters(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        seen = {}
        await pilot.press("slash", *"wzry", "enter")
        await settle(app, pilot)
        seen["catalog"] = our_text(app)
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, CheckoutScreen)
        await type_text(pilot, "1234567")
        seen["checkout game"] = our_text(app)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("slash", "escape", "escape")
        await pilot.press("slash", *"huafei", "enter", "o")
        await pilot.pause()
        await type_text(pilot, "13800138000")
        seen["checkout"] = our_text(app)
        await pilot.press("enter")
        await settle(app, pilot)
        seen["checkout placed"] = our_text(app)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("3")
        await settle(app, pilot)
        assert isinstance(app.screen, HistoryScreen)
        seen["history"] = our_text(app)
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        seen["help"] = our_text(app)
        await pilot.press("escape", "4")
        await settle(app, pilot)
        assert isinstance(app.screen, SettingsScreen)
        for section in ("suppliers", "pricing", "ui", "keys"):
            seen[f"settings {section}"] = our_text(app)
            await pilot.press("down")
            await settle(app, pilot)
        for name, lines in seen.items():
            assert sum(len(line.strip()) for line in lines) > 20, name      # the scan saw text
            assert not ambiguous(lines), (name, ambiguous(lines)[:5])


async def test_ascii_mode_draws_the_whole_screen_without_ambiguous_characters(make_app):
    """`[ui] ascii = true`: not only our text, Textual's frames too (borders, inputs,
    buttons, the footer) fall back to ASCII."""
    app = make_app("[ui]\nascii = true\n")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screens = {"catalog": [s.text for s in screen_strips(app.screen)]}
        await pilot.press("o")
        await pilot.pause()
        await type_text(pilot, "13800138000")
        screens["checkout"] = [s.text for s in screen_strips(app.screen)]
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("3")
        await settle(app, pilot)
        screens["history"] = [s.text for s in screen_strips(app.screen)]
        await pilot.press("4")
        await settle(app, pilot)
        for section in ("suppliers", "pricing", "ui", "keys"):
            screens[f"settings {section}"] = [s.text for s in screen_strips(app.screen)]
            await pilot.press("down")
            await settle(app, pilot)
        for name, lines in screens.items():
            assert not ambiguous(lines), (name, sorted({ch for ch, _ in ambiguous(lines)}))
