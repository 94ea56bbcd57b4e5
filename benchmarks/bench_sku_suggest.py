"""Did you mean on a 100,000-SKU catalog: build once, then one lookup per unknown SKU.

The demo catalog at 100k is one supplier; 97% of its ids are 10 characters long, so the
length filter keeps almost all of them for a 10-character query (the worst case, shown
as `PC-2332O03`). Baseline in the same run: the same distance computed by a plain
Python loop over the same candidates (what a naive implementation would do).

    .venv/bin/python benchmarks/bench_sku_suggest.py [--size 100000] [--repeat 20]
"""

from __future__ import annotations

import argparse
import statistics
import time

from kameng_tui.domain.sku_suggest import MAX_DISTANCE, Neighbours
from kameng_tui.suppliers.demo import generate_catalog

QUERIES = ["HF-CM-5O", "PC-2332O03", "PC-233200", "hf-cm-50", "ZZZZZZZZZZ"]


def osa(a: str, b: str) -> int:
    """The same distance, one pair at a time, in plain Python."""
    a, b = a.casefold(), b.casefold()
    d = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i in range(len(a) + 1):
        d[i][0] = i
    for j in range(len(b) + 1):
        d[0][j] = j
    for i in range(1, len(a) + 1):
        for j in range(1, len(b) + 1):
            d[i][j] = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                d[i][j] = min(d[i][j], d[i - 2][j - 2] + 1)
    return d[-1][-1]


def naive(query: str, ids: list[str]) -> tuple[str, ...]:
    near = [(osa(query, i), i) for i in ids if abs(len(i) - len(query)) <= MAX_DISTANCE and i != query]
    return tuple(i for d, i in sorted(near) if d <= MAX_DISTANCE)[:3]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=20)
    args = ap.parse_args()
    ids = [p.product_id for p in generate_catalog(args.size)]
    print(f"catalog: {len(ids)} ids of one supplier, repeat {args.repeat}")
    t = time.perf_counter()
    near = Neighbours(ids)
    print(f"build (once per catalog index and supplier): {(time.perf_counter() - t) * 1000:.0f} ms")
    for q in QUERIES:
        times = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            found = near.nearest(q)
            times.append(time.perf_counter() - t)
        kept = sum(abs(len(i) - len(q)) <= MAX_DISTANCE for i in ids)
        print(f"{q:<12} {kept:>6} candidates  median {statistics.median(times) * 1000:6.1f} ms  "
              f"max {max(times) * 1000:6.1f} ms  -> {', '.join(found) or '-'}")
    q = QUERIES[1]
    t = time.perf_counter()
    assert naive(q, ids) == near.nearest(q)
    print(f"baseline, plain Python loop, {q}: {(time.perf_counter() - t) * 1000:.0f} ms (same answer)")


if __name__ == "__main__":
    main()
