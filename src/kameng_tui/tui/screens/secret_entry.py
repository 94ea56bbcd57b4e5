"""One secret typed in (hidden): a supplier's secret on a new machine, after a lost
keyring or a rotated key. Enter gives it, Esc gives nothing; the screen never shows or
keeps it."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from kameng_tui.tui.text import Texts


class SecretEntry(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", show=False)]

    def __init__(self, title: str) -> None:
        super().__init__()
        self.title_text = title

    def compose(self) -> ComposeResult:
        t = Texts(self.app.lang)
        with Vertical(id="confirm-box"):
            yield Static(self.title_text)
            yield Input(password=True, id="secret-entry")
            yield Static(t("sup.secret_keys"), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#secret-entry", Input).focus()

    @on(Input.Submitted, "#secret-entry")
    def _entered(self, event: Input.Submitted) -> None:
        self.dismiss(event.value.strip() or None)

    def action_cancel(self) -> None:
        self.dismiss(None)
