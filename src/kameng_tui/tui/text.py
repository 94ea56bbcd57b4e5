"""The TUI's entry point to the message catalog: `t("key", **values)` in the app's language.

The words themselves live in kameng_tui.messages (tui.py, batch_screen.py, keys.py),
shared with the CLI and the errors; a missing translation is a test failure there
rather than a blank on screen. Error codes and JSON stay English.
"""

from __future__ import annotations

from typing import Any

from kameng_tui.messages import HasMsg, Joined, Localized, Msg, lang_of, render, template, text


class Texts:
    """`t("key", **values)` in the configured language (zh unless "en")."""

    def __init__(self, lang: str = "zh") -> None:
        self.lang = lang_of(lang)

    def __call__(self, key: str, /, **values: Any) -> str:
        return text(key, self.lang, **values)

    def show(self, message: Localized | str) -> str:
        """A message made elsewhere (an error, a row check, a tag reason) in this language,
        in the app's words where the shared one names a CLI command (`in_app.<key>`)."""
        return render(in_app(message), self.lang)

    def error(self, exc: HasMsg) -> str:
        """An error's message as the app says it (see `show`)."""
        return self.show(exc.msg)


def in_app(message: Localized | str) -> Localized | str:
    """`message` with every part that has an app twin (messages/in_app.py) swapped for it."""
    if isinstance(message, Msg):
        params = {k: in_app(v) if isinstance(v, Localized) else v for k, v in message.params.items()}
        twin = f"in_app.{message.key}"
        return Msg(twin if template(twin) is not None else message.key, **params)
    if isinstance(message, Joined):
        return Joined((in_app(p) for p in message.parts), message.sep)
    return message
