"""The order path's own cost, this tree against another, pair by pair in one run.

Money-safety guards (ref, repeat window and batch guards checked inside the intent's
write transaction, the anchor check in every chained write) must not slow ordering
down. Three figures, each measured on real files with the demo supplier at latency 0
(so the supplier costs almost nothing and the ledger's work shows):

  checkout   CheckoutService.place, one order end to end (validate, re-quote, intent,
             submitted, reply: three FULL commits), n orders; and the demo's
             place_order alone as the in-run baseline
  intents    BatchService.record of a 1,000-line batch: every intent and its guards in
             one transaction (chain, FTS, anchor), 5 batches
  batch      BatchService.send_pending of a 300-line batch at concurrency 8: orders/s

With `--vs SRC` each round runs this tree and SRC's `src/` in turn (A B A B ...), each
in a fresh process and a fresh KAMENG_TUI_HOME, and the ratio A/B is taken per round,
so a machine whose speed drifts moves both sides alike. The demo's balance is raised
for the run (1,000-line batches cost more than its 5,000 元 start).

    .venv/bin/python benchmarks/bench_order_path.py                       # this tree only
    .venv/bin/python benchmarks/bench_order_path.py --vs /path/to/main    # A = this tree, B = main
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


def lines(n: int, start: int) -> str:
    """n batch lines, every account distinct (no repeat, no duplicate line)."""
    rows = ["sku,account"]
    rows += [f"demo:HF-CM-10,138{start + i:08d}" for i in range(n)]
    return "\n".join(rows) + "\n"


async def measure(n_checkout: int) -> dict[str, list[float]]:
    home = Path(tempfile.mkdtemp(prefix="km-bench-path-"))
    env = {**os.environ, "KAMENG_TUI_HOME": str(home), "KAMENG_TUI_DEMO_LATENCY_MS": "0",
           "KAMENG_TUI_DATA_KEY": base64.b64encode(os.urandom(32)).decode(),
           "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    from kameng_tui.services.checkout import OrderInput
    try:
        from kameng_tui.bootstrap import build_context
    except ImportError:  # an older tree (--vs main): the root was services/context.py
        from kameng_tui.services.context import build_context
    from kameng_tui.suppliers.base import PlaceRequest

    ctx = build_context(env)
    demo = ctx.suppliers.get("demo")
    product = (await demo.quote("HF-CM-10")).product
    await demo.balance()                                   # the demo's state file exists from here
    state = sqlite3.connect(str(home / "data" / "demo-supplier.db"))
    state.execute("UPDATE account SET balance = ?", (10**12,))
    state.commit()
    state.close()
    out: dict[str, list[float]] = {"base": [], "checkout": [], "intents": [], "batch_ops": []}

    for i in range(n_checkout):
        req = PlaceRequest(client_order_no=f"KMBENCH{i:017d}", product_id=product.product_id, quantity=1,
                           account={"account": "13900139000"})
        t = time.perf_counter()
        await demo.place_order(req)
        out["base"].append((time.perf_counter() - t) * 1000)
    for i in range(n_checkout):
        t = time.perf_counter()
        await ctx.checkout.place(OrderInput(sku=product.sku, fields={"account": "13800138000"}, again=True))
        out["checkout"].append((time.perf_counter() - t) * 1000)

    for r in range(5):
        plan = await ctx.batch.plan(lines(1000, 1_000_000 + r * 1000), source=f"intents-{r}")
        t = time.perf_counter()
        ctx.batch.record(plan)
        out["intents"].append((time.perf_counter() - t) * 1000)

    for r in range(3):
        plan = await ctx.batch.plan(lines(300, 5_000_000 + r * 1000), source=f"batch-{r}")
        batch_id = ctx.batch.record(plan)
        t = time.perf_counter()
        await ctx.batch.send_pending(batch_id, concurrency=8)
        out["batch_ops"].append(300 / (time.perf_counter() - t))
    await ctx.aclose()
    ctx.close()
    return out


def child(src: str | None, n: int) -> dict[str, list[float]]:
    env = dict(os.environ)
    if src:
        env["PYTHONPATH"] = str(Path(src) / "src")
    proc = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--child", "--n", str(n)],
                          env=env, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"benchmark child failed ({src or 'this tree'}):\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def summary(name: str, values: list[float], unit: str) -> str:
    return f"{name:<10} median {statistics.median(values):9.2f} {unit}  p95 {pct(values, .95):9.2f} {unit}"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100, help="checkouts per round")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--vs", metavar="SRC", help="another checkout of the project (its src/ is used)")
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        print(json.dumps(asyncio.run(measure(args.n))))
        return
    here = str(HERE.parent)
    sides = {"A": here} if not args.vs else {"A": here, "B": args.vs}
    got: dict[str, dict[str, list[float]]] = {k: {} for k in sides}
    ratios: dict[str, list[float]] = {"checkout overhead": [], "intents": [], "batch": []}
    print(f"order path: {args.rounds} rounds, {args.n} checkouts, 5 x 1,000 intents, 3 x 300-line batches "
          f"(concurrency 8), demo latency 0, sqlite {sqlite3.sqlite_version}")
    for side, src in sides.items():
        print(f"  {side} = {src}")
    for r in range(args.rounds):
        per: dict[str, dict[str, list[float]]] = {}
        for side, src in sides.items():
            per[side] = child(src, args.n)
            for k, v in per[side].items():
                got[side].setdefault(k, []).extend(v)
        if "B" in per:
            a, b = per["A"], per["B"]
            over = lambda d: statistics.median(d["checkout"]) - statistics.median(d["base"])  # noqa: E731
            ratios["checkout overhead"].append(over(a) / over(b))
            ratios["intents"].append(statistics.median(a["intents"]) / statistics.median(b["intents"]))
            ratios["batch"].append(statistics.median(b["batch_ops"]) / statistics.median(a["batch_ops"]))
    for side in sides:
        d = got[side]
        print(f"{side}:")
        print("  " + summary("base", d["base"], "ms") + "   (demo place_order alone)")
        print("  " + summary("checkout", d["checkout"], "ms")
              + f"   overhead {statistics.median(d['checkout']) - statistics.median(d['base']):.2f} ms")
        print("  " + summary("intents", d["intents"], "ms") + "   (1,000 intents, one transaction)")
        print("  " + summary("batch", d["batch_ops"], "/s ") + "   (orders per second, higher is better)")
    if args.vs:
        print("A/B, time ratio per round (1.00 = same; above 1 = A slower):")
        for k, v in ratios.items():
            print(f"  {k:<18} median {statistics.median(v):.3f}  rounds {', '.join(f'{x:.3f}' for x in v)}")


if __name__ == "__main__":
    main()
