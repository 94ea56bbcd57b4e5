"""History at 1M orders on the team ledger (issue 19) and on SQLite in the same run: the
first page, a deep page (keyset cursor after 10,050 rows) and an exact-account filter,
50 rows a page, median and p95. Target: p95 <= 20 ms on PostgreSQL.

Set-up: the same 1M orders (benchmarks/bench_ledger.rows) written into the projection
with COPY on PostgreSQL (executemany on SQLite); history reads only `orders`. Both are
built once and kept in the cache dir (a database `bench_history_<n>` on the server, a
SQLite file beside it); the set-up time of the build is printed, and kept with the data.

    .venv/bin/python benchmarks/bench_pg_history.py [--orders 1000000] [--runs 50] [--rebuild]

The server: --url / KAMENG_TUI_TEST_PG_URL when given, else a pgserver whose data dir is
in the cache dir (started for the run, stopped at its end, data kept).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_ledger import END, fill, pct, rows  # noqa: E402
from kameng_tui.domain.history import HistoryFilter  # noqa: E402
from kameng_tui.ledger import chain  # noqa: E402
from kameng_tui.ledger.pg.reads import money_args  # noqa: E402

CACHE = Path(os.environ.get("KAMENG_TUI_BENCH_CACHE", Path.home() / ".cache" / "kameng-tui-bench"))


def server_url(args: argparse.Namespace) -> tuple[str, object | None]:
    url = args.url or os.environ.get("KAMENG_TUI_TEST_PG_URL")
    if url:
        return url, None
    import warnings

    import pgserver

    pgdata = CACHE / "pg"
    CACHE.mkdir(parents=True, exist_ok=True)
    os.chmod(CACHE, 0o755)                   # pgserver runs postgres as its own user when we are root
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        srv = pgserver.get_server(str(pgdata), cleanup_mode="stop")
    return str(srv.get_uri()), srv


def build_pg(admin_url: str, n: int, rebuild: bool) -> tuple[str, str]:
    """(url of the bench database, what its set-up cost) - built now, or found built."""
    import psycopg

    from kameng_tui.ledger.pg.schema import migrate
    from pgkit import with_database

    name = f"bench_history_{n}"
    url = with_database(admin_url, name)
    with psycopg.connect(admin_url, autocommit=True) as admin:
        exists = admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        if exists and not rebuild:
            with psycopg.connect(url, autocommit=True) as conn:
                r = conn.execute("SELECT value FROM meta WHERE key = 'bench_setup'").fetchone()
                if r is not None:
                    migrate(conn)            # a fixture cached by an older kameng-tui: its schema brought up
            if r is not None:
                return url, f"cached ({r[0]} when built)"
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    started = time.perf_counter()
    with psycopg.connect(url, autocommit=True) as conn:
        migrate(conn)
        conn.execute("DROP INDEX orders_created, orders_state, orders_supplier, orders_account, orders_customer, "
                     "orders_ref, orders_batch, orders_sku_account")        # made again after the load
        cols = ["seq", *chain.ROW_COLUMNS, "search"]
        with conn.transaction(), conn.cursor() as cur:
            with cur.copy(f"COPY orders ({', '.join(cols)}) FROM STDIN") as copy:
                for seq, row, text in rows(n):
                    copy.write_row([seq, *money_args(row), text])
        copied = time.perf_counter() - started
    with psycopg.connect(url, autocommit=True) as conn:
        from kameng_tui.ledger.pg.schema import V1

        for stmt in V1.split(";"):
            if stmt.strip().startswith("CREATE INDEX orders_"):
                conn.execute(stmt)
        conn.execute("VACUUM ANALYZE orders")
        took = time.perf_counter() - started
        note = f"{took:.1f} s: COPY {copied:.1f} s, indexes and ANALYZE {took - copied:.1f} s"
        conn.execute("INSERT INTO meta (key, value) VALUES ('bench_setup', %s)", (note,))
    return url, f"built now in {note}"


def build_sqlite(n: int, rebuild: bool) -> tuple[Path, str]:
    where = CACHE / f"sqlite-history-{n}"
    note_file = where / "bench_setup.txt"
    if note_file.exists() and not rebuild:
        return where, f"cached ({note_file.read_text()} when built)"
    import shutil

    shutil.rmtree(where, ignore_errors=True)
    started = time.perf_counter()
    fill(where, n)
    note = f"{time.perf_counter() - started:.1f} s"
    note_file.write_text(note)
    return where, f"built now in {note}"


def timed(fn, runs: int) -> list[float]:
    fn()                                                  # one warm-up: plans and pages cached
    out = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def cases(store, account: str):
    page = store.history(HistoryFilter(), limit=50)
    for _ in range(200):
        page = store.history(HistoryFilter(), limit=50, cursor=page.next_cursor)
    deep = page.next_cursor
    return [("first page", HistoryFilter(), None),
            ("deep page (cursor after 10,050 rows)", HistoryFilter(), deep),
            ("exact account", HistoryFilter(account=account), None),
            ("status = failed", HistoryFilter(states=(chain_state("failed"),)), None),
            ("last 30 days + supplier", HistoryFilter(since=END - timedelta(days=30), until=END, supplier="fulu"), None)]


def chain_state(value: str):
    from kameng_tui.domain.states import OrderState

    return OrderState(value)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--orders", type=int, default=1_000_000)
    ap.add_argument("--runs", type=int, default=50)
    ap.add_argument("--url", default=None)
    ap.add_argument("--rebuild", action="store_true")
    args = ap.parse_args()
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from kameng_tui.ledger.pg.store import PgLedger
    from kameng_tui.ledger.sqlite import open_ledger

    admin_url, own = server_url(args)
    try:
        url, pg_note = build_pg(admin_url, args.orders, args.rebuild)
        print(f"set-up PostgreSQL, {args.orders:,} orders by COPY: {pg_note}")
        sq_path, sq_note = build_sqlite(args.orders, args.rebuild)
        print(f"set-up SQLite, {args.orders:,} orders by executemany: {sq_note}")
        account = next(r for i, r, _ in rows(args.orders, 4241, 4242))["account_main"]
        pg = PgLedger(url, state_dir=Path(tempfile.mkdtemp(prefix="bench-pg-history-")))
        sq = open_ledger(sq_path)
        results: dict[str, dict[str, list[float]]] = {}
        try:
            print(f"PostgreSQL {pg._one('SHOW server_version')[0]}, SQLite; 50 rows a page, {args.runs} runs each")
            for label, store in (("pg", pg), ("sqlite", sq)):
                for name, flt, cursor in cases(store, account):
                    results.setdefault(name, {})[label] = timed(
                        lambda s=store, f=flt, c=cursor: s.history(f, limit=50, cursor=c), args.runs)
        finally:
            pg.close()
            sq.close()
    finally:
        if own is not None:
            own.cleanup()
    met = True
    print(f"  {'query':<38} {'pg median':>10} {'pg p95':>9} {'sqlite median':>14} {'sqlite p95':>11}")
    for name, by in results.items():
        p, s = by["pg"], by["sqlite"]
        ok = pct(p, 0.95) <= 20
        met &= ok or name not in ("first page", "deep page (cursor after 10,050 rows)", "exact account")
        print(f"  {name:<38} {statistics.median(p):8.2f} ms {pct(p, 0.95):6.2f} ms {statistics.median(s):11.2f} ms "
              f"{pct(s, 0.95):8.2f} ms  {'ok' if ok else 'OVER 20 ms'}")
    print(f"target p95 <= 20 ms on PostgreSQL (first page, deep page, account): {'met' if met else 'NOT met'}")
    print(json.dumps({"orders": args.orders, "runs": args.runs}))
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
