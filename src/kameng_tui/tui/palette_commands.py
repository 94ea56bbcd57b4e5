"""What ctrl+p offers: every action of the screen it opens on, in the UI language.

Through Textual's public `App.get_system_commands`: the app's keys, the screen's keys
and those of its grid or list (run on that widget), each as "label (binding id)" with
the keys that do it as the help line; then Textual's own commands (theme, keys,
maximize, screenshot) under our words. Textual's Keys panel mixes English tooltips and
East-Asian-ambiguous glyphs (`⌫`, `…`), so "Keys" opens our help screen instead, and its
Quit is left out: `app.quit` is the same action (it asks while orders are in flight).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator

from textual.app import SystemCommand
from textual.binding import Binding
from textual.command import CommandPalette
from textual.screen import Screen
from textual.widget import Widget

from kameng_tui.tui.keys import SCOPES, Key
from kameng_tui.tui.text import Texts

if TYPE_CHECKING:  # pragma: no cover
    from kameng_tui.tui.app import KamengApp

WIDGET_SCOPES = {"batch": "grid", "catalog": "list", "history": "list"}
"""The screen's widget whose own keys the palette offers too (run on that widget)."""
MAIN_WIDGET = {"batch": "#grid", "catalog": "#products", "history": "#orders"}

TEXTUAL_KEPT = {"Theme": "theme", "Keys": "keys", "Maximize": "maximize", "Minimize": "minimize",
                "Screenshot": "screenshot"}
"""Textual's system commands (textual 8.2.8 titles) offered under our words; any other
(Quit) is one of our own keys already."""


def shown_keys(app: KamengApp, key: Key) -> str:
    """The keys that do it now (the keymap applied), as the footer writes them."""
    keys = (app.ctx.settings_view.keymap or {}).get(key.id, key.keys)
    return ", ".join(app.get_key_display(Binding(k.strip(), "")) for k in keys.split(",") if k.strip())


def _widget_for(screen: Screen[Any], scope: str) -> Widget | None:
    """The focused grid or list, else the screen's main one (the catalog's products, not
    its filter pane)."""
    from kameng_tui.tui.widgets.batch_grid import BatchGrid
    from kameng_tui.tui.widgets.virtual_list import VirtualList

    kind: type[Widget] = BatchGrid if scope == "grid" else VirtualList
    if isinstance(screen.focused, kind):
        return screen.focused
    found = screen.query(MAIN_WIDGET.get(getattr(screen, "SCOPE", ""), "#none"))
    return found.first() if found else None


def key_commands(app: KamengApp, screen: Screen[Any]) -> Iterator[SystemCommand]:
    """One entry per binding of the app, the screen and its grid or list."""
    t = Texts(app.lang)
    scope = getattr(screen, "SCOPE", None)
    targets: list[tuple[str, Any]] = [("app", app)]
    if scope in SCOPES:
        targets.append((scope, screen))
    widget_scope = WIDGET_SCOPES.get(scope or "")
    widget = _widget_for(screen, widget_scope) if widget_scope else None
    if widget_scope and widget is not None:
        targets.append((widget_scope, widget))
    seen: set[str] = set()
    for name, target in targets:
        for k in SCOPES[name]:
            if k.id in seen or k.action == "command_palette":
                continue
            seen.add(k.id)
            yield SystemCommand(f"{k.label(app.lang)} ({k.id})", t("palette.keys", keys=shown_keys(app, k)),
                                _runner(target, k.action))


def _runner(target: Any, action: str) -> Callable[[], Any]:
    """Run `action` on `target` once the palette has closed (focus is back where it was)."""
    def run() -> None:
        target.call_after_refresh(target.run_action, action)
    return run


def textual_commands(app: KamengApp, commands: Iterable[SystemCommand]) -> Iterator[SystemCommand]:
    """Textual's own commands under our words (and our theme picker, help, screenshot)."""
    t = Texts(app.lang)
    for command in commands:
        name = TEXTUAL_KEPT.get(command.title)
        if name is None:
            continue
        callback: Callable[[], Any] = command.callback
        if name == "theme":
            callback = lambda: pick_theme(app)      # noqa: E731
        elif name == "keys":
            callback = app.action_help
        elif name == "screenshot":
            callback = lambda: app.set_timer(0.1, lambda: screenshot(app))      # noqa: E731  (after the palette closes)
        yield SystemCommand(t(f"palette.sys.{name}"), t(f"palette.sys.{name}.help"), callback, command.discover)


def all_commands(app: KamengApp, screen: Screen[Any], textual_own: Iterable[SystemCommand]) -> Iterator[SystemCommand]:
    yield from textual_commands(app, textual_own)
    yield from key_commands(app, screen)


def open_palette(app: KamengApp) -> None:
    """ctrl+p: Textual's palette with our placeholder."""
    if app.use_command_palette and not any(isinstance(s, CommandPalette) for s in app.screen_stack):
        app.push_screen(CommandPalette(id="--command-palette", placeholder=Texts(app.lang)("palette.placeholder")))


def pick_theme(app: KamengApp) -> None:
    from textual.theme import ThemeProvider

    app.push_screen(CommandPalette(providers=[ThemeProvider], placeholder=Texts(app.lang)("palette.theme_placeholder")))


def screenshot(app: KamengApp) -> None:
    """An SVG of the screen in the current directory, and where it went."""
    try:
        path = app.save_screenshot()
    except OSError as exc:
        app.notify(Texts(app.lang)("palette.screenshot_failed", error=exc.strerror or type(exc).__name__),
                   severity="error")
        return
    app.notify(Texts(app.lang)("palette.screenshot_saved", path=Path(path).resolve()))
