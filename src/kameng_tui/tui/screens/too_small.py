"""Below 80x24: say so, with the current size, and keep running.

Pushed over whatever is showing (a dialog included) and taken away as soon as the
terminal is large enough again, so the screen underneath comes back as it was: nothing
is rebuilt, no order or typed text is lost. While it shows, only quitting works (the app
refuses the other actions in `check_action`): a key typed blind goes nowhere.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import ModalScreen
from textual.widgets import Static

MIN_W, MIN_H = 80, 24


def too_small(width: int, height: int) -> bool:
    return width < MIN_W or height < MIN_H


class TooSmallScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    TooSmallScreen { align: center middle; background: $background; }
    #too-small { width: auto; max-width: 100%; height: auto; padding: 0 1; }
    """

    def compose(self) -> ComposeResult:
        yield Static(self._text(*self.app.size), id="too-small")

    def _text(self, width: int, height: int) -> str:
        t = self.app.t
        return t("tui.too_small", min_w=MIN_W, min_h=MIN_H, w=width, h=height) + "\n" + t("tui.too_small_hint")

    def show(self, width: int, height: int) -> None:
        """The size changed but is still too small (the app takes the notice away once
        it is large enough)."""
        for notice in self.query("#too-small").results(Static):    # none yet before compose
            notice.update(self._text(width, height))
