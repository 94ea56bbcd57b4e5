"""Fault mixes against the reference server (a real process): 200 orders each at 2 ms
latency. From the server's request log and books: creates per number <= 1 + re-sends,
every order settled after reconcile, ledger and server agree on state and charged,
`ledger verify` passes. Each mix prints what was injected."""

from __future__ import annotations

import random

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


def random_mix(seed: int) -> str:
    rng = random.Random(seed)
    knobs = {"err500": 0.1, "err429": 0.1, "timeout": 0.04, "malformed": 0.1, "drop_after_accept": 0.3,
             "drip": 0.02, "badsig": 0.1}
    parts = [f"{k}={rng.uniform(0, top):.3f}" for k, top in knobs.items() if rng.random() < 0.6]
    return ",".join(parts + [f"seed={seed}"])


@pytest.mark.parametrize("name", list(NAMED))
async def test_named_mix(name, tmp_path, home):
    faults = f"{NAMED_BASE},{NAMED[name]},seed=7"
    stats = await run_mix(tmp_path, home, faults, name)
    print(name, stats)
    kind = name.removesuffix("_30")
    if kind not in ("all_at_once", "dup_webhook"):
        assert stats["injected"].get(kind, 0) > 0, f"{name}: no fault was injected: {stats}"


@pytest.mark.parametrize("seed", range(1, 11))
async def test_random_mix(seed, tmp_path, home):
    faults = f"{BASE},{random_mix(seed)}"
    print(f"seed={seed} faults={faults}")
    stats = await run_mix(tmp_path, home, faults, f"random-{seed}")
    print(stats)
