"""The batch screen's questions: a choice among a few answers (quit mid-batch, the
start-up offer of a batch with unsent lines), a box to paste a batch into, and a
list to pick one of a product's choices (大区, 服务器) from, filtered as you type."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, OptionList, Static, TextArea
from textual.widgets.option_list import Option

from kameng_tui.domain.search_keys import filter_choices

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


class PickScreen(ModalScreen[str | None]):
    """One of `options`: typing filters (pinyin and initials too), up/down move,
    Enter or a click picks, Esc picks nothing."""

    BINDINGS = [Binding("escape", "cancel", show=False), Binding("down", "move(1)", show=False),
                Binding("up", "move(-1)", show=False)]

    def __init__(self, title: str, options: tuple[str, ...], current: str | None = None) -> None:
        super().__init__()
        self.title_text = title
        self.options = options
        self.current = current
        self.keys: dict[str, str] = {}          # option -> its pinyin keys, once computed
        self.shown: list[str] = list(options)

    def compose(self) -> ComposeResult:
        t = Texts(self.app.lang)
        with Vertical(id="pick-box"):
            yield Static(self.title_text, id="pick-title")
            yield Input(placeholder=t("batch.pick_filter"), id="pick-filter")
            yield OptionList(*[Option(o, id=o) for o in self.options], id="pick-list")
            yield Static("", id="pick-empty", classes="hidden")
            yield Static(t("batch.pick_keys"), id="pick-keys")

    def on_mount(self) -> None:
        self.query_one(Input).focus()
        listed = self.query_one(OptionList)
        listed.highlighted = self.options.index(self.current) if self.current in self.options else 0
        self._pinyin()

    @work(thread=True, exit_on_error=False)
    def _pinyin(self) -> None:
        """Pinyin keys off the UI thread (the first use imports pypinyin, ~0.2 s)."""
        from kameng_tui.domain.search_keys import keys_for

        keys = {o: keys_for(o) for o in self.options}
        self.app.call_from_thread(self._keys_ready, keys)

    def _keys_ready(self, keys: dict[str, str]) -> None:
        self.keys = keys
        self._refilter(self.query_one(Input).value)

    @on(Input.Changed)
    def _typed(self, event: Input.Changed) -> None:
        self._refilter(event.value)

    def _refilter(self, text: str) -> None:
        shown = filter_choices(self.options, text, self.keys)
        if shown == self.shown:
            return
        self.shown = shown
        listed = self.query_one(OptionList)
        listed.clear_options()
        listed.add_options([Option(o, id=o) for o in shown])
        if shown:
            listed.highlighted = 0
        empty = self.query_one("#pick-empty", Static)
        empty.update("" if shown else Texts(self.app.lang)("batch.pick_nothing"))
        empty.set_class(bool(shown), "hidden")

    def action_move(self, step: int) -> None:
        listed = self.query_one(OptionList)
        if self.shown:
            listed.highlighted = max(0, min(len(self.shown) - 1, (listed.highlighted or 0) + step))

    @on(Input.Submitted)
    def _enter(self) -> None:
        listed = self.query_one(OptionList)
        if self.shown and listed.highlighted is not None:
            self.dismiss(self.shown[listed.highlighted])

    @on(OptionList.OptionSelected)
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_cancel(self) -> None:
        self.dismiss(None)
