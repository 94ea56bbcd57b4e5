"""The TUI's entry point to the message catalog: `t("key", **values)` in the app's language.

The words themselves live in kameng_tui.messages (tui.py, batch_screen.py, keys.py),
shared with the CLI and the errors; a missing translation is a test failure there
rather than a blank on screen. Error codes and JSON stay English.
"""

from __future__ import annotations

from typing import Any

from kameng_tui.messages import Localized, lang_of, render, text


class Texts:
    """`t("key", **values)` in the configured language (zh unless "en")."""

    def __init__(self, lang: str = "zh") -> None:
        self.lang = lang_of(lang)

    def __call__(self, key: str, /, **values: Any) -> str:
        return text(key, self.lang, **values)

    def show(self, message: Localized | str) -> str:
        """A message made elsewhere (an error, a row check, a tag reason) in this language."""
        return render(message, self.lang)
