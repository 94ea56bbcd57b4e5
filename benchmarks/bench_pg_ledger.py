"""The team ledger's cost (issue 19): 1,000 intents on PostgreSQL and on SQLite in the
same run, each its own transaction (what one checkout commits), then the same 1,000 as
one batch transaction. Prints median and p95 per intent and the ratio PG / SQLite.
Target: p95 <= 300 ms per intent on PostgreSQL.

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


def run(store, tag: str) -> tuple[list[float], float]:
    per: list[float] = []
    for i in range(N):
        t = time.perf_counter()
        store.create_intents([intent(i, tag)], at=T0 + timedelta(seconds=i),
                             repeat=RepeatGuard(since=T0 - timedelta(minutes=10), window_s=600))
        per.append(time.perf_counter() - t)
    t = time.perf_counter()
    store.create_intents([intent(N + i, tag) for i in range(N)], NewBatch(f"bench-{tag}", "bench.txt", N),
                         at=T0 + timedelta(hours=2))
    return per, time.perf_counter() - t


def figures(name: str, per: list[float], batch: float) -> tuple[float, float]:
    med = statistics.median(per) * 1000
    p95 = statistics.quantiles(per, n=20)[18] * 1000
    print(f"{name:7} {N} intents: median {med:7.2f} ms  p95 {p95:7.2f} ms  total {sum(per):6.2f} s;"
          f"  one batch of {N}: {batch:6.2f} s")
    return med, p95


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
    s_med, s_p95 = figures("sqlite", s_per, s_batch)
    p_med, p_p95 = figures("pg", p_per, p_batch)
    print(f"ratio pg/sqlite: median {p_med / s_med:.2f}x  p95 {p_p95 / s_p95:.2f}x  batch {p_batch / s_batch:.2f}x")
    ok = p_p95 <= 300
    print(f"target p95 <= 300 ms on PostgreSQL: {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
