"""Which keys a text field takes as text, so the footer offers only keys that work
where focus is (DESIGN.md "Terminal text").

Textual drops a binding from the footer (and from the keys it runs) when the focused
widget's public `check_consume_key(key, character)` says it takes that key: `Input`
answers for printable characters. Two gaps are closed here: a widget that is not an
`Input` but takes typing (the batch grid), and Textual's own key names that its
`key_to_character` does not turn back into a character (`slash` is "/"), which left
`/ 搜索` in the footer while the search field had focus.
"""

from __future__ import annotations

from textual.keys import key_to_character
from textual.widgets import Input

NAMED = {"slash": "/", "minus": "-", "plus": "+", "at": "@", "backslash": "\\", "underscore": "_"}
"""Key names Textual gives these characters (`events.Key.key`) that `key_to_character`
answers None for (textual 8.2.8)."""


def takes_as_text(key: str, character: str | None = None) -> bool:
    """True when `key` types a character into a text field (not F-keys, ctrl+..., Enter)."""
    ch = character or key_to_character(key) or NAMED.get(key)
    return ch is not None and ch.isprintable()


class TextField(Input):
    """An `Input` that also owns `/`, `-`, `+` ... (Textual's own `Input` misses them):
    a binding on such a key is neither offered nor run while the field has focus."""

    def check_consume_key(self, key: str, character: str | None) -> bool:
        return takes_as_text(key, character)
