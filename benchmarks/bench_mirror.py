"""A team terminal's mirror (issue 20): catching up 100,000 events from the team ledger
into an empty local mirror, chain check (every hash recomputed), projection and FTS5
included. Target: <= 5 s. Also the cost a review read pays while online when nothing is
new (one head read on the server), and catching up one new order.

The fixture: N events (orders created, submitted, succeeded: three events each) hashed
in Python and written with COPY into a fresh team database; its set-up time is printed.
The server: KAMENG_TUI_TEST_PG_URL when set, else a pgserver in a temp dir.

    .venv/bin/python benchmarks/bench_mirror.py [--events 100000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from kameng_tui.domain.clock import utc_text  # noqa: E402
from kameng_tui.domain.models import Delivery  # noqa: E402
from kameng_tui.domain.states import OrderState  # noqa: E402
from kameng_tui.ledger import chain  # noqa: E402
from kameng_tui.ledger.rows import created_body, transition_body  # noqa: E402
from kameng_tui.ledger.store import NewOrder, Transition  # noqa: E402

T0 = datetime(2026, 11, 1, 4, 0, tzinfo=timezone.utc)
NAMES = ("移动话费100元 直充", "王者荣耀点券60元", "腾讯视频VIP会员月卡", "Steam钱包充值码 50元", "爱奇艺黄金会员季卡")


def events(n: int) -> list[tuple[int, str | None, str, str, str, str, str]]:
    out: list[tuple[int, str | None, str, str, str, str, str]] = []
    prev, seq, i = chain.GENESIS, 0, 0
    while seq < n:
        no = f"KM261101120000BNCH{i:06d}"
        at = utc_text(T0 + timedelta(seconds=i))
        order = NewOrder(order_no=no, sku="demo:HF-CM-100", supplier="demo", product_id="HF-CM-100",
                         product_name=NAMES[i % len(NAMES)], category="话费/中国移动", delivery=Delivery.DIRECT,
                         quantity=1, account={"account": f"138{i:08d}"}, unit_cost=Decimal("98.5000"),
                         unit_price=Decimal("100.00"), request_json="{}", customer=f"客户{i % 97}")
        steps: list[tuple[str, dict[str, object]]] = [("created", created_body(order, None))]
        steps.append(("submitted", transition_body(OrderState.PENDING, OrderState.SUBMITTED, Transition())))
        steps.append(("succeeded", transition_body(OrderState.SUBMITTED, OrderState.SUCCEEDED,
                                                   Transition(charged=Decimal("98.5"), delivered_qty=1))))
        for kind, body in steps:
            if seq >= n:
                break
            seq += 1
            text = chain.canonical_body(body)
            h = chain.event_hash(prev, seq, at, kind, no, text)
            out.append((seq, no, kind, at, text, prev, h))
            prev = h
        i += 1
    return out


def fill(url: str, rows: list[tuple[int, str | None, str, str, str, str, str]]) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        with conn.cursor().copy("COPY events (seq, order_no, kind, at, body, prev_hash, hash) FROM STDIN") as copy:
            for r in rows:
                copy.write_row(r)
        conn.execute("UPDATE chain_head SET seq = %s, hash = %s, at = %s WHERE id = 1", (rows[-1][0], rows[-1][6],
                                                                                          rows[-1][3]))


def pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def line(name: str, secs: list[float], unit: str = "s", target: str = "") -> None:
    k = 1000.0 if unit == "ms" else 1.0
    print(f"{name:44} median {statistics.median(secs) * k:8.3f} {unit}  p95 {pct(secs, 95) * k:8.3f} {unit}"
          f"  ({len(secs)} runs){target}")


def main() -> int:
    import psycopg

    import pgkit
    from kameng_tui.ledger.pg.connect import connect
    from kameng_tui.ledger.pg.mirror import Mirror

    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=5)
    args = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="bench-mirror-"))
    url, name = pgkit.server().fresh()
    try:
        t = time.perf_counter()
        rows = events(args.events)
        made = time.perf_counter() - t
        t = time.perf_counter()
        fill(url, rows)
        print(f"fixture: {len(rows)} events hashed in {made:.2f} s, COPY into PostgreSQL {time.perf_counter() - t:.2f} s")
        with psycopg.connect(url) as c:
            ledger_id = str(c.execute("SELECT value FROM meta WHERE key = 'ledger_id'").fetchone()[0])
        conn = connect(url)
        full: list[float] = []
        cpu: list[float] = []
        for r in range(args.rounds):
            d = work / f"m{r}"
            t, cpu0 = time.perf_counter(), time.process_time()
            m = Mirror(d)
            n = m.catch_up(conn, ledger_id)
            full.append(time.perf_counter() - t)
            cpu.append(time.process_time() - cpu0)
            assert n == len(rows) and m.last_seq() == len(rows)
            if r < args.rounds - 1:
                m.close()
                shutil.rmtree(d)
        hits = m.db._conn.execute("SELECT count(*) FROM orders_fts WHERE orders_fts MATCH '\"王者荣耀\"'").fetchone()[0]
        assert hits > 0
        idle: list[float] = []
        for _ in range(300):
            t = time.perf_counter()
            m.catch_up(conn, ledger_id)
            idle.append(time.perf_counter() - t)
        one: list[float] = []
        prev_seq, prev_hash = rows[-1][0], rows[-1][6]
        for i in range(50):
            no = f"KM261101120000BNEW{i:06d}"
            body = chain.canonical_body({"order_no": no, "sku": "demo:HF-CM-100", "supplier": "demo",
                                         "product_id": "HF-CM-100", "product_name": NAMES[0], "category": "话费",
                                         "delivery": "direct", "quantity": 1, "account": {"account": "13800000000"},
                                         "unit_cost": "98.5000", "unit_price": "100.0000", "ref": None,
                                         "customer": None, "note": None, "batch_id": None, "line_id": None,
                                         "attempt_of": None, "request_json": "{}", "sealed": {}})
            seq, at = prev_seq + 1, rows[-1][3]
            h = chain.event_hash(prev_hash, seq, at, "created", no, body)
            fill(url, [(seq, no, "created", at, body, prev_hash, h)])
            prev_seq, prev_hash = seq, h
            t = time.perf_counter()
            assert m.catch_up(conn, ledger_id) == 1
            one.append(time.perf_counter() - t)
        m.close()
        conn.close()
        print(f"settings: {args.events} events, {args.rounds} rounds, page {__import__('kameng_tui.ledger.pg.mirror', fromlist=['PAGE']).PAGE}")
        line(f"catch-up of {len(rows)} events into an empty mirror", full, "s", "  target <= 5 s")
        line("  the same: this process's CPU time", cpu, "s")
        print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (wall time grows with it)")
        line("catch-up with nothing new (a read's check)", idle, "ms")
        line("catch-up of one new order", one, "ms")
        return 0 if statistics.median(full) <= 5.0 else 1
    finally:
        pgkit.server().drop(name)
        pgkit.stop_server()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
