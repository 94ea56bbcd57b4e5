"""Bar charts in ASCII: block elements are East-Asian-ambiguous and break the
alignment of Chinese terminals that draw them two cells wide."""

from __future__ import annotations

from decimal import Decimal
from typing import Sequence

from rich.text import Text


def bars(points: Sequence[tuple[str, Decimal]], width: int = 20, style: str = "green") -> list[Text]:
    """One line per point: label, a bar scaled between the min and max, the value."""
    if not points:
        return []
    values = [v for _, v in points]
    lo, hi = min(values), max(values)
    span = hi - lo
    label_w = max(len(label) for label, _ in points)
    out = []
    for label, v in points:
        n = width if span == 0 else 1 + int((v - lo) / span * (width - 1))
        line = Text(f"  {label:<{label_w}} ")
        line.append("=" * n, style=style)
        line.append(" " * (width - n) + f" {v:.2f}")
        out.append(line)
    return out
