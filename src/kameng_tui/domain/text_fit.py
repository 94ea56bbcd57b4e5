"""Fitting product names (and other text people compare) into terminal cells.

A catalog of "腾讯视频VIP会员 官方直充 自动到账 全国通用 月卡" and "... 年卡" is useless
when the cut falls before the last word: every row reads the same. So a name too long
for its column is cut in the middle, keeping its head (the brand) and its tail and any
word that tells products apart (卡密/直充, 10元/100元, 月卡/年卡, PLUS/普通); the cut is
marked with ASCII `..` (never `…`, which Chinese terminals may draw two cells wide).

Width is in terminal cells: East-Asian Wide and Fullwidth characters take two, combining
marks none, everything else (the ambiguous ones included, as Rich and Textual count
them) one. Pure: no rich, no textual (domain/ must not import them).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

CUT = ".."

# Words that tell one product from its neighbours: amounts and periods, delivery kinds,
# editions. Kept before other middle words when not all fit.
TELLING = re.compile(
    r"""^(
        \d[\d.,]*\s*(元|块|币|点|点券|钻|钻石|金币|Q币|G|GB|M|MB|分钟|天|日|周|月|个月|季|年|小时|次|张|件|个)?
      | .*(卡密|直充|代充|月卡|季卡|年卡|周卡|日卡|天卡|会员|PLUS|Plus|plus|VIP|SVIP|普通|豪华|超级|高级|标准|
            移动|联通|电信|全国|省内|慢充|快充|秒充)
      | [A-Za-z]*\d+[A-Za-z]*
    )$""",
    re.VERBOSE,
)


@lru_cache(maxsize=4096)
def char_cells(ch: str) -> int:
    """Cells one character takes: 2 for Wide/Fullwidth, 0 for combining and zero-width."""
    if unicodedata.combining(ch) or unicodedata.category(ch) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def cells(text: str) -> int:
    """Terminal cells `text` takes (CJK counts two)."""
    if text.isascii():
        return len(text)
    return sum(char_cells(ch) for ch in text)


def head(text: str, width: int) -> str:
    """The longest start of `text` that fits in `width` cells (a wide character that
    would be halved is left out, never split)."""
    used = 0
    for i, ch in enumerate(text):
        w = char_cells(ch)
        if used + w > width:
            return text[:i]
        used += w
    return text


def tail(text: str, width: int) -> str:
    """The longest end of `text` that fits in `width` cells."""
    used = 0
    for i in range(len(text) - 1, -1, -1):
        w = char_cells(text[i])
        if used + w > width:
            return text[i + 1:]
        used += w
    return text


def pad(text: str, width: int, align: str = "left") -> str:
    """`text` (already fitting) padded with spaces to exactly `width` cells."""
    gap = " " * max(0, width - cells(text))
    return gap + text if align == "right" else text + gap


def _cut_middle(text: str, width: int) -> str:
    """One word too long: its start and its end around `..`, the end getting the larger
    half (where names differ)."""
    if width <= len(CUT):
        return head(text, width)
    room = width - len(CUT)
    end = tail(text, (room + 1) // 2)
    start = head(text, room - cells(end))
    return start + CUT + end


def _assemble(words: list[str], kept: set[int]) -> str:
    """Kept words in their order, one `..` where words were left out."""
    out: list[str] = []
    gap = False
    for i, w in enumerate(words):
        if i in kept:
            if gap and out:
                out.append(CUT)
            out.append(w)
            gap = False
        else:
            gap = True
    if gap:
        out.append(CUT)
    return " ".join(out)


def fit_name(name: str, width: int) -> str:
    """`name` in at most `width` terminal cells; a cut falls in the middle and is marked
    `..`, keeping the last word and the words that tell products apart.

    Unchanged when it fits. Otherwise, with words (split on spaces): the last word and
    the first, then telling words (amounts, 卡密/直充, 月卡/年卡, PLUS/普通...) from the
    end, then the other words from the end, each while the whole still fits; the first
    word is cut in its middle when it does not fit whole. A single long word (no
    spaces) keeps its start and its end, the end getting the larger half."""
    if width <= 0:
        return ""
    if cells(name) <= width:
        return name
    words = name.split()
    if not words:
        return ""
    if cells(" ".join(words)) <= width:
        return " ".join(words)
    last = len(words) - 1
    if last == 0 or cells(words[last]) + len(CUT) + 1 > width:
        return _cut_middle(" ".join(words), width)
    kept = {last}
    if cells(_assemble(words, {0, last})) > width:
        # the first word cut in its middle (an unspaced CJK name ends in 年卡, 100元...),
        # then the last word
        end = words[last]
        return f"{_cut_middle(words[0], width - cells(end) - 1)} {end}"
    kept.add(0)
    middle = range(last - 1, 0, -1)
    order = [i for i in middle if TELLING.match(words[i])] + [i for i in middle if not TELLING.match(words[i])]
    for i in order:
        if cells(_assemble(words, kept | {i})) <= width:
            kept.add(i)
    return _assemble(words, kept)


def fit(text: str, width: int, align: str = "left") -> str:
    """`fit_name` then padded to exactly `width` cells: a table cell."""
    return pad(fit_name(text, width), width, align)


# Line breaking for prose panes: never inside "60.00 元", never before a closing
# bracket or punctuation, never after an opening bracket.
CLOSERS = frozenset("，。、；：！？）】」』》〉)]}>,.;:!?%")
OPENERS = frozenset("（【「『《〈([{<")
UNITS = frozenset("元%")


def _may_break_before(text: str, i: int) -> bool:
    prev, cur = text[i - 1], text[i]
    if cur == " " or cur in CLOSERS or prev in OPENERS:
        return False
    if cur in UNITS or char_cells(cur) == 2:
        j = i - 1
        while j >= 0 and text[j] == " ":
            j -= 1
        if j >= 0 and text[j].isdigit():
            return False                   # "60.00 元", "60元", "98 %", "第 1 名", "30 天"
    if prev == " ":
        return True
    return char_cells(prev) == 2 or char_cells(cur) == 2


def wrap_spans(text: str, width: int) -> list[tuple[int, int]]:
    """(start, end) of each line when `text` is wrapped into `width` cells, breaking
    only where `_may_break_before` allows (a word longer than a line is folded).
    Trailing spaces are left out of a line; a line's leading spaces after a break too."""
    if width <= 0 or not text:
        return [(0, len(text))]
    spans: list[tuple[int, int]] = []
    start, used, last = 0, 0, -1
    i = 0
    while i < len(text):
        if i > start and _may_break_before(text, i):
            last = i
        w = char_cells(text[i])
        if used + w > width and text[i] != " ":
            cut = last if last > start else i
            if cut == start:                   # a single character wider than the line
                cut = i + 1
            end = cut
            while end > start and text[end - 1] == " ":
                end -= 1
            spans.append((start, end))
            start = cut
            while start < len(text) and text[start] == " ":
                start += 1
            i, used, last = start, 0, -1
            continue
        used += w
        i += 1
    end = len(text)
    while end > start and text[end - 1] == " ":
        end -= 1
    spans.append((start, end))
    return spans
