"""The header's parts laid out on as few lines as the terminal's width allows (issue 19).

A team terminal can have three notices at once (a weak TLS mode, a clock off the
server's, the server offline since its mirror synced) beside the title and the
suppliers' balances: at 80 columns, more so in zh (CJK is two cells wide), one line cut
the last notice in half. The header is a list of parts, most important first; each part
is kept whole on one line (never broken mid-word or mid-time), a part that does not fit
goes to the next line, up to MAX_LINES (the rest is cropped on the last, where only
balances land: the notices and counts come first, tui/app_header.py).
"""

from __future__ import annotations

from typing import Sequence

from rich.text import Text

MAX_LINES = 3


def _lead(part: Text) -> Text:
    """`part` without the spaces that separate it from the part before it."""
    n = len(part.plain) - len(part.plain.lstrip(" "))
    return part[n:] if n else part


def fold(parts: Sequence[Text], width: int, max_lines: int = MAX_LINES) -> Text:
    """The parts (each carrying its own leading separator) as lines of at most `width`
    cells; a line starts without its first part's separator."""
    lines: list[Text] = []
    for part in parts:
        if lines and lines[-1].cell_len + part.cell_len <= width:
            lines[-1].append_text(part)
        elif not lines or len(lines) < max_lines:
            lines.append(_lead(part).copy() if lines else part.copy())
        else:
            lines[-1].append_text(part)          # past the last line: cropped with it
    out = Text("\n").join(lines) if lines else Text("")
    out.no_wrap, out.overflow = True, "crop"
    return out
