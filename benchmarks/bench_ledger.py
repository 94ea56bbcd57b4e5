"""Ledger speed: history at 1M orders, totals over a month, a 1,000-line batch's
intents, and `ledger verify` at 100k events.

Set-up writes the 1M orders straight into the projection tables in a few large
transactions (the history queries read only `orders` and `orders_fts`; going
through the event API would take minutes and measure nothing more). Intents and
verify go through the real API. Baselines measured in the same run: OFFSET paging
for the deep page, and a LIKE scan for text search.

    .venv/bin/python benchmarks/bench_ledger.py [--orders 1000000] [--runs 50]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from pathlib import Path

from kameng_tui.domain.clock import utc_text
from kameng_tui.domain.history import HistoryFilter
from kameng_tui.domain.models import Delivery
from kameng_tui.domain.states import OrderState
from kameng_tui.ledger import chain
from kameng_tui.ledger.queries import grams
from kameng_tui.ledger.sqlite import open_ledger
from kameng_tui.ledger.store import NewBatch, NewOrder, Transition
from kameng_tui.ledger.verify import verify as run_verify

END = datetime(2026, 11, 25, tzinfo=timezone.utc)
PRODUCTS = [("demo:HF-CM-100", "移动话费100元 直充", "话费/中国移动", 985000, 1000000),
            ("demo:GM-WZRY-60-D", "王者荣耀点券60元", "游戏/腾讯/王者荣耀", 560000, 600000),
            ("demo:VM-TX-M-0-K", "腾讯视频VIP会员月卡 卡密", "视频会员/腾讯视频", 180000, 250000),
            ("demo:SW-001", "Windows 11 专业版 激活码", "软件/办公", 600000, 1280000),
            ("demo:PC-0000000", "iPhone 16 纯色简约硅胶手机壳 黑色", "实物/手机壳/iPhone", 90000, 200000)]
STATES = ["succeeded"] * 90 + ["failed"] * 6 + ["processing", "unknown", "refunded", "cancelled"]
SUPPLIERS = ["demo", "fulu", "acme"]


def pct(v: list[float], q: float) -> float:
    s = sorted(v)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


def rows(n: int, lo: int = 0, hi: int | None = None):
    """The benchmark's orders lo..hi of n as projection rows (dicts of chain.ROW_COLUMNS,
    money in units) and their search text: the same data for SQLite and PostgreSQL
    (benchmarks/bench_pg_history.py)."""
    rng = random.Random(7)
    t0 = END - timedelta(days=365)
    for i in range(0, n if hi is None else hi):
        sku, name, cat, cost, price = PRODUCTS[i % len(PRODUCTS)]
        state = STATES[rng.randrange(len(STATES))]
        account = f"1{rng.randrange(3, 10)}{rng.randrange(10**9):09d}"
        if i < lo:
            continue
        at = utc_text(t0 + timedelta(seconds=i * 365 * 86400 / n))
        no = f"KM{i:012d}BNCH{i % 1000000:06d}"
        charged = cost if state in ("succeeded", "refunded", "processing") else 0
        revenue = price if state in ("succeeded", "refunded") else 0
        row = {"order_no": no, "sku": sku, "supplier": SUPPLIERS[i % 3], "product_id": sku.split(":")[1],
               "product_name": name, "category": cat, "delivery": Delivery.DIRECT.value, "quantity": 1,
               "account": json.dumps({"account": account}), "account_main": account, "state": state,
               "unit_cost": cost, "total_cost": cost, "unit_price": price, "total_price": price,
               "charged": charged, "refunded": 0, "customer_refunded": 0, "revenue": revenue,
               "profit": revenue - charged, "ref": f"TB{i}" if i % 3 == 0 else None,
               "customer": f"客户{i % 500}", "note": "加急" if i % 997 == 0 else None, "batch_id": None,
               "line_id": None, "attempt_of": None, "supplier_order_no": None, "reason": None,
               "created_at": at, "updated_at": at, "submitted_at": at, "settled_at": at,
               "delivered_qty": 1, "request_json": "{}"}
        yield i + 1, row, f"{no} {name} {sku} {account} {row['ref'] or ''} {row['customer']} {row['note'] or ''}"


def fill(path: Path, n: int) -> None:
    led = open_ledger(path)
    con = led._conn
    cols = chain.ROW_COLUMNS
    sql = f"INSERT INTO orders ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
    step = 100_000
    gen = rows(n)
    for lo in range(0, n, step):
        part = [next(gen) for _ in range(min(step, n - lo))]
        fts = [(seq, text) for seq, _, text in part]
        con.execute("BEGIN")
        con.executemany(sql, [[row[c] for c in cols] for _, row, _ in part])
        con.executemany("INSERT INTO orders_fts (rowid, text) VALUES (?, ?)", fts)
        con.executemany("INSERT INTO orders_grams (rowid, grams) VALUES (?, ?)", [(r, grams(t)) for r, t in fts])
        con.execute("COMMIT")
    con.execute("ANALYZE")
    led.close()


def timed(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def line(name: str, ms: list[float], target: float | None) -> None:
    med, p95 = statistics.median(ms), pct(ms, 0.95)
    verdict = "" if target is None else ("  ok" if p95 <= target else "  OVER TARGET")
    tgt = "" if target is None else f"  (target p95 <= {target:g} ms)"
    print(f"  {name:<38} median {med:8.2f} ms   p95 {p95:8.2f} ms{tgt}{verdict}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--orders", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("--verify-events", type=int, default=100_000)
    ap.add_argument("--verify-only", action="store_true", help="only the `ledger verify` figures")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="km-ledger-bench-"))
    if not args.verify_only:
        bench_history_and_intents(tmp, args)
    bench_verify(tmp, args)


def bench_history_and_intents(tmp: Path, args: argparse.Namespace) -> None:
    t = time.perf_counter()
    fill(tmp / "big", args.orders)
    print(f"set-up: {args.orders:,} orders in {time.perf_counter() - t:.1f} s  ({tmp / 'big'})")
    led = open_ledger(tmp / "big")
    con = led._conn
    print(f"sqlite {sqlite3.sqlite_version}  journal_mode={con.execute('PRAGMA journal_mode').fetchone()[0]}  "
          f"synchronous={con.execute('PRAGMA synchronous').fetchone()[0]}  "
          f"busy_timeout={con.execute('PRAGMA busy_timeout').fetchone()[0]} ms")
    deep = None
    page = led.history(HistoryFilter(), limit=50)
    for _ in range(200):
        page = led.history(HistoryFilter(), limit=50, cursor=page.next_cursor)
    deep = page.next_cursor
    since = END - timedelta(days=30)
    account = con.execute("SELECT account_main FROM orders WHERE rowid = 4242").fetchone()[0]
    print(f"history at {args.orders:,} orders, 50 rows a page, {args.runs} runs each:")
    cases = [
        ("no filter", HistoryFilter(), None),
        ("status = failed", HistoryFilter(states=(OrderState.FAILED,)), None),
        ("last 30 days + supplier", HistoryFilter(since=since, until=END, supplier="fulu"), None),
        ("exact account", HistoryFilter(account=account), None),
        ("text search common (王者荣耀)", HistoryFilter(search="王者荣耀"), None),
        ("text search common, 2 chars (话费)", HistoryFilter(search="话费"), None),
        ("text search rare, 2 chars (加急)", HistoryFilter(search="加急"), None),
        ("text search rare (TB123456)", HistoryFilter(search="TB123456"), None),
        ("text search no match", HistoryFilter(search="没有这个商品"), None),
        ("deep page (cursor after 10,050 rows)", HistoryFilter(), deep),
    ]
    for name, flt, cursor in cases:
        line(name, timed(lambda: led.history(flt, limit=50, cursor=cursor), args.runs), 20)
    base = timed(lambda: con.execute("SELECT * FROM orders ORDER BY created_at DESC, order_no DESC LIMIT 50 OFFSET 10050").fetchall(), args.runs)
    line("baseline: deep page by OFFSET", base, None)
    like = timed(lambda: con.execute("SELECT o.* FROM orders o WHERE o.note LIKE '%加急%' "
                                     "ORDER BY o.seq DESC LIMIT 50").fetchall(), args.runs)
    line("baseline: LIKE scan for 加急", like, None)
    month = HistoryFilter(since=since, until=END)
    line("totals over a month", timed(lambda: led.totals(month), max(5, args.runs // 5)), 300)
    line("totals over a month, by day", timed(lambda: led.grouped(month, "day", "Asia/Shanghai"), max(5, args.runs // 5)), None)
    led.close()

    ms = []
    for r in range(10):
        small = open_ledger(tmp / f"intents{r}")
        intents = [NewOrder(order_no=f"KM261125120000B{r:03d}{i:06d}", sku="demo:HF-CM-10", supplier="demo",
                            product_id="HF-CM-10", product_name="移动话费10元 直充", category="话费/中国移动",
                            delivery=Delivery.DIRECT, quantity=1, account={"account": f"138{i:08d}"},
                            unit_cost=Decimal("9.9"), unit_price=Decimal("10"), request_json="{}" * 40, line_id=i + 1)
                   for i in range(1000)]
        t = time.perf_counter()
        small.create_intents(intents, NewBatch(identity=f"b{r}", source="bench", line_count=1000), at=END)
        ms.append((time.perf_counter() - t) * 1000)
        small.close()
    print("a 1,000-line batch's intents in one transaction (chain + anchor + FTS), 10 runs:")
    line("create_intents(1000)", ms, 200)



def bench_verify(tmp: Path, args: argparse.Namespace) -> None:
    v = open_ledger(tmp / "verify")
    for b in range(args.verify_events // 1000):
        v.create_intents([NewOrder(order_no=f"KM261125120000V{b:04d}{i:05d}", sku="demo:HF-CM-10", supplier="demo",
                                   product_id="HF-CM-10", product_name="移动话费10元 直充", category="话费/中国移动",
                                   delivery=Delivery.DIRECT, quantity=1, account={"account": f"138{i:08d}"},
                                   unit_cost=Decimal("9.9"), unit_price=Decimal("10"), request_json="{}")
                          for i in range(1000)], at=END)
    report = v.verify()
    assert report.ok, report.problems
    print(f"ledger verify at {report.events:,} events (chain, projection rebuild and diff, anchor, quick_check):")
    print("  all events create an order:")
    line("verify()", timed(v.verify, 20), 500)
    line("baseline: the same checks in turn, one connection",
         timed(lambda: run_verify(v._conn, v.anchor_path, v.ledger_id, parallel=False), 10), None)
    v.close()
    line("`kameng-tui ledger verify` (start-up too)", timed(command(tmp, tmp / "verify"), 10), None)
    m = open_ledger(tmp / "verify-mixed")
    fill_lifecycles(m, args.verify_events)
    report = m.verify()
    assert report.ok, report.problems
    print(f"  {report.events:,} events, each order created, submitted and settled (+ some refunds):")
    line("verify()", timed(m.verify, 20), 500)
    line("baseline: the same checks in turn, one connection",
         timed(lambda: run_verify(m._conn, m.anchor_path, m.ledger_id, parallel=False), 10), None)
    m.close()
    line("`kameng-tui ledger verify` (start-up too)", timed(command(tmp, tmp / "verify-mixed"), 10), None)


def command(tmp: Path, data: Path):
    """The shell command on that ledger, as a reseller runs it: a new process each time."""
    home = tmp / f"home-{data.name}"
    (home / "data").parent.mkdir(exist_ok=True)
    if not (home / "data").exists():
        (home / "data").symlink_to(data)
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAMENG_TUI_")} | {"KAMENG_TUI_HOME": str(home)}

    def run() -> None:
        done = subprocess.run([sys.executable, "-m", "kameng_tui", "ledger", "verify"], env=env, capture_output=True)
        assert done.returncode == 0, done.stdout + done.stderr
    return run


def fill_lifecycles(led, events: int) -> None:
    """Orders as they live: created, submitted, then succeeded (charged, supplier number)
    or failed (reason); one in ten succeeded gets a customer refund. Set-up only, so
    without fsync per commit."""
    led._conn.execute("PRAGMA synchronous = OFF")
    n = 0
    with led.anchor_deferred():
        for b in range(events // 3000 + 1):
            nos = [f"KM261125120000L{b:04d}{i:05d}" for i in range(1000)]
            led.create_intents([NewOrder(order_no=no, sku="demo:HF-CM-10", supplier="demo", product_id="HF-CM-10",
                                         product_name="移动话费10元 直充", category="话费/中国移动",
                                         delivery=Delivery.DIRECT, quantity=1, account={"account": f"138{i:08d}"},
                                         unit_cost=Decimal("9.9"), unit_price=Decimal("10"),
                                         request_json=json.dumps({"sku": "HF-CM-10", "client_order_no": no}))
                                for i, no in enumerate(nos)], at=END)
            n += 1000
            for i, no in enumerate(nos):
                if n + 2 > events:
                    return
                led.transition(no, OrderState.PENDING, OrderState.SUBMITTED, at=END)
                if i % 20 == 0:
                    led.transition(no, OrderState.SUBMITTED, OrderState.FAILED, Transition(reason="号码错误"), at=END)
                else:
                    led.transition(no, OrderState.SUBMITTED, OrderState.SUCCEEDED,
                                   Transition(charged=Decimal("9.9"), supplier_order_no=f"SO{no[-9:]}",
                                              delivered_qty=1), at=END)
                n += 2
                if i % 10 == 1 and n < events:
                    led.customer_refund(no, Decimal("1"), "补差价", at=END)
                    n += 1


if __name__ == "__main__":
    main()
