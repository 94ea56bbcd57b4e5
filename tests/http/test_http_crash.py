"""SIGKILL the client mid-batch against the reference server (both real processes);
restart, reconcile, resume: no order lost, none created twice, ledger and server agree."""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time

import pytest

from faultkit import check_guarantees, lines
from kit import run_cli
from refkit import client_env, start_server, wait_for

pytestmark = pytest.mark.slow
N = 200


def reconcile_quiet(env, rounds: int = 30) -> None:
    for _ in range(rounds):
        doc = json.loads(run_cli(env, "reconcile", "--json").stdout)
        if not doc["still_open"]:
            return
        time.sleep(0.2)


@pytest.mark.parametrize("seed", [11, 12, 13])
async def test_sigkill_mid_batch_then_recover(seed, tmp_path, home):
    rng = random.Random(seed)
    ref = start_server(tmp_path, faults=f"latency=5,drop_after_accept=0.05,seed={seed}")
    try:
        env = client_env(home, ref.url, deadline_s="2", read_s="0.5")
        batch = tmp_path / "batch.txt"
        batch.write_text(lines(N, seed=seed), encoding="utf-8")
        proc = subprocess.Popen([sys.executable, "-m", "kameng_tui", "batch", "run", str(batch), "--yes", "--json",
                                 "--concurrency", "8"], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        kill_at = rng.randint(10, N - 40)
        reached = wait_for(lambda: len(ref.creates()) >= kill_at or proc.poll() is not None, timeout=60, step=0.01)
        assert reached and proc.poll() is None, f"the batch ended before the kill point {kill_at}"
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        print(f"seed={seed}: killed after {len(ref.creates())} creates reached the server (target {kill_at})")
        reconcile_quiet(env)
        batches = json.loads(run_cli(env, "batch", "list", "--json").stdout)["items"]
        assert len(batches) == 1
        r = run_cli(env, "batch", "resume", str(batches[0]["batch_id"]), "--yes", "--json")
        assert r.code in (0, 1, 3), r.stdout + r.stderr
        reconcile_quiet(env)
        from kameng_tui.services.context import build_context

        ctx = build_context(env)
        try:
            check_guarantees(ctx, ref, f"sigkill seed {seed}", expect=N)
        finally:
            await ctx.aclose()
            ctx.close()
    finally:
        ref.stop()
