"""Product names cut to a width in terminal cells, in the middle, so that the words
that tell products apart stay visible.

Names of one family differ in their last words (卡密/直充, 10元/100元, 月卡/年卡,
PLUS/普通): the tail is kept whole, the head keeps a few cells of context, and the
cut is marked with ASCII `..` (never `...` in one ambiguous-width glyph). A cut
never splits a number or a Latin word: "100元" never shows as "00元".
Pure Python; CJK and fullwidth characters count two cells.
"""

from __future__ import annotations

import re
import unicodedata

MARK = ".."
_WORD = re.compile(r"[0-9]+(?:\.[0-9]+)?[元角个天月年张]?|[A-Za-z]+|[周月季年]卡")
"""Never cut inside: a number with its unit (10元), a Latin word (PLUS), a period (年卡)."""
_EDGE = " :-_/"
HEAD_FROM = 12
"""Below this many cells of room the tail takes all of it: the head is only context."""


def cells(text: str) -> int:
    """Terminal cells of `text`: East-Asian Wide and Fullwidth count two."""
    return sum(_char_cells(ch) for ch in text)


def _char_cells(ch: str) -> int:
    if unicodedata.combining(ch):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def _boundaries(name: str) -> set[int]:
    """Indexes where a cut may fall: not inside a run of digits or Latin letters."""
    inside = set()
    for m in _WORD.finditer(name):
        inside.update(range(m.start() + 1, m.end()))
    return {i for i in range(len(name) + 1) if i not in inside}


def fit_name(name: str, width: int) -> str:
    """`name` in at most `width` cells: whole when it fits, else head + `..` + tail."""
    if width <= 0:
        return ""
    if cells(name) <= width:
        return name
    if width <= len(MARK):
        return _head(name, width, set(range(len(name) + 1)))
    ok = _boundaries(name)
    room = width - len(MARK)
    head_room = 0 if room < HEAD_FROM else min(room // 4, 8)
    tail = _tail(name, room - head_room, ok)
    head = _head(name[: len(name) - len(tail)], room - cells(tail), ok)
    if not head.strip() and not tail:                 # one long word: cut it anyway
        return _head(name, room, set(range(len(name) + 1))) + MARK
    return head.rstrip(_EDGE) + MARK + tail.lstrip(_EDGE)


def _tail(name: str, room: int, ok: set[int]) -> str:
    used, start = 0, len(name)
    for i in range(len(name) - 1, -1, -1):
        used += _char_cells(name[i])
        if used > room:
            break
        start = i
    while start < len(name) and start not in ok:      # never start inside a number or word
        start += 1
    return name[start:]


def _head(name: str, room: int, ok: set[int]) -> str:
    used, end = 0, 0
    for i, ch in enumerate(name):
        used += _char_cells(ch)
        if used > room:
            break
        end = i + 1
    while end > 0 and end not in ok:
        end -= 1
    return name[:end]
