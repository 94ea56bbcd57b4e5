"""The batch screen's questions: a choice among a few answers (quit mid-batch, the
start-up offer of a batch with unsent lines) and a box to paste a batch into."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Static, TextArea

from kameng_tui.tui.text import Texts


class ChoiceScreen(ModalScreen[str | None]):
    """`choices` = (answer, label, key); Esc answers None."""

    BINDINGS = [Binding("escape", "answer(None)", show=False)]

    def __init__(self, question: str, choices: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self.question = question
        self.choices = choices

    def compose(self) -> ComposeResult:
        with Vertical(id="choice-box"):
            yield Static(self.question, id="choice-question")
            for answer, label, _ in self.choices:
                yield Button(label, id=f"choice-{answer}")

    def on_mount(self) -> None:
        self.query(Button).first().focus()

    def on_key(self, event) -> None:
        for answer, _, key in self.choices:
            if key and event.key == key:
                event.stop()
                self.dismiss(answer)
                return

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss((event.button.id or "").removeprefix("choice-"))

    def action_answer(self, answer: str | None) -> None:
        self.dismiss(answer)


class PasteScreen(ModalScreen[str | None]):
    """A box for terminals whose paste key does not reach the grid as a paste."""

    BINDINGS = [Binding("escape", "cancel", show=False)]

    def compose(self) -> ComposeResult:
        t = Texts(self.app.lang)
        with Vertical(id="paste-box"):
            yield Static(t("batch.paste_title"))
            yield TextArea(id="paste-text", soft_wrap=False)
            with Horizontal():
                yield Button(t("batch.import"), id="paste-import", variant="primary")
                yield Button(t("batch.cancel_btn"), id="paste-cancel")

    def on_mount(self) -> None:
        self.query_one(TextArea).focus()

    @on(Button.Pressed, "#paste-import")
    def _import(self) -> None:
        self.dismiss(self.query_one(TextArea).text)

    @on(Button.Pressed, "#paste-cancel")
    def action_cancel(self) -> None:
        self.dismiss(None)
