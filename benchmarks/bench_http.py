"""HTTP supplier throughput: a batch of N orders against the reference server (a real
process on 127.0.0.1) with fixed latency, at several concurrencies.

Each order keeps the full order flow: intent recorded (pending) for the whole batch,
then per order `submitted` committed durably before the request leaves, then the
reply recorded. Timed from the first send to the last order settled. Reported:
orders/s and the ratio to the bound concurrency / latency (each order needs at
least one round trip of `latency`).

    .venv/bin/python benchmarks/bench_http.py [--n 1000] [--latency-ms 20] [--concurrency 1,4,8,16]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SECRET = "bench-secret-not-real"
FACES = (10, 20, 30, 50, 100)


SERVER_PID = 0


def server_cpu(pid: int) -> float:
    """CPU seconds (user + system) the server process has used: both processes share
    this machine's cores, so the figures say which side a run was bound by."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def start_server(root: Path, latency_ms: float) -> tuple[subprocess.Popen, str]:
    env = {**os.environ, "KAMENG_TUI_HOME": str(root / "server"), "KAMENG_TUI_SERVE_SECRET": SECRET,
           "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    cmd = [sys.executable, "-m", "kameng_tui", "supplier", "serve", "--json", "--port", "0", "--key-id", "bench",
           "--state", str(root / "ref.db"), "--log", str(root / "ref.jsonl"), "--faults", f"latency={latency_ms}",
           "--balance", "100000000"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, text=True)
    ready = json.loads(proc.stdout.readline())
    return proc, ready["url"]


async def one_run(root: Path, url: str, n: int, concurrency: int) -> dict:
    from kameng_tui.domain.states import SETTLED, OrderState
    try:
        from kameng_tui.bootstrap import build_context
    except ImportError:  # an older tree (--vs main): the root was services/context.py
        from kameng_tui.services.context import build_context

    home = root / f"client-c{concurrency}"
    (home / "config").mkdir(parents=True)
    (home / "config" / "config.toml").write_text(
        f'[[suppliers]]\nname = "ref"\nkind = "http"\nbase_url = "{url}"\nkey_id = "bench"\n'
        f'max_concurrency = "{max(concurrency, 1)}"\n', encoding="utf-8")
    env = {**os.environ, "KAMENG_TUI_HOME": str(home), "KAMENG_TUI_SECRET_REF": SECRET,
           "KAMENG_TUI_DATA_KEY": base64.b64encode(os.urandom(32)).decode(),
           "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    ctx = build_context(env)
    try:
        text = "\n".join(f"ref:HF-{('CM', 'LT', 'DX')[i % 3]}-{FACES[(i // 3) % len(FACES)]} 13{i % 7 + 3}{i:08d}"
                         for i in range(n)) + "\n"
        plan = await ctx.batch.plan(text, source=f"bench-c{concurrency}")
        batch_id = ctx.batch.record(plan)               # every intent committed as pending first
        await ctx.balances.fetch("ref")                  # warm: the HTTP client built and connected, as at app start
        t0 = time.perf_counter()
        cpu0, srv0 = time.process_time(), server_cpu(SERVER_PID)
        outcome = await ctx.batch.send_pending(batch_id, concurrency=concurrency)
        open_ = [o.order_no for o in outcome.orders if o.state not in SETTLED]
        while open_:                                     # settle anything still in flight by query
            await ctx.reconcile.run("ref")
            open_ = [o.order_no for o in ctx.ledger.batch_orders(batch_id) if o.state not in SETTLED]
        elapsed = time.perf_counter() - t0
        cpu = (time.process_time() - cpu0, server_cpu(SERVER_PID) - srv0)
        states: dict[str, int] = {}
        for o in ctx.ledger.batch_orders(batch_id):
            states[o.state.value] = states.get(o.state.value, 0) + 1
        ok = ctx.ledger.verify().ok
        # the pending -> submitted -> send order: every order's first events are created, submitted, then the reply
        kinds = [e.kind for e in ctx.ledger.events(outcome.orders[0].order_no)]
        return {"elapsed": elapsed, "cpu": cpu, "states": states, "verify": ok, "events": kinds,
                "succeeded": states.get(OrderState.SUCCEEDED.value, 0)}
    finally:
        await ctx.aclose()
        ctx.close()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=1000)
    ap.add_argument("--latency-ms", type=float, default=20.0)
    ap.add_argument("--concurrency", default="1,4,8,16")
    args = ap.parse_args()
    root = Path(tempfile.mkdtemp(prefix="km-bench-http-"))
    proc, url = start_server(root, args.latency_ms)
    global SERVER_PID
    SERVER_PID = proc.pid
    print(f"bench_http: n={args.n} latency={args.latency_ms} ms server={url} (reference server, own process)")
    print(f"{'conc':>4} {'seconds':>8} {'orders/s':>9} {'bound/s':>8} {'ratio':>6} {'cpu ms/order client+server':>27}"
          "  states / verify")
    try:
        for c in (int(x) for x in args.concurrency.split(",")):
            r = asyncio.run(one_run(root, url, args.n, c))
            rate = args.n / r["elapsed"]
            bound = c / (args.latency_ms / 1000)
            per = f"{1000 * r['cpu'][0] / args.n:.2f} + {1000 * r['cpu'][1] / args.n:.2f}"
            print(f"{c:>4} {r['elapsed']:>8.2f} {rate:>9.1f} {bound:>8.0f} {rate / bound:>6.0%} {per:>27}  {r['states']} "
                  f"verify={'ok' if r['verify'] else 'FAILED'} events={r['events']}", flush=True)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)


if __name__ == "__main__":
    main()
