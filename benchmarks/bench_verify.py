"""`ledger verify` speed: the full verify at 100k events, single-process and with its
worker processes, each beside main's code in the same run; and `ledger verify --quick`
on a 1M-event ledger (issue 17 point 4).

Both sides time the same function, `kameng_tui.ledger.verify.verify(conn, ...)`, on the
same file, in child processes that alternate round by round (so a busy moment of the
machine falls on both): this tree's code, and another tree's (`--main SRC`, e.g. a
`git archive main` unpacked into /tmp) by PYTHONPATH. The ratio is this / main.

    .venv/bin/python benchmarks/bench_verify.py --main /tmp/verify-main/src [--events 100000]
        [--rounds 4] [--runs 5] [--quick-events 1000000] [--dir DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from bench_ledger import END, fill_lifecycles, pct  # noqa: E402

from kameng_tui.domain.clock import utc_text  # noqa: E402
from kameng_tui.domain.models import Delivery  # noqa: E402
from kameng_tui.domain.money import fmt  # noqa: E402
from kameng_tui.domain.states import OrderState  # noqa: E402
from kameng_tui.ledger import chain  # noqa: E402
from kameng_tui.ledger.sqlite import open_ledger  # noqa: E402
from kameng_tui.ledger.store import NewOrder, Transition  # noqa: E402

HERE = Path(__file__).resolve().parents[1] / "src"

CHILD = """
import json, resource, sqlite3, sys, time
from pathlib import Path
from kameng_tui.ledger.verify import verify
data, parallel, runs = Path(sys.argv[1]), sys.argv[2] == "1", int(sys.argv[3])
conn = sqlite3.connect(data / "ledger.db")
ledger_id = conn.execute("SELECT value FROM meta WHERE key = 'ledger_id'").fetchone()[0]
copies = [("head", data / "ledger.head", True)]
def cpu():
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime
wall, used = [], []
for _ in range(runs):
    t, c = time.perf_counter(), cpu()
    report = verify(conn, data / "ledger.head", ledger_id, parallel=parallel, copies=copies)
    wall.append((time.perf_counter() - t) * 1000)
    used.append((cpu() - c) * 1000)
    assert report.ok, report.problems
