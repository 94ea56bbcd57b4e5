"""The team ledger's cost (issue 19): 1,000 intents on PostgreSQL and on SQLite in the
same run, each its own transaction (what one checkout commits), then 1,000 as one batch
transaction (what `batch run` commits). Prints median and p95 per intent, the batch's
time, and the ratios PG / SQLite. Target: the 1,000 intents of a batch <= 300 ms on
PostgreSQL (issue 19); the batch is timed `--batches` times (median and p95).

The server: KAMENG_TUI_TEST_PG_URL when set, else a pgserver started in a temp dir
(`pip install -e '.[test]'` brings it). A local server measures the store's own work
(lock, guards, hash, projection, fsync); a remote one adds the network's round trips.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from kameng_tui.domain.models import Delivery  # noqa: E402
from kameng_tui.ledger.store import NewBatch, NewOrder, RepeatGuard  # noqa: E402

N = int(os.environ.get("BENCH_N", "1000"))
T0 = datetime(2026, 11, 1, 4, 0, tzinfo=timezone.utc)


def intent(i: int, tag: str) -> NewOrder:
    return NewOrder(order_no=f"KM2611011200{tag}{i:08d}", sku="demo:HF-CM-100", supplier="demo",
                    product_id="HF-CM-100", product_name="移动话费100元 直充", category="话费/中国移动",
                    delivery=Delivery.DIRECT, quantity=1, account={"account": f"138{i:08d}"},
                    unit_cost=Decimal("98.5000"), unit_price=Decimal("100.00"), request_json="{}", ref=f"R{tag}{i}")


BATCHES = int(os.environ.get("BENCH_BATCHES", "5"))


def run(store, tag: str) -> tuple[list[float], list[float]]:
    per: list[float] = []
    for i in range(N):
        t = time.perf_counter()
        store.create_intents([intent(i, tag)], at=T0 + timedelta(seconds=i),
                             repeat=RepeatGuard(since=T0 - timedelta(minutes=10), window_s=600))
        per.append(time.perf_counter() - t)
    batches, cpu = [], []
    for b in range(BATCHES):
        t, c = time.perf_counter(), time.process_time()
        store.create_intents([intent((b + 1) * N + i, tag) for i in range(N)],
                             NewBatch(f"bench-{tag}-{b}", "bench.txt", N), at=T0 + timedelta(hours=2 + b))
        batches.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    print(f"{tag}: this process's CPU in one batch transaction of {N}: median {statistics.median(cpu) * 1000:.0f} ms")
    return per, batches


def figures(name: str, per: list[float], batches: list[float]) -> tuple[float, float, float, float]:
    med = statistics.median(per) * 1000
    p95 = statistics.quantiles(per, n=20)[18] * 1000
    b_med = statistics.median(batches) * 1000
    b_p95 = max(batches) * 1000 if len(batches) < 20 else statistics.quantiles(batches, n=20)[18] * 1000
    print(f"{name:7} {N} intents one by one: median {med:7.2f} ms  p95 {p95:7.2f} ms  total {sum(per):6.2f} s;"
          f"  {N} in one batch transaction ({len(batches)} times): median {b_med:7.1f} ms  worst/p95 {b_p95:7.1f} ms")
    return med, p95, b_med, b_p95


def main() -> int:
    import pgkit
    from kameng_tui.ledger.pg.team import TeamLedger
    from kameng_tui.ledger.sqlite import open_ledger

    work = Path(tempfile.mkdtemp(prefix="bench-pg-"))
    sq = open_ledger(work / "sqlite", state_dir=work / "sqlite-state")
    try:
        s_per, s_batch = run(sq, "SQ")
    finally:
        sq.close()
    url, name = pgkit.server().fresh()
    team = TeamLedger(url, local=open_ledger(work / "local"), state_dir=work / "pg-state")
    try:
        p_per, p_batch = run(team, "PG")
        assert team.verify().ok
    finally:
        team.close()
        pgkit.server().drop(name)
        pgkit.stop_server()
    s_med, s_p95, sb_med, sb_p95 = figures("sqlite", s_per, s_batch)
    p_med, p_p95, pb_med, pb_p95 = figures("pg", p_per, p_batch)
    print(f"ratio pg/sqlite: one by one median {p_med / s_med:.2f}x  p95 {p_p95 / s_p95:.2f}x;  "
          f"batch median {pb_med / sb_med:.2f}x  worst/p95 {pb_p95 / sb_p95:.2f}x")
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    ok = pb_med <= 300
    print(f"target: {N} intents (one batch transaction) <= 300 ms on PostgreSQL, median: {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
