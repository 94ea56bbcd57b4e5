"""F1 / ?: the keys of the screen underneath, with their ids (what [keymap] remaps)."""

from __future__ import annotations

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from kameng_tui.tui.keys import SCOPES, Key
from kameng_tui.tui.text import Texts


def effective_keys(key: Key, keymap: dict[str, str]) -> str:
    return keymap.get(key.id, key.keys)


def shown_keys(app, keys: str) -> str:
    """Keys as people write them (`/`, `?`, `F1`, `^p`), through Textual's `key_display`,
    not their names (`slash`, `question_mark`)."""
    return ", ".join(app.get_key_display(Binding(k.strip(), "")) for k in keys.split(",") if k.strip())


class HelpScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape,q,question_mark,f1", "dismiss", show=False)]

    def __init__(self, scope: str) -> None:
        super().__init__()
        self.scope = scope

    def compose(self) -> ComposeResult:
        app = self.app
        t = Texts(app.lang)
        scope = self.scope
        keymap = dict(app.ctx.settings_view.keymap)
        table = Table(title=t("help.title", screen=t(f"screen.{scope}") if scope in ("catalog", "batch", "history", "settings") else scope),
                      show_edge=False, box=None, padding=(0, 2))
        table.add_column(t("help.col.key"))
        table.add_column("")
        table.add_column(t("help.col.id"), style="dim")
        for name in (scope, "grid" if scope == "batch" else "list", "app"):
            for k in SCOPES.get(name, ()):
                table.add_row(shown_keys(app, effective_keys(k, keymap)), k.label(app.lang), k.id)
        with VerticalScroll(id="help-box"):
            if scope == "batch":            # the grid takes printable keys: say which keys work there
                yield Static(t("help.grid_note"), id="help-note")
            yield Static(table)
