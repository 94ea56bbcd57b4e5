"""The top line: supplier, balance, the low-balance alert with its recharge hint."""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static


class StatusBar(Static):
    def on_mount(self) -> None:
        self.watch(self.app, "status", self._show, init=True)

    def _show(self, status: Text) -> None:
        self.update(status)
