"""Eight processes at once on one ledger, on both stores (issue 19): one ref, one batch,
one repeat window each record exactly one intent; the others get the typed refusal.
On PostgreSQL the guards run after the chain_head row lock, so they see every commit
made before it; on SQLite after BEGIN IMMEDIATE."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

WORKER = r"""
import json, sys
from datetime import timedelta
from pathlib import Path
sys.path.insert(0, sys.argv[4])
from test_store import T0, intent
from kameng_tui.domain.errors import KamengError
from kameng_tui.ledger.sqlite import open_ledger
from kameng_tui.ledger.store import NewBatch, RepeatGuard

backend, where, i = sys.argv[1], sys.argv[2], int(sys.argv[3])
what = sys.argv[5]
base = Path(sys.argv[6])
if backend == "sqlite":
    led = open_ledger(Path(where))
else:
    from kameng_tui.ledger.pg.team import TeamLedger
    led = TeamLedger(where, local=open_ledger(base / f"local{i}"), state_dir=base / f"state{i}")
sys.stdout.write("ready\n"); sys.stdout.flush()
sys.stdin.readline()                        # all start together
try:
    if what == "ref":
        led.create_intents([intent(100 + i, ref="TB-RACE", account={"account": "13800000001"})], at=T0)
    elif what == "batch":
        led.create_intents([intent(100 + i, line_id=1)], NewBatch("race-id", f"b{i}.csv", 1), at=T0)
    else:
        led.create_intents([intent(100 + i, account={"account": "13800000001"})], at=T0,
                           repeat=RepeatGuard(since=T0 - timedelta(minutes=10), window_s=600))
    print(json.dumps({"ok": True}))
except KamengError as exc:
    print(json.dumps({"ok": False, "code": exc.code}))
finally:
    led.close()
"""

REFUSAL = {"ref": "ref_exists", "batch": "repeat_batch", "repeat": "repeat_order"}


@pytest.mark.slow
@pytest.mark.parametrize("what", ["ref", "batch", "repeat"])
def test_eight_processes_record_one_intent(backend, what, tmp_path, request):
    where = str(tmp_path / "data") if backend == "sqlite" else request.getfixturevalue("pg_url")
    tests_dir = str(Path(__file__).parent)
    procs = [subprocess.Popen([sys.executable, "-c", WORKER, backend, where, str(i), tests_dir, what, str(tmp_path)],
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for i in range(8)]
    for p in procs:
        assert p.stdout.readline().strip() == "ready", p.stderr.read()
    for p in procs:
        p.stdin.write("go\n")
        p.stdin.flush()
    results = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    assert sum(r["ok"] for r in results) == 1, results
    assert {r.get("code") for r in results if not r["ok"]} == {REFUSAL[what]}
    from pgkit import open_backend

    led = open_backend(backend, tmp_path, lambda: where)
    try:
        report = led.verify()
        assert report.ok and report.events == (2 if what == "batch" else 1)
    finally:
        led.close()
