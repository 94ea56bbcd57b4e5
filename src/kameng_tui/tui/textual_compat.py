"""Every use of Textual's private API, in one place (tests/tui/test_textual_compat.py
exercises each one and fails when Textual's behaviour under it changes).

Textual (8.x) has no public hook for these:

- bindings built at run time: our key labels are localized (zh / en) and the language
  switches while the app runs, so a node's bindings are made in `__init__` (or anew on a
  language switch), not read from the class's `BINDINGS`. Ids and `App.set_keymap` (the
  `[keymap]` remaps) stay Textual's public way.
- the screens of every mode: `KamengApp.tell_screens` posts its typed messages
  (tui/app_messages.py) to each screen of every mode's stack, and `App.screen_stack` holds
  only the current mode's. A screen in another mode's stack still handles a posted
  message, and an exception in its handler reaches the app's exception hook (return code
  1), which `textual.signal.Signal` would log and drop (tests/tui/test_screen_news.py).
- the last word on an exception no handler caught (`App._handle_exception`);
- the suggestion an Input shows (Tab takes it, as a shell does);
- a typed character's key name (`textual.keys._character_to_key`), to check `[keymap]` keys;
- for the tests only: the app's notifications and a screen's painted lines / visible widgets.

Nothing else in src/ or tests/ touches a Textual name that starts with `_`
(tests/tui/test_textual_public_api.py scans for them)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Iterator

from textual import keys as _keys
from textual.app import App
from textual.binding import Binding, BindingsMap, BindingType
from textual.widgets import Input

if TYPE_CHECKING:  # pragma: no cover
    from textual.dom import DOMNode
    from textual.notifications import Notification
    from textual.screen import Screen
    from textual.strip import Strip
    from textual.widget import Widget


def install_bindings(node: DOMNode, bindings: Iterable[BindingType]) -> None:
    """Give `node` these bindings in place of its class's `BINDINGS` (made at run time in
    the user's language). Call `refresh_bindings()` after, when the node is running."""
    node._bindings = BindingsMap(bindings)


def bindings_of(node: DOMNode) -> list[Binding]:
    """The bindings `node` has now, as installed: a `[keymap]` remap is not in them
    (Textual applies the keymap to copies when it looks a key up)."""
    return [binding for _, binding in node._bindings]


def all_screens(app: App[object]) -> Iterator[Screen[object]]:
    """Every screen in every mode's stack (the shown one and those of the other modes)."""
    for stack in app._screen_stacks.values():
        yield from stack


def suggestion_of(field: Input) -> str:
    """The grey completion an Input's suggester offers now ("" when none)."""
    return field._suggestion


def character_to_key(character: str) -> str:
    """The key name Textual gives a typed character ("/" -> "slash", "a" -> "a")."""
    return _keys._character_to_key(character)


class UnhandledExceptionHook(App[None]):
    """An App whose exception no handler caught goes to `unhandled_exception` (which must
    end the app) instead of Textual's traceback screen. The return code is 1 and
    `run_test` still re-raises the first such exception, as Textual does."""

    def _handle_exception(self, error: Exception) -> None:
        self._return_code = 1
        if self._exception is None:             # run_test re-raises it for the test suite
            self._exception = error
            self._exception_event.set()
        self.unhandled_exception(error)

    def unhandled_exception(self, error: Exception) -> None:
        """Say it and end the app (`self.exit(...)`)."""
        raise NotImplementedError


# --- for the tests -------------------------------------------------------------------------------
def notifications(app: App[object]) -> list[Notification]:
    """The notifications (toasts) the app holds now, oldest first."""
    return list(app._notifications)


def screen_strips(screen: Screen[object]) -> list[Strip]:
    """The screen as painted: one strip (line of segments) per row."""
    return list(screen._compositor.render_strips())


def visible_widgets(screen: Screen[object]) -> set[Widget]:
    """The widgets the screen shows now (inside the terminal, not scrolled away, not hidden)."""
    return set(screen._compositor.visible_widgets)
