"""Single checkout overhead: what the ledger's durable steps add to one order.

Measures, in one run on real files (demo supplier, latency 0):
  baseline  the demo supplier's place_order alone (its own FULL commit included)
  checkout  CheckoutService.place: validate, re-quote, intent (FULL commit),
            submitted (FULL commit), reply recorded (FULL commit), send lock
and prints median and p95 of each and the overhead (checkout - baseline).

    .venv/bin/python benchmarks/bench_checkout.py [--n 200]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import os
import statistics
import tempfile
import time
from pathlib import Path


def pct(values: list[float], q: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, int(round(q * (len(s) - 1))))]


async def main(n: int) -> None:
    home = Path(tempfile.mkdtemp(prefix="km-bench-"))
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
    product = (await demo.quote("HF-CM-10")).product      # 话费 10 元: unlimited stock, cheap
    account = "13800138000"

    base, full = [], []
    for i in range(n):
        req = PlaceRequest(client_order_no=f"KMBENCH{i:017d}", product_id=product.product_id, quantity=1,
                           account={"account": account})
        t = time.perf_counter()
        await demo.place_order(req)
        base.append((time.perf_counter() - t) * 1000)
    for i in range(n):
        t = time.perf_counter()
        await ctx.checkout.place(OrderInput(sku=product.sku, fields={"account": account}, again=True))
        full.append((time.perf_counter() - t) * 1000)
    con = ctx.ledger._conn if hasattr(ctx.ledger, "_conn") else None
    settings = ""
    if con is not None:
        jm = con.execute("PRAGMA journal_mode").fetchone()[0]
        sy = con.execute("PRAGMA synchronous").fetchone()[0]
        settings = f"journal_mode={jm} synchronous={sy}"
    import sqlite3

    print(f"single checkout overhead  n={n}  product={product.sku}  sqlite {sqlite3.sqlite_version}  {settings}")
    print(f"  baseline (demo place_order alone): median {statistics.median(base):7.2f} ms  p95 {pct(base, .95):7.2f} ms")
    print(f"  checkout (validate..final commit): median {statistics.median(full):7.2f} ms  p95 {pct(full, .95):7.2f} ms")
    print(f"  overhead: median {statistics.median(full) - statistics.median(base):7.2f} ms"
          f"  ratio {statistics.median(full) / statistics.median(base):.2f}x")
    await ctx.aclose()
    ctx.close()


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=200)
    asyncio.run(main(ap.parse_args().n))
