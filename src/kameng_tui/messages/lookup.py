"""`text(key, lang, **params)` and the values that carry a message until it is shown.

Code that raises an error or builds a line of output does not know the reader's
language; it holds a `Msg` (a key and its parameters) and the face renders it with
`.text(lang)`. A missing key or a bad placeholder never crashes a screen: the reader
gets the key or the raw template, the log gets a warning, and tests/test_messages.py
fails the build.
"""

from __future__ import annotations

import logging
import string
from decimal import Decimal
from typing import Any, Iterable

from kameng_tui.messages.aliases import ALIASES
from kameng_tui.messages.catalog import CATALOG

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"

log = logging.getLogger("kameng_tui.messages")
_warned: set[str] = set()


class Localized:
    """Base of the values that render themselves in a language: Msg, Plain, Joined.
    (A base class rather than a Protocol: `isinstance` runs for every parameter.)"""

    __slots__ = ()

    def text(self, lang: str = DEFAULT_LANG) -> str:
        raise NotImplementedError

    def __str__(self) -> str:            # the default language, as `.message` has always been
        return self.text(DEFAULT_LANG)


class HasMsg:
    """For values that hold their message in `msg`: `.message` is the zh text (what
    a ledger reason stores), `.message_en` the English one."""

    __slots__ = ()
    msg: Localized

    @property
    def message(self) -> str:
        return self.msg.text(DEFAULT_LANG)

    @property
    def message_en(self) -> str:
        return self.msg.text("en")


def lang_of(lang: str | None) -> str:
    """"en" is English; anything else (None, "zh", a typo) is the default, Chinese."""
    return "en" if lang == "en" else DEFAULT_LANG


def template(key: str, lang: str = DEFAULT_LANG) -> str | None:
    """The raw template of `key` in `lang` (the other language if this one is empty),
    or None when the catalog has no such key. A renamed key (messages/aliases.py)
    finds its new name: events hold keys and are never rewritten."""
    pair = CATALOG.get(key)
    if pair is None:
        pair = CATALOG.get(ALIASES.get(key, ""))
    if pair is None:
        return None
    zh, en = pair
    return (en or zh) if lang_of(lang) == "en" else (zh or en)


def text(key: str, lang: str = DEFAULT_LANG, /, **params: Any) -> str:
    """The message `key` in `lang` with `params` filled in.

    A parameter that is itself a message (Msg, Plain, Joined) is rendered in the same
    language first, so "第 {row} 行" / "row {row}" can nest inside another message.
    """
    lang = lang_of(lang)
    found = template(key, lang)
    if found is None:
        _warn(key, "missing message key %r", key)
        return key
    if not params:
        return found
    values = {k: v.text(lang) if isinstance(v, Localized) else v for k, v in params.items()}
    try:
        return _COUNTED.format(found, **values) if "|" in found else found.format(**values)
    except (KeyError, IndexError, ValueError, AttributeError, TypeError) as exc:
        _warn(key, "message %r (%s) cannot be formatted: %s: %s", key, lang, type(exc).__name__, exc)
        return found


class _Counted(string.Formatter):
    """`{n:order|orders}` is "order" when n is 1, else "orders": an English count agrees
    with its noun ("1 order", "2 orders"). A placeholder without `|` formats as usual."""

    def format_field(self, value: Any, format_spec: str) -> str:
        if "|" not in format_spec:
            return str(super().format_field(value, format_spec))
        one, many = format_spec.split("|", 1)
        try:
            single = Decimal(str(value)) == 1
        except ArithmeticError:
            single = False
        return one if single else many


_COUNTED = _Counted()


def _warn(key: str, fmt: str, *args: object) -> None:
    """Once per key: a screen redraws many times a second."""
    if key not in _warned:
        _warned.add(key)
        log.warning(fmt, *args)


class Msg(Localized):
    """A catalog key and its parameters, rendered when the reader's language is known.

    `Msg("cli.limit_range", lo=1, hi=1000).text("en")`. Parameters are plain values
    (numbers, names, upstream text) or other messages. Never put a secret in one.
    """

    __slots__ = ("key", "params")

    def __init__(self, key: str, /, **params: Any) -> None:
        self.key = key
        self.params = params

    def text(self, lang: str = DEFAULT_LANG) -> str:
        return text(self.key, lang, **self.params)

    def __repr__(self) -> str:
        args = "".join(f", {k}={v!r}" for k, v in self.params.items())
        return f"Msg({self.key!r}{args})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Msg) and other.key == self.key and other.params == self.params

    def __hash__(self) -> int:
        try:
            return hash((self.key, tuple(sorted(self.params.items()))))
        except TypeError:
            return hash(self.key)


class Plain(Localized):
    """Text that is the same in every language: upstream words, a file name, or (only
    for code not yet converted) an inline zh/en pair."""

    __slots__ = ("zh", "en")

    def __init__(self, zh: str, en: str | None = None) -> None:
        self.zh = zh
        self.en = zh if en is None else en

    def text(self, lang: str = DEFAULT_LANG) -> str:
        return self.en if lang_of(lang) == "en" else self.zh

    def __repr__(self) -> str:
        return f"Plain({self.zh!r}, {self.en!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Plain) and (other.zh, other.en) == (self.zh, self.en)

    def __hash__(self) -> int:
        return hash((self.zh, self.en))


class Joined(Localized):
    """Several messages shown as one: `sep` (a catalog key, e.g. "sep.list" = "；" / "; ")
    between the parts, or nothing between them when `sep` is None."""

    __slots__ = ("parts", "sep")

    def __init__(self, parts: Iterable[Localized | str], sep: str | None = "sep.list") -> None:
        self.parts = tuple(parts)
        self.sep = sep

    def text(self, lang: str = DEFAULT_LANG) -> str:
        between = "" if self.sep is None else text(self.sep, lang)
        return between.join(render(p, lang) for p in self.parts)

    def __repr__(self) -> str:
        return f"Joined({self.parts!r}, sep={self.sep!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Joined) and (other.parts, other.sep) == (self.parts, self.sep)

    def __hash__(self) -> int:
        return hash((self.parts, self.sep))


def render(value: Localized | str, lang: str = DEFAULT_LANG) -> str:
    """A message in `lang`; a plain str as it is."""
    return value.text(lang) if isinstance(value, Localized) else str(value)
