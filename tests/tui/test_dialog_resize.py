"""Issue 15, smaller list: resizing with a dialog open keeps it usable. Each dialog is
opened at 120x40, taken to 80x24, below it (the too-small notice covers it) and back:
it is still the screen on top, its box inside the terminal, focus where it was, and the
next key does what it says (test_narrow_screens.py checks the layout at 80x24)."""

from __future__ import annotations

from typing import Any, Awaitable, Callable

import pytest
from textual.command import CommandPalette
from textual.widgets import Input, TextArea

from kameng_tui.tui.screens.batch_dialogs import ChoiceScreen, PasteScreen, PickScreen
from kameng_tui.tui.screens.confirm import ConfirmScreen
from kameng_tui.tui.screens.data_key import DataKeyScreen
from kameng_tui.tui.screens.help import HelpScreen
from kameng_tui.tui.screens.too_small import TooSmallScreen

from conftest import SIZE, settle, type_text
from test_checkout_screen import open_checkout

SIZES = [(80, 24), (70, 20), (80, 24), SIZE]


def within(inner, outer) -> bool:
    return inner.area > 0 and outer.contains_region(inner)


async def answers_y(app, pilot, dialog, results: list[Any]) -> None:
    await pilot.press("y")
    await settle(app, pilot)
    assert results == [True]


async def types_into_the_box(app, pilot, dialog, results: list[Any]) -> None:
    await type_text(pilot, "demo:HF-CM-10 13800138000")
    assert dialog.query_one(TextArea).text == "demo:HF-CM-10 13800138000"
    await pilot.press("escape")
    await settle(app, pilot)


async def filters_the_list(app, pilot, dialog, results: list[Any]) -> None:
    await type_text(pilot, "苹果")
    assert dialog.query_one("#pick-filter", Input).value == "苹果"
    await pilot.press("enter")
    await settle(app, pilot)
    assert results and results[0] and results[0].startswith("苹果")


async def escape_closes(app, pilot, dialog, results: list[Any]) -> None:
    await pilot.press("escape")
    await settle(app, pilot)
    assert app.screen is not dialog


async def chooses_with_enter(app, pilot, dialog, results: list[Any]) -> None:
    await pilot.press("enter")
    await settle(app, pilot)
    assert results == ["a"]


DIALOGS: dict[str, tuple[Callable[[Any], Any], str, Callable[..., Awaitable[None]]]] = {
    "confirm": (lambda app: ConfirmScreen("确认？"), "#confirm-box", answers_y),
    "choice": (lambda app: ChoiceScreen("怎么办？", [("a", "继续", "r"), ("b", "取消", "c")]), "#choice-box",
               chooses_with_enter),
    "paste": (lambda app: PasteScreen(), "#paste-box", types_into_the_box),
    "pick": (lambda app: PickScreen("选择大区", ("安卓QQ", "苹果QQ", "安卓微信")), "#pick-box", filters_the_list),
    "help": (lambda app: HelpScreen("batch"), "#help-box", escape_closes),
    "data_key": (lambda app: DataKeyScreen(app.ctx.data_key.status()), "#dk-box", escape_closes),
}


async def resize_around(app, pilot, dialog, box_id: str | None) -> None:
    focused = app.focused
    for size in SIZES:
        await pilot.resize_terminal(*size)
        await settle(app, pilot)
        if size < (80, 24):
            assert isinstance(app.screen, TooSmallScreen), size
        else:
            assert app.screen is dialog, (size, app.screen)
            assert app.focused is focused, (size, app.focused, focused)
            if box_id is not None:
                assert within(dialog.query_one(box_id).region, dialog.region), (size, box_id)


@pytest.mark.parametrize("name", DIALOGS)
async def test_a_dialog_stays_usable_through_resizes_and_the_too_small_notice(make_app, name):
    make, box_id, then = DIALOGS[name]
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        results: list[Any] = []
        dialog = make(app)
        app.push_screen(dialog, results.append)
        await settle(app, pilot)
        await resize_around(app, pilot, dialog, box_id)
        await then(app, pilot, dialog, results)


async def test_checkout_stays_usable_through_resizes_and_the_too_small_notice(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = await open_checkout(app, pilot, "yidong huafei 10")
        await type_text(pilot, "138001")
        await resize_around(app, pilot, screen, "#checkout-box")
        await type_text(pilot, "38000")
        await pilot.press("enter")
        await settle(app, pilot)
        assert screen.order_no is not None


async def test_the_command_palette_stays_usable_through_resizes(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+p")
        await settle(app, pilot)
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        await resize_around(app, pilot, palette, None)
        await type_text(pilot, "app.history")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert getattr(app.screen, "SCOPE", None) == "history"
