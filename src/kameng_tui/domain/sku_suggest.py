"""Did you mean: the product ids of one supplier nearest to an unknown one (issue 15).

`HF-CM-5O` (a letter O typed for a zero) is one edit from `HF-CM-50`. The distance is
Damerau-Levenshtein in its optimal-string-alignment form (insert, delete, substitute,
swap two neighbours: one edit each), case-insensitive. Ids longer or shorter by more
than the limit are dropped first; the rest, often most of a 100,000-SKU catalog, are
compared all at once: the dynamic programme runs over the query's characters with numpy
rows as wide as the candidate list, not a Python loop per candidate
(benchmarks/bench_sku_suggest.py prints the figure).
"""

from __future__ import annotations

from typing import Iterable

import numpy as np

MAX_DISTANCE = 2
MAX_SUGGESTIONS = 3


class Neighbours:
    """One supplier's product ids, made ready once to be compared with many queries:
    casefolded code points in columns (position j of every id is one contiguous row)
    and their lengths. Built on the first unknown SKU and kept with the catalog index."""

    def __init__(self, ids: Iterable[str]) -> None:
        self.ids = list(ids)
        folded = [i.casefold() for i in self.ids]
        self.width = max((len(w) for w in folded), default=0)
        self.lens = np.fromiter((len(w) for w in folded), dtype=np.intp, count=len(folded))
        joined = "".join(w.ljust(self.width, "\0") for w in folded)       # 0 is never in an id
        flat = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
        self.chars = flat.reshape(len(folded), self.width).T.copy() if self.width else np.zeros((0, len(folded)),
                                                                                                    np.uint32)

    def nearest(self, query: str, *, max_distance: int = MAX_DISTANCE, limit: int = MAX_SUGGESTIONS) -> tuple[str, ...]:
        """Up to `limit` ids within `max_distance` edits of `query`, nearest first (then
        in text order); the query itself is never suggested, the same id in other
        letter case is (distance 0)."""
        typed = query.strip()
        if not typed or not self.ids:
            return ()
        rows = np.flatnonzero(np.abs(self.lens - len(typed)) <= max_distance)
        if not len(rows):
            return ()
        dist = _distances(typed.casefold(), self.chars[:, rows], self.lens[rows], max_distance)
        close = np.flatnonzero(dist <= max_distance)
        found = sorted((int(dist[k]), self.ids[rows[k]]) for k in close)
        return tuple(i for _, i in found if i != typed)[:limit]


def _distances(q: str, chars: np.ndarray, lens: np.ndarray, cap: int) -> np.ndarray:
    """The optimal-string-alignment distance from `q` to each column of `chars` (ids of
    length `lens`), or `cap + 1` for any distance above `cap`.

    Only the band |i - j| <= cap of the table can stay within `cap`, so only it is
    computed; cells outside it count as cap + 1. After each character of the query,
    ids whose whole band is above `cap` are dropped: they cannot come back."""
    over = cap + 1
    count = chars.shape[1]
    out = np.full(count, over, dtype=np.int16)
    width = chars.shape[0]
    alive = np.arange(count)
    prev = np.full((width + 1, count), over, dtype=np.int16)
    prev[: min(width, cap) + 1] = np.arange(min(width, cap) + 1, dtype=np.int16)[:, None]
    before: np.ndarray | None = None
    for i in range(1, len(q) + 1):
        qi = ord(q[i - 1])
        qp = ord(q[i - 2]) if i > 1 else -1
        cur = np.full_like(prev, over)
        if i <= cap:
            cur[0] = i
        for j in range(max(1, i - cap), min(width, i + cap) + 1):
            cost = (chars[j - 1] != qi).astype(np.int16)
            best = np.minimum(np.minimum(prev[j] + 1, cur[j - 1] + 1), prev[j - 1] + cost)
            if before is not None and j > 1:
                swapped = (chars[j - 2] == qi) & (chars[j - 1] == qp)
                best = np.where(swapped, np.minimum(best, before[j - 2] + 1), best)
            cur[j] = np.minimum(best, over)
        keep = cur[max(0, i - cap):min(width, i + cap) + 1].min(axis=0) <= cap
        if not keep.all():
            alive, chars, lens = alive[keep], chars[:, keep], lens[keep]
            cur, prev = cur[:, keep], prev[:, keep]
            if not len(alive):
                return out
        before, prev = prev, cur
    out[alive] = prev[lens, np.arange(len(alive))]
    return out


def nearest(query: str, ids: Iterable[str], *, max_distance: int = MAX_DISTANCE,
            limit: int = MAX_SUGGESTIONS) -> tuple[str, ...]:
    """`Neighbours(ids).nearest(query)`, for a list used once."""
    return Neighbours(ids).nearest(query, max_distance=max_distance, limit=limit)
