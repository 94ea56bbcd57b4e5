"""One language at a time in the terminal app (issue 15, point 10): every screen and
dialog of a first hour, walked in zh, shows no English word but codes and data (order
numbers, SKUs, hashes, key names, product names); walked in en, no Chinese but the
catalog's data: account field labels and the catalog attributes we know (运营商, 面值)
read in English."""

from __future__ import annotations

from textual import events

from kameng_tui.tui.screens.batch import BatchScreen
from kameng_tui.tui.screens.checkout import CheckoutScreen
from kameng_tui.tui.screens.help import HelpScreen
from kameng_tui.tui.screens.history import HistoryScreen
from kameng_tui.tui.screens.settings import SECTIONS, SettingsScreen
from kameng_tui.tui.textual_compat import notifications

from conftest import SIZE, screen_lines, settle, type_text
from one_language import chinese_left, en_data_words, english_left

EN = '[general]\nlanguage = "en"\n'
GOOD_LINE = "demo:HF-CM-10\t13800138000\t1\t张三\n"
PASTE = "demo:HF-CM-10\t13800138000\t1\ndemo:HF-LT-20\t1310013100x\t1\ndemo:NOPE\t13800138000\n"


async def walk(app, pilot, seen: dict[str, str]) -> None:
    """Catalog, help, checkout (an error under the field, then a good number, the order,
    its result), history with an order's detail and events and the claims view, batch
    with a bad paste, its refusal to run and its confirmation dialog, every settings
    section. `seen[where]` is what the screen and its notices showed."""

    def look(where: str) -> None:
        seen[where] = "\n".join(screen_lines(app) + [str(n.message) for n in notifications(app)])

    await settle(app, pilot)
    look("catalog")
    await pilot.press("f1")
    await pilot.pause()
    assert isinstance(app.screen, HelpScreen)
    look("help")
    await pilot.press("escape", "slash", *"yidong", "space", *"huafei", "enter")
    await pilot.pause()
    look("catalog, searched")
    await pilot.press("o")
    await pilot.pause()
    assert isinstance(app.screen, CheckoutScreen)
    await type_text(pilot, "1310013100")                 # one digit short: the field says why
    await pilot.pause()
    look("checkout, bad number")
    await type_text(pilot, "0")                          # a 联通 number for a 移动 product: a warning
    await pilot.pause()
    look("checkout, ported number")
    await pilot.press("enter")
    await settle(app, pilot)
    look("checkout, asked again")
    await pilot.press("enter")
    await settle(app, pilot)
    look("checkout, result")
    await pilot.press("escape", "slash", "ctrl+u", *"wzry", "space", "6", "enter", "o")
    await pilot.pause()
    assert isinstance(app.screen, CheckoutScreen)
    await type_text(pilot, "123456789")                  # a good QQ number: the field says so
    await pilot.pause()
    look("checkout, a good QQ number")
    await pilot.press("escape", "f4")
    await settle(app, pilot)
    assert isinstance(app.screen, HistoryScreen)
    look("history, order detail and events")
    await pilot.press("c")
    await settle(app, pilot)
    look("history, claims")
    await pilot.press("f3")
    await settle(app, pilot)
    assert isinstance(app.screen, BatchScreen)
    app.screen.grid.post_message(events.Paste(PASTE))
    await settle(app, pilot)
    look("batch, pasted with errors")
    await pilot.press("f5")
    await settle(app, pilot)
    look("batch, run refused")
    await pilot.press("ctrl+z")
    await settle(app, pilot)
    app.screen.grid.post_message(events.Paste(GOOD_LINE))
    await settle(app, pilot)
    await pilot.press("f5")
    for _ in range(5):                                  # a worker waits for the answer: no settling
        await pilot.pause()
    look("batch, confirm dialog")
    await pilot.press("escape")
    await settle(app, pilot)
    await app.switch_mode("settings")
    await settle(app, pilot)
    assert isinstance(app.screen, SettingsScreen)
    for section in SECTIONS:
        app.screen.show_section(section)
        await settle(app, pilot)
        look(f"settings, {section}")


def report(left: dict[str, list[str]]) -> str:
    return "\n".join(f"{where}: {line}" for where, lines in left.items() for line in lines)


async def test_every_screen_in_zh_has_no_english_words(make_app):
    app = make_app()
    seen: dict[str, str] = {}
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await walk(app, pilot, seen)
    typed = {"yidong", "huafei", "wzry", "NOPE"}                          # what the walk typed: data
    left = {where: english_left(text, typed) for where, text in seen.items() if english_left(text, typed)}
    assert left == {}, report(left)
    assert "成功" in seen["history, order detail and events"]
    assert "创建" in seen["history, order detail and events"]         # the event list names its events in zh


async def test_every_screen_in_en_has_no_chinese_but_data(make_app):
    app = make_app(EN)
    seen: dict[str, str] = {}
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await walk(app, pilot, seen)
    data = en_data_words() + ("张三",)                                   # the customer the walk typed
    left = {where: chinese_left(text, data) for where, text in seen.items() if chinese_left(text, data)}
    assert left == {}, report(left)
    assert "Phone number" in seen["checkout, bad number"]               # the account field's own label, in en
    assert "Carrier" in seen["catalog, searched"] and "Face value" in seen["catalog, searched"]
