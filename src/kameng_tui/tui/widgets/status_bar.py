"""The header: the team ledger's notices, supplier, balance, the low-balance alert with
its recharge hint. One line when it fits; folded onto up to three at a narrow width, each
part whole (tui/header_fold.py)."""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.widgets import Static

from kameng_tui.tui.header_fold import fold


class StatusBar(Static):
    _parts: tuple[Text, ...] = ()
    _drawn: tuple[int, str] | None = None        # (width, text) last drawn

    def on_mount(self) -> None:
        self.watch(self.app, "status", self._show, init=True)

    def _show(self, parts: tuple[Text, ...]) -> None:
        self._parts = parts
        self._draw(force=True)

    def on_resize(self, event: events.Resize) -> None:
        self._draw()

    def _draw(self, force: bool = False) -> None:
        width = self.size.width or self.app.size.width
        text = fold(self._parts, width)
        key = (width, text.plain)
        if force or key != self._drawn:          # a new height resizes the bar: no redraw for that alone
            self._drawn = key
            self.update(text)
