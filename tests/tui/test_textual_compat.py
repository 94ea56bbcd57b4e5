"""Each use of Textual's private API (kameng_tui/tui/textual_compat.py), exercised for the
behaviour we rely on: a Textual upgrade that changes it fails here, by what it does, not
by a version string."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.suggester import SuggestFromList
from textual.widgets import Input, Static

from kameng_tui.tui.textual_compat import (
    UnhandledExceptionHook,
    all_screens,
    bindings_of,
    character_to_key,
    install_bindings,
    notifications,
    screen_strips,
    suggestion_of,
    visible_widgets,
)


class Words(App[None]):
    """Bindings made at run time, in a language that can switch, as KamengApp does."""

    def __init__(self) -> None:
        super().__init__()
        self.said: list[str] = []
        self.speak("zh")

    def speak(self, lang: str) -> None:
        label = {"zh": "说", "en": "say"}[lang]
        install_bindings(self, [Binding("x", "say('x')", label, id="app.say"),
                                Binding("y" if lang == "en" else "z", "say('yz')", label, id="app.other")])

    def compose(self) -> ComposeResult:
        yield Static("hello compat", id="shown")
        yield Static("not shown", id="hidden")

    def on_mount(self) -> None:
        self.query_one("#hidden").display = False

    def action_say(self, what: str) -> None:
        self.said.append(what)


async def test_bindings_installed_at_run_time_work_show_their_label_and_can_be_replaced():
    app = Words()
    async with app.run_test() as pilot:
        await pilot.press("x", "z", "y")
        assert app.said == ["x", "yz"]
        shown = {b.binding.id: b.binding.description for b in app.screen.active_bindings.values()}
        assert shown["app.say"] == "说"
        assert [b.id for b in bindings_of(app)] == ["app.say", "app.other"]

        app.speak("en")                                   # the language switch: new labels, new keys
        app.refresh_bindings()
        await pilot.press("z", "y")
        assert app.said == ["x", "yz", "yz"]
        shown = {b.binding.id: b.binding.description for b in app.screen.active_bindings.values()}
        assert shown["app.say"] == "say"

        app.set_keymap({"app.say": "w"})                  # ids and the public keymap still remap them
        await pilot.press("x", "w")
        assert app.said == ["x", "yz", "yz", "x"]


async def test_all_screens_reaches_the_screens_of_every_mode():
    class One(Screen[None]):
        pass

    class Two(Screen[None]):
        pass

    class Modes(App[None]):
        MODES = {"one": One, "two": Two}

        def on_mount(self) -> None:
            self.switch_mode("one")

    app = Modes()
    async with app.run_test() as pilot:
        await pilot.pause()
        app.switch_mode("two")
        await pilot.pause()
        kinds = {type(s) for s in all_screens(app)}
        assert {One, Two} <= kinds                        # the mode not shown now too


async def test_an_unhandled_exception_reaches_the_hook_ends_the_app_with_1_and_run_test_re_raises():
    class Boom(UnhandledExceptionHook):
        BINDINGS = [Binding("b", "boom")]
        seen: list[Exception] = []

        def action_boom(self) -> None:
            raise LookupError("a bug")

        def unhandled_exception(self, error: Exception) -> None:
            self.seen.append(error)
            self.exit(return_code=1, message="one line")

    app = Boom()
    with pytest.raises(LookupError, match="a bug"):
        async with app.run_test() as pilot:
            await pilot.press("b")
            await pilot.pause()
    assert [str(e) for e in Boom.seen] == ["a bug"]
    assert app.return_code == 1


def test_a_typed_character_has_textual_s_key_name():
    assert [character_to_key(c) for c in "a/?.,-"] == ["a", "slash", "question_mark", "full_stop", "comma", "minus"]


async def test_the_suggestion_an_input_shows_is_readable():
    class Suggest(App[None]):
        def compose(self) -> ComposeResult:
            yield Input(suggester=SuggestFromList(["话费/移动", "流量"]))

    app = Suggest()
    async with app.run_test() as pilot:
        field = app.query_one(Input)
        assert suggestion_of(field) == ""
        await pilot.press("话")
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert suggestion_of(field) == "话费/移动"


async def test_the_tests_read_notifications_painted_lines_and_visible_widgets():
    app = Words()
    async with app.run_test() as pilot:
        app.notify("第一条")
        app.notify("second", severity="warning")
        await pilot.pause()
        assert [str(n.message) for n in notifications(app)] == ["第一条", "second"]
        app.clear_notifications()
        assert notifications(app) == []
        assert any("hello compat" in strip.text for strip in screen_strips(app.screen))
        assert not any("not shown" in strip.text for strip in screen_strips(app.screen))
        visible = visible_widgets(app.screen)
        assert app.query_one("#shown") in visible and app.query_one("#hidden") not in visible