print(json.dumps([wall, used]))
"""


def child(src: Path, data: Path, parallel: bool, runs: int) -> tuple[list[float], list[float]]:
    """(wall ms, CPU ms of the process and its workers) of each run."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAMENG_TUI_")} | {"PYTHONPATH": str(src)}
    done = subprocess.run([sys.executable, "-c", CHILD, str(data), "1" if parallel else "0", str(runs)], env=env,
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{src}: {done.stderr}")
    wall, used = json.loads(done.stdout)
    return list(wall), list(used)


def line(name: str, ms: list[float], target: float | None = None, base: list[float] | None = None) -> None:
    med, p95 = statistics.median(ms), pct(ms, 0.95)
    tgt = "" if target is None else f"  target p95 <= {target:g} ms: {'ok' if p95 <= target else 'OVER'}"
    ratio = "" if base is None else f"  ratio to main: median {med / statistics.median(base):.2f}, p95 {p95 / pct(base, 0.95):.2f}"
    print(f"  {name:<34} median {med:8.1f} ms   p95 {p95:8.1f} ms{ratio}{tgt}", flush=True)


def bench_full(tmp: Path, args: argparse.Namespace) -> None:
    data = tmp / "v100k"
    t = time.perf_counter()
    built = data.exists()                 # --dir of an earlier run: the same ledger again
    led = open_ledger(data)
    if not built:
        fill_lifecycles(led, args.events)
    events = led._conn.execute("SELECT max(seq) FROM events").fetchone()[0]
    led.close()
    print(f"full verify at {events:,} events (each order created, submitted, settled; some refunds); "
          f"set-up {time.perf_counter() - t:.1f} s", flush=True)
    sides = {"this": HERE, "main": Path(args.main)}
    times: dict[tuple[str, bool], list[float]] = {(s, p): [] for s in sides for p in (True, False)}
    cpu: dict[tuple[str, bool], list[float]] = {(s, p): [] for s in sides for p in (True, False)}
    for _ in range(args.rounds):
        for parallel in (True, False):
            for side, src in sides.items():
                wall, used = child(src, data, parallel, args.runs)
                times[(side, parallel)] += wall
                cpu[(side, parallel)] += used
    for parallel, name in ((True, "with worker processes"), (False, "single process")):
        print(f" {name} ({args.rounds} rounds x {args.runs} runs, alternating):")
        line("main", times[("main", parallel)], 500)
        line("this", times[("this", parallel)], 500, times[("main", parallel)])
        line("main, CPU time (with workers')", cpu[("main", parallel)])
        line("this, CPU time (with workers')", cpu[("this", parallel)], None, cpu[("main", parallel)])


def build_big(data: Path, n_events: int) -> None:
    """A ledger of `n_events` events written straight into the tables (orders created,
    submitted, succeeded: three events each), hashed by `chain.event_hash` and folded by
    `chain.apply` as the appender does; the search tables are left empty."""
    led = open_ledger(data)
    con = led._conn
    con.execute("PRAGMA synchronous = OFF")
    prev, seq, t0 = chain.GENESIS, 0, END - timedelta(days=365)
    cols = chain.ROW_COLUMNS
    order_sql = f"INSERT INTO orders ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
    step = 30_000
    for lo in range(0, n_events // 3, step):
        events, rows = [], []
        for i in range(lo, min(n_events // 3, lo + step)):
            no = f"KM{i:012d}BIG{i % 1000000:07d}"
            at = utc_text(t0 + timedelta(seconds=i * 30))
            body = {"order_no": no, "sku": "demo:HF-CM-10", "supplier": "demo", "product_id": "HF-CM-10",
                    "product_name": "移动话费10元 直充", "category": "话费/中国移动", "delivery": Delivery.DIRECT.value,
                    "quantity": 1, "account": {"account": f"138{i % 10**8:08d}"}, "unit_cost": fmt(Decimal("9.9"), 4),
                    "unit_price": fmt(Decimal("10"), 4), "ref": None, "customer": None, "note": None, "batch_id": None,
                    "line_id": None, "attempt_of": None, "request_json": "{}", "sealed": {}}
            row = None
            for kind, b in (("created", body), ("submitted", {"state": "submitted"}),
                            ("succeeded", {"state": "succeeded", "charged": "9.9000", "supplier_order_no": f"SO{i}",
                                           "delivered_qty": 1})):
                seq += 1
                text = chain.canonical_body(b)
                h = chain.event_hash(prev, seq, at, kind, no, text)
                events.append((seq, no, kind, at, text, prev, h))
                prev = h
                row = chain.apply(row, kind, at, json.loads(text))
            assert row is not None
            rows.append([row[c] for c in cols])
        con.execute("BEGIN")
        con.executemany("INSERT INTO events (seq, order_no, kind, at, body, prev_hash, hash) VALUES (?,?,?,?,?,?,?)",
                        events)
        con.executemany(order_sql, rows)
        con.execute("COMMIT")
    led.close()                           # ledger.head stays at seq 0: lagging, it is valid


def bench_quick(tmp: Path, args: argparse.Namespace) -> None:
    data = tmp / "v1m"
    t = time.perf_counter()
    if data.exists():
        raise SystemExit(f"{data} exists: the 1M-event ledger is built fresh each run (--quick-events 0 skips it)")
    build_big(data, args.quick_events)
    print(f"--quick on a {args.quick_events:,}-event ledger; set-up {time.perf_counter() - t:.1f} s", flush=True)
    led = open_ledger(data)
    t = time.perf_counter()
    report = led.verify()
    assert report.ok and report.checkpoint, report.problems
    print(f"  full verify that wrote the checkpoint at seq {report.events:,}: {time.perf_counter() - t:.1f} s")
    at = datetime(2026, 12, 1, tzinfo=timezone.utc)
    nos = [f"KM261201120000QUICK{i:05d}" for i in range(30)]
    led.create_intents([NewOrder(order_no=no, sku="demo:HF-CM-10", supplier="demo", product_id="HF-CM-10",
                                 product_name="移动话费10元 直充", category="话费/中国移动", delivery=Delivery.DIRECT,
                                 quantity=1, account={"account": "13800000001"}, unit_cost=Decimal("9.9"),
                                 unit_price=Decimal("10"), request_json="{}") for no in nos], at=at)
    for no in nos:
        led.transition(no, OrderState.PENDING, OrderState.SUBMITTED, at=at)
        led.transition(no, OrderState.SUBMITTED, OrderState.SUCCEEDED, Transition(charged=Decimal("9.9")), at=at)
    ms = []
    for _ in range(args.runs * args.rounds):
        t = time.perf_counter()
        quick = led.verify(quick=True)
        ms.append((time.perf_counter() - t) * 1000)
        assert quick.ok and quick.quick, quick.problems
    print(f"  {quick.events - report.events} events since the checkpoint:")
    line("verify(quick=True)", ms, 100)
    led.close()
    home = tmp / "home-v1m"
    home.mkdir()
    (home / "data").symlink_to(data)
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAMENG_TUI_")} | {"KAMENG_TUI_HOME": str(home)}
    ms = []
    for _ in range(args.runs):
        t = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "kameng_tui", "ledger", "verify", "--quick"], env=env,
                              capture_output=True)
        ms.append((time.perf_counter() - t) * 1000)
        assert done.returncode in (0, 4), done.stdout + done.stderr
    # (exit 4 here would be the state dir's anchor copy, new in this home: the benchmark times the checks)
    line("`kameng-tui ledger verify --quick`", ms)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--main", required=True, help="main's src directory (a `git archive main` unpacked)")
    ap.add_argument("--events", type=int, default=100_000)
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--quick-events", type=int, default=1_000_000)
    ap.add_argument("--dir", help="work here; a 100k ledger an earlier run left here is used again")
    args = ap.parse_args()
    tmp = Path(args.dir) if args.dir else Path(tempfile.mkdtemp(prefix="km-verify-bench-"))
    print(f"in {tmp}")
    print(f"sqlite3 {sqlite3.sqlite_version}; load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}", flush=True)
    bench_full(tmp, args)
    if args.quick_events:
        bench_quick(tmp, args)
    print(f"load at the end: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}")


if __name__ == "__main__":
    main()
