"""Reconcile on the team ledger, per sender (issue 19): another terminal's in-flight order
is touched exactly when its sender's lock can be taken (the sender process is gone),
never while it lives, whatever other terminals send meanwhile; and terminals sending at
once never queue behind each other. All real processes: the CLI, the reference supplier,
PostgreSQL."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from kit import run_cli
from refkit import client_env, start_server, terminate, wait_for

pytestmark = pytest.mark.slow

SLOW = "create_hold_ms=180000"   # the supplier holds every create for minutes: a sender stays mid-send


HOLDER = r"""
import asyncio, sys
from pathlib import Path
from kameng_tui.ledger.pg.team import TeamLedger
from kameng_tui.ledger.sqlite import open_ledger
base = Path(sys.argv[2])
t = TeamLedger(sys.argv[1], local=open_ledger(base / "data"), state_dir=base / "state")

async def main():
    async with t.send_gate(timeout_s=5).held():
        print("held", flush=True)
        await asyncio.to_thread(sys.stdin.readline)

asyncio.run(main())
"""


def terminal_env(tmp_path: Path, name: str, ref_url: str, pg_url: str) -> dict[str, str]:
    """A terminal: its own home, the reference supplier `ref`, the team ledger."""
    home = tmp_path / name
    env = client_env(home, ref_url, deadline_s="300", read_s="300")
    cfg = home / "config" / "config.toml"
    cfg.write_text(f'[ledger]\nurl = "{pg_url}"\n\n[checkout]\ncall_deadline_s = 300\n\n' + cfg.read_text(),
                   encoding="utf-8")
    return env


def order_proc(env: dict[str, str], account: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "kameng_tui", "order", "ref:HF-CM-10", "--account", account,
                             "--yes", "--json", "--wait", "0"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def submitted(pg_url: str) -> dict[str, str]:
    """order_no -> the terminal its submitted event names."""
    with psycopg.connect(pg_url) as conn:
        rows = conn.execute("SELECT order_no, body FROM events WHERE kind = 'submitted' ORDER BY seq").fetchall()
    return {no: json.loads(body)["terminal"] for no, body in rows}


def send_locks(pg_url: str) -> int:
    """Send locks granted on this database now (ledger/pg/send_gate.py's two-int keys)."""
    from kameng_tui.ledger.pg.send_gate import SEND_CLASS

    with psycopg.connect(pg_url) as conn:
        return int(conn.execute(
            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 2 "
            "AND classid = %s AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
            (SEND_CLASS,)).fetchone()[0])


def state(pg_url: str, order_no: str) -> str:
    with psycopg.connect(pg_url) as conn:
        return str(conn.execute("SELECT state FROM orders WHERE order_no = %s", (order_no,)).fetchone()[0])


def test_reconcile_settles_another_terminals_order_only_once_its_sender_is_gone(tmp_path, pg_url):
    ref = start_server(tmp_path / "srv", faults=SLOW)
    a_env, b_env, c_env = (terminal_env(tmp_path, n, ref.url, pg_url) for n in "abc")
    a = order_proc(a_env, "13800138000")
    c = None
    try:
        sent = wait_for(lambda: submitted(pg_url) or a.poll() is not None, timeout=60)
        assert sent and a.poll() is None, a.stderr.read() if a.poll() is not None else "A never submitted"
        (no, _a), = submitted(pg_url).items()

        r = run_cli(b_env, "reconcile", "--json")
        assert no in r.json["skipped"], r.stdout + r.stderr         # A lives: its order is left alone
        assert state(pg_url, no) == "submitted"
        assert not [q for q in ref.requests() if q["no"] == no and q["method"] == "GET"], "B never asked about it"

        # terminal C is mid-send (its send lock held) for the rest of the test
        c = subprocess.Popen([sys.executable, "-c", HOLDER, pg_url, str(tmp_path / "c")], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert c.stdout.readline().strip() == "held"

        a.send_signal(signal.SIGKILL)
        a.wait(timeout=10)
        terminate(ref.proc)                   # the supplier answers promptly from now on
        ref = start_server(tmp_path / "srv", port=ref.port)

        def reconciled():
            doc = run_cli(b_env, "reconcile", "--json").json
            return doc if no not in doc["skipped"] else None

        doc = wait_for(reconciled, timeout=30, step=0.2)
        assert doc, "A's order stayed skipped after A was killed"
        assert no in doc["resent"] and no in doc["settled"], doc    # not found: re-sent by its number, settled
        assert state(pg_url, no) == "succeeded" and ref.creates() == {no: 1}
        assert c.poll() is None and send_locks(pg_url) == 1, "C sent on all along"
    finally:
        for p in (a, c):
            if p is not None and p.poll() is None:
                p.kill()
                p.wait(timeout=10)
        ref.stop()


def test_four_terminals_send_at_once_none_waiting_for_another(tmp_path, pg_url):
    ref = start_server(tmp_path / "srv", faults=SLOW)
    procs = [order_proc(terminal_env(tmp_path, f"t{i}", ref.url, pg_url), f"1380013800{i}") for i in range(4)]
    try:
        # each holds its own send lock while its create waits at the supplier: all four at once
        assert wait_for(lambda: send_locks(pg_url) == 4 or any(p.poll() is not None for p in procs), timeout=90)
        assert all(p.poll() is None for p in procs), [p.stderr.read() for p in procs if p.poll() is not None]
        # a terminal takes its lock a moment before it records `submitted`: wait for the
        # fourth record (on a loaded machine the check met 4 locks and 3 records)
        assert wait_for(lambda: len(set(submitted(pg_url).values())) == 4, timeout=30), \
            "four orders in flight, each naming its own terminal"
        assert send_locks(pg_url) == 4                    # still all four at once
    finally:
        for p in procs:
            p.kill()
            p.wait(timeout=10)
        ref.stop()
