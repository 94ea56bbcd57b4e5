"""Moving a shop (issue 20): `ledger migrate` of a local ledger of N events (orders
created in batches of 10,000 through the store) onto an empty team ledger: the chain
checked event by event, COPY in batches of 5,000, the orders rebuilt from the events by
SQLite and copied. Prints the local set-up time, the events phase and the whole move.
The server: KAMENG_TUI_TEST_PG_URL when set, else a pgserver in a temp dir.

    .venv/bin/python benchmarks/bench_ledger_migrate.py [--events 100000]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import pgkit  # noqa: E402
from pgteam import T0, intent  # noqa: E402

from kameng_tui.ledger.pg.migrate import BATCH, move_shop  # noqa: E402
from kameng_tui.ledger.sqlite import open_ledger  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--events", type=int, default=100_000)
    n = ap.parse_args().events
    url, name = pgkit.server().fresh()
    try:
        led = open_ledger(Path(tempfile.mkdtemp()) / "data")
        t = time.perf_counter()
        for k in range(0, n, 10_000):
            led.create_intents([intent(i, order_no=f"KM2611011200BENCH{i:07d}") for i in range(k, min(n, k + 10_000))],
                               at=T0)
        print(f"local ledger of {n} events made in {time.perf_counter() - t:.1f} s")
        marks: list[float] = []
        t = time.perf_counter()
        done = move_shop(led, url, password=None, at=T0, after_batch=lambda seq: marks.append(time.perf_counter()))
        total = time.perf_counter() - t
        print(f"events: {done.copied} in {marks[-1] - t:.2f} s (batches of {BATCH}); whole move {total:.2f} s "
              f"({done.orders} orders); load {os.getloadavg()[0]:.1f}")
        led.close()
    finally:
        pgkit.server().drop(name)
        pgkit.stop_server()


if __name__ == "__main__":
    main()
