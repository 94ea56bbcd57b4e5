"""The catalog sync's local cost for one supplier's 100,000 listings, as the sync pays it
page by page (pages of 500): search keys (pinyin) and `CatalogStore.upsert` into a real
ledger file. A first sync (every listing new) and a re-sync (none changed); the network
is not in it. Since migration 6 the upsert also reads each new or changed listing by the
offer-matching rule (issue 18), and an unchanged one is not read again: run this script
on the commit before and after to compare (it uses nothing newer than both).

    .venv/bin/python benchmarks/bench_catalog_sync.py [--listings 100000]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_offer_match import supplier_catalog  # noqa: E402

from kameng_tui.domain.search_keys import keys_for  # noqa: E402
from kameng_tui.ledger.sqlite import open_ledger  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--listings", type=int, default=100_000)
    args = ap.parse_args()
    products = supplier_catalog(0, args.listings)
    at = datetime(2026, 12, 7, tzinfo=timezone.utc)
    with tempfile.TemporaryDirectory() as tmp:
        ledger = open_ledger(Path(tmp) / "data")
        try:
            for label, when in (("first sync (all new)", at), ("re-sync (none changed)", at + timedelta(hours=1))):
                t, c = time.perf_counter(), time.process_time()
                for i in range(0, len(products), 500):
                    page = products[i:i + 500]
                    ledger.catalog.upsert(page, [keys_for(p.name, p.category_path) for p in page], at=when)
                wall, cpu = time.perf_counter() - t, time.process_time() - c
                print(f"{label:<24} {len(products)} listings: wall {wall:6.2f} s  CPU {cpu:6.2f} s  "
                      f"({1e6 * cpu / len(products):.0f} us CPU a listing)")
        finally:
            ledger.close()


if __name__ == "__main__":
    main()
