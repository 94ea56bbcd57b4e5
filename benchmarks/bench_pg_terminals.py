"""Four terminals on one team ledger against one SQLite terminal (issue 19), same run,
same reference supplier (a real process) at 20 ms latency:

- PostgreSQL: four `kameng-tui batch run` processes with their own homes, 250 lines each,
  --concurrency 2, started together;
- SQLite: one `kameng-tui batch run` of 1,000 lines at --concurrency 8 on a local ledger.

Both have 8 requests at the supplier at most. Prints orders/s (1,000 orders over the wall
time from start to the last exit, process start-up included), CPU ms per order of the
clients (the batch processes, from wait4), the supplier (the reference server's own CPU
time) and PostgreSQL (postmaster and every backend, exited ones included through the
postmaster's children times; only a server this script starts), and the ratio
PG orders/s / SQLite orders/s. Target: >= 0.6 (a global send lock would give <= 0.3).

    .venv/bin/python benchmarks/bench_pg_terminals.py [--latency 20] [--lines 250] [--rounds 3]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "http"))


def cpu_s(proc) -> float:
    """A live process's CPU seconds (user + system)."""
    t = proc.cpu_times()
    return t.user + t.system


def postgres_cpu_s(postmaster) -> float:
    """The server's CPU so far: the postmaster, its exited children (reaped: children_*)
    and its live ones."""
    t = postmaster.cpu_times()
    total = t.user + t.system + t.children_user + t.children_system
    for child in postmaster.children():
        try:
            total += cpu_s(child)
        except Exception:  # noqa: BLE001 - a backend that just exited is in children_* next time
            pass
    return total


def run_all(cmds: list[tuple[list[str], dict[str, str]]]) -> tuple[float, float, list[int]]:
    """Start every command at once; (wall s, client CPU s from wait4, exit codes)."""
    started = time.perf_counter()
    procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for cmd, env in cmds]
    cpu, codes = 0.0, []
    for p in procs:
        _, status, usage = os.wait4(p.pid, 0)
        p.returncode = os.waitstatus_to_exitcode(status)
        cpu += usage.ru_utime + usage.ru_stime
        codes.append(p.returncode)
    return time.perf_counter() - started, cpu, codes


def one_round(tmp: Path, r: int, args: argparse.Namespace, pg_url: str, postmaster) -> dict[str, float]:
    import psutil

    from faultkit import lines
    from refkit import client_env, start_server

    out: dict[str, float] = {}
    for label in ("pg", "sqlite"):
        base = tmp / f"r{r}-{label}"
        ref = start_server(base / "srv", faults=f"latency={args.latency}")
        refp = psutil.Process(ref.proc.pid)
        try:
            cmds = []
            if label == "pg":
                for i in range(4):
                    env = client_env(base / f"t{i}", ref.url, deadline_s="10", read_s="5")
                    cfg = base / f"t{i}" / "config" / "config.toml"
                    cfg.write_text(f'[ledger]\nurl = "{pg_url}"\n\n' + cfg.read_text(), encoding="utf-8")
                    f = base / f"t{i}.txt"
                    f.write_text(lines(args.lines, seed=r * 10 + i), encoding="utf-8")
                    cmds.append(([sys.executable, "-m", "kameng_tui", "batch", "run", str(f), "--yes", "--json",
                                  "--concurrency", "2"], env))
            else:
                env = client_env(base / "s", ref.url, deadline_s="10", read_s="5")
                f = base / "s.txt"
                f.write_text(lines(4 * args.lines, seed=r * 10 + 9), encoding="utf-8")
                cmds.append(([sys.executable, "-m", "kameng_tui", "batch", "run", str(f), "--yes", "--json",
                              "--concurrency", "8"], env))
            ref0 = cpu_s(refp)
            pg0 = postgres_cpu_s(postmaster) if postmaster is not None and label == "pg" else 0.0
            wall, client, codes = run_all(cmds)
            supplier = cpu_s(refp) - ref0
            server = postgres_cpu_s(postmaster) - pg0 if postmaster is not None and label == "pg" else float("nan")
            n = 4 * args.lines
            if label == "pg":
                import psycopg

                with psycopg.connect(pg_url) as conn:        # lines sent (a terminal refused as busy sent none)
                    n = int(conn.execute("SELECT count(*) FROM orders WHERE submitted_at IS NOT NULL").fetchone()[0])
            busy = sum(1 for c in codes if c == 5)
            assert all(c in (0, 1, 5) for c in codes), f"{label}: exits {codes}"
            if busy:
                print(f"  {label}: {busy} of {len(codes)} terminals exited 5 (ledger busy: the chain head stayed "
                      f"locked past the 5 s busy timeout); {n} orders sent", flush=True)
            out[f"{label}_busy"] = busy
            out[f"{label}_rate"] = n / wall
            out[f"{label}_client"] = client / n * 1000
            out[f"{label}_supplier"] = supplier / n * 1000
            out[f"{label}_server"] = server / n * 1000
        finally:
            ref.stop()
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--latency", type=float, default=20)
    ap.add_argument("--lines", type=int, default=250)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    import psutil

    import pgkit

    tmp = Path(tempfile.mkdtemp(prefix="bench-terminals-"))
    srv = pgkit.server()
    postmaster = None
    if srv._dir is not None:
        postmaster = psutil.Process(int((srv._dir / "pg" / "postmaster.pid").read_text().split()[0]))
    rounds = []
    try:
        for r in range(args.rounds):
            url, name = srv.fresh()
            try:
                rounds.append(one_round(tmp, r, args, url, postmaster))
            finally:
                srv.drop(name)
            x = rounds[-1]
            print(f"round {r + 1}: pg {x['pg_rate']:.1f} orders/s, sqlite {x['sqlite_rate']:.1f} orders/s, "
                  f"ratio {x['pg_rate'] / x['sqlite_rate']:.2f}", flush=True)
    finally:
        pgkit.stop_server()
    med = {k: statistics.median(x[k] for x in rounds) for k in rounds[0]}
    print(f"terminals refused as busy, per round: {[x['pg_busy'] for x in rounds]}")
    print(f"supplier latency {args.latency:g} ms; {4 * args.lines} orders a side; median of {args.rounds} rounds; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"  {'':34} {'orders/s':>9} {'client CPU':>11} {'supplier CPU':>13} {'PostgreSQL CPU':>15}  (ms per order)")
    print(f"  {'PG: 4 terminals x ' + str(args.lines) + ', concurrency 2':34} {med['pg_rate']:9.1f} "
          f"{med['pg_client']:11.2f} {med['pg_supplier']:13.2f} {med['pg_server']:15.2f}")
    print(f"  {'SQLite: 1 terminal x ' + str(4 * args.lines) + ', concurrency 8':34} {med['sqlite_rate']:9.1f} "
          f"{med['sqlite_client']:11.2f} {med['sqlite_supplier']:13.2f} {'-':>15}")
    ratio = med["pg_rate"] / med["sqlite_rate"]
    print(f"ratio PG / SQLite orders/s: {ratio:.2f} (target >= 0.6): {'met' if ratio >= 0.6 else 'NOT met'}")
    return 0 if ratio >= 0.6 else 1


if __name__ == "__main__":
    raise SystemExit(main())
