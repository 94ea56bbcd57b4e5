"""Fault mixes against the reference server (a real process): 200 orders each at 2 ms
latency. From the server's request log and books: creates per number <= 1 + connect
failures + not-found re-sends, every order settled after reconcile, ledger and server
agree on state and charged, every order's history forward-only with one final state,
`ledger verify` passes. Each mix prints what was injected.

The mixes with webhook faults (duplicate and out-of-order webhooks) and every random
mix run with a real receiver: `kameng-tui supplier listen` as a process on the client's
ledger, the server posting to it. Every webhook must be accepted, and none may move an
order backwards or count its money twice.

Two mixes run side by side (each in its own thread, event loop, client home and server
process) so the suite uses both cores: the client mostly waits on fsync and sockets.
"""

from __future__ import annotations

import asyncio
import random
from concurrent.futures import ThreadPoolExecutor

import pytest

from faultkit import run_mix

pytestmark = pytest.mark.slow

BASE = "latency=2,fail=0.1,hang_s=1.0,drip_ms=20,retry_after=0.05"
NAMED_BASE = BASE + ",settle_ms=30"       # 直充 orders sit in processing: settled by query
NAMED = {
    "err500": "err500=0.1",
    "err429": "err429=0.15",
    "timeout": "timeout=0.05",
    "malformed": "malformed=0.1",
    "drop_after_accept": "drop_after_accept=0.1",
    "dup_webhook": "dup_webhook=0.5",
    "drip": "drip=0.03",
    "badsig": "badsig=0.1",
    "all_at_once": "err500=0.05,err429=0.05,timeout=0.02,malformed=0.05,drop_after_accept=0.1,dup_webhook=0.5,"
                   "drip=0.01,badsig=0.02",
    "drop_after_accept_30": "drop_after_accept=0.3",
}
NAMED_LIST = list(NAMED)


def random_mix(seed: int) -> str:
    rng = random.Random(seed)
    knobs = {"err500": 0.1, "err429": 0.1, "timeout": 0.04, "malformed": 0.1, "drop_after_accept": 0.3,
             "drip": 0.02, "badsig": 0.1}
    parts = [f"{k}={rng.uniform(0, top):.3f}" for k, top in knobs.items() if rng.random() < 0.6]
    parts.append(f"dup_webhook={rng.uniform(0.2, 1):.3f}")   # every random mix runs with a webhook receiver
    if rng.random() < 0.5:
        parts.append("settle_ms=30")        # 直充 orders processing first: webhooks in two steps, and stale ones
    return ",".join(parts + [f"seed={seed}"])


def run_pair(tmp_path, jobs: list[tuple[str, str, bool]]) -> list[dict]:
    def one(i: int, label: str, faults: str, webhook: bool) -> dict:
        root = tmp_path / f"mix{i}"
        home = root / "home"
        home.mkdir(parents=True)
        return asyncio.run(run_mix(root, home, faults, label, webhook=webhook))

    with ThreadPoolExecutor(len(jobs)) as pool:
        futures = [pool.submit(one, i, *job) for i, job in enumerate(jobs)]
        results = [f.result() for f in futures]
    for (label, faults, _), stats in zip(jobs, results):
        print(f"{label} [{faults}]: {stats}")
    return results


@pytest.mark.parametrize("pair", range(len(NAMED) // 2))
def test_named_mixes(pair, tmp_path):
    names = NAMED_LIST[2 * pair:2 * pair + 2]
    results = run_pair(tmp_path, [(n, f"{NAMED_BASE},{NAMED[n]},seed=7", "dup_webhook" in NAMED[n]) for n in names])
    for name, stats in zip(names, results):
        kind = name.removesuffix("_30")
        if kind not in ("all_at_once", "dup_webhook"):
            assert stats["injected"].get(kind, 0) > 0, f"{name}: no fault was injected: {stats}"


@pytest.mark.parametrize("pair", range(5))
def test_random_mixes(pair, tmp_path):
    seeds = (2 * pair + 1, 2 * pair + 2)
    run_pair(tmp_path, [(f"random-{s}", f"{BASE},{random_mix(s)}", True) for s in seeds])
