"""Every use of Textual's private API, in one place (tests/tui/test_textual_compat.py
exercises each one and fails when Textual's behaviour under it changes).

Textual (8.x) has no public hook for these:

- bindings built at run time: our key labels are localized (zh / en) and the language
  switches while the app runs, so a node's bindings are made in `__init__` (or anew on a
  language switch), not read from the class's `BINDINGS`. Ids and `App.set_keymap` (the
  `[keymap]` remaps) stay Textual's public way.
- the screens of every mode (`KamengApp.tell_screens`: a change told to the screens not
  shown now too, at once). A `textual.signal.Signal` would reach them, but it logs and drops
  an exception raised in a subscriber, where ours must end the app as the bug it is.
  Typed Messages posted to each screen were weighed for issue 17 (2026-12-07) and are
  workable, but not done yet. Tried on Textual 8.x: a screen in another mode's stack (not
  current) still runs its message queue and handles a posted message, and an exception in
  its handler reaches the app's exception hook (return code 1), unlike Signal. What keeps
  the direct call for now: (1) posting still needs the list of screens, and
  `App.screen_stack` holds only the current mode's, so this private read would remain
  unless each screen joins an app-held registry on mount and leaves it on unmount;
  (2) delivery becomes asynchronous. Today every screen has handled the change when
  `tell_screens` returns; whether a caller (`writes_refused`, `ledger_accepted`,
  `refresh_balances`, the batch runner's news, a screen's own `order_changed` call) or a
  test that reads a screen after a change relies on that is not checked yet; (3) eight
  events (balances, order, orders added, ledger, suppliers, data key, catalog, batch lines),
  some with arguments, need a Message class each, plus handlers on five screens.
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
