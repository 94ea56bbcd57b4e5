"""The pure offer choice for a 1,000-line batch (issue 18: <= 50 ms), quotes and balances
already fetched: `split_batch` ranks each line's offers, checks shelf, stock (less what
earlier lines hold), health and balance (less unsettled and what earlier lines took),
and builds the split per supplier. Balances are set so the cheapest supplier runs dry
part way (lines spill over), some offers are sold out and one supplier is unhealthy.

Baseline in the same run: for each line, a plain sort of the same offers by cost and
the first one taken (no eligibility, no reasons): what choosing costs at the least.

    .venv/bin/python benchmarks/bench_offer_choice.py [--lines 1000] [--products 200] [--runs 50]
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from datetime import datetime, timezone
from decimal import Decimal

from kameng_tui.domain.offer_split import BatchLine, split_batch
from kameng_tui.domain.offer_values import Health, Offer, OffersPolicy, SupplierState

SUPPLIERS = ("alpha", "beta", "gamma")
AT = datetime(2026, 12, 7, 8, 0, tzinfo=timezone.utc)


def build(lines: int, products: int, tight: bool, seed: int = 7) -> tuple[list[BatchLine], dict[str, tuple[Offer, ...]],
                                                              dict[str, SupplierState]]:
    rnd = random.Random(seed)
    offers: dict[str, tuple[Offer, ...]] = {}
    for p in range(products):
        pid = f"@P{p:04d}"
        base = Decimal(rnd.randint(500, 60000)) / 100
        offers[pid] = tuple(
            Offer(sku=f"{s}:{pid[1:]}", supplier=s, product_id=pid,
                  unit_cost=base + Decimal(rnd.randint(-50, 50)) / 100, on_shelf=rnd.random() > 0.03,
                  stock=None if rnd.random() < 0.3 else rnd.randint(0, 40), synced_at=AT)
            for s in SUPPLIERS)
    batch = [BatchLine(i, f"@P{rnd.randrange(products):04d}", rnd.randint(1, 3)) for i in range(1, lines + 1)]
    alpha, beta = ("40000", "90000") if tight else ("250000", "400000")
    states = {"alpha": SupplierState("alpha", Decimal(alpha), Decimal("1200")),
              "beta": SupplierState("beta", Decimal(beta), Decimal("0")),
              "gamma": SupplierState("gamma", Decimal("500000"), Decimal("0"),
                                     Health(ok=False, why="unknowns", since=AT))}
    return batch, offers, states


def timed(fn, runs: int) -> list[float]:  # type: ignore[no-untyped-def]
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def p95(xs: list[float]) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, round(0.95 * (len(s) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--lines", type=int, default=1000)
    ap.add_argument("--products", type=int, default=200)
    ap.add_argument("--runs", type=int, default=50)
    args = ap.parse_args()
    print(f"{args.lines} lines over {args.products} products x {len(SUPPLIERS)} suppliers (gamma unhealthy), "
          f"{args.runs} runs")
    for tight in (False, True):
        run(args.lines, args.products, args.runs, tight)


def run(lines: int, products: int, runs: int, tight: bool) -> None:
    batch, offers, states = build(lines, products, tight)
    policy = OffersPolicy()
    split = split_batch(batch, offers, states, policy)
    print(f"-- balances {'tight: the suppliers run dry early' if tight else 'ample'}: {len(split.lines)} lines "
          f"placed, {len(split.refused)} without an eligible offer (each offer with its reason)")
    for share in split.shares:
        print(f"    {share.msg.text('en')}")

    def baseline() -> None:
        for line in batch:
            sorted(offers[line.product_id], key=lambda o: o.unit_cost)[0]

    for _ in range(3):                                  # warm up
        split_batch(batch, offers, states, policy)
        baseline()
    choice = timed(lambda: split_batch(batch, offers, states, policy), runs)
    base = timed(baseline, runs)
    m, b = statistics.median(choice), statistics.median(base)
    print(f"  split_batch    median {m:6.2f} ms  p95 {p95(choice):6.2f} ms  (target <= 50 ms)")
    print(f"  baseline sort  median {b:6.2f} ms  p95 {p95(base):6.2f} ms")
    print(f"  ratio          {m / b:.1f}x the plain sort; {m / lines * 1000:.1f} us a line")


if __name__ == "__main__":
    main()
