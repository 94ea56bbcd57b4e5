"""Sending on the team ledger (issue 19): exclusive per order, not per team. Each sending
terminal holds a session advisory lock on its own id, so four send at once; reconcile on
another terminal may touch a submitted order only once it can take its sender's lock; a
terminal whose lock connection is gone stops sending."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time

import psycopg
import pytest

from kameng_tui.domain.errors import StorageError
from kameng_tui.domain.states import OrderState as S
from kameng_tui.ledger.pg.team import TeamLedger
from kameng_tui.ledger.sqlite import open_ledger
from test_store import T0, intent


def terminal(pg_url, tmp_path, name):
    return TeamLedger(pg_url, local=open_ledger(tmp_path / name / "data"), state_dir=tmp_path / name / "state")


async def test_four_terminals_hold_their_send_gates_at_once(pg_url, tmp_path):
    terms = [terminal(pg_url, tmp_path, f"t{i}") for i in range(4)]
    try:
        assert len({t.terminal_id for t in terms}) == 4
        holding = 0

        async def send(t):
            nonlocal holding
            async with t.send_gate(timeout_s=1).held():    # a queue behind another terminal would time out
                holding += 1
                await asyncio.sleep(0.3)
                seen = holding
                await asyncio.sleep(0.3)
                holding -= 1
                return seen

        started = time.monotonic()
        seen = await asyncio.gather(*(send(t) for t in terms))
        assert max(seen) == 4, "all four held their gates together"
        assert time.monotonic() - started < 2.4         # four batches one after another would take 2.4 s
    finally:
        for t in terms:
            t.close()


def test_one_terminal_sends_alone_and_reconcile_waits_for_its_sender(pg_url, tmp_path):
    a = terminal(pg_url, tmp_path, "a")
    b = terminal(pg_url, tmp_path, "b")
    try:
        a.create_intents([intent(1)], at=T0)
        no = intent(1).order_no
        with a.send_gate(timeout_s=0).try_held() as held:
            assert held
            assert a.transition(no, S.PENDING, S.SUBMITTED, at=T0)
            sender = b.last_event(no, "submitted").body["terminal"]      # every submitted event names its sender
            assert sender == a.terminal_id
            with b.sender_gate(sender).try_held() as gone:
                assert not gone, "the sender is alive: reconcile leaves its order alone"
            with b.send_gate(timeout_s=0).try_held() as own_free:
                assert own_free, "B's own gate is free: a sending terminal never holds up another"
                with b.send_gate(timeout_s=0).try_held_for(sender) as gone:
                    assert not gone, "reconcile on another terminal neither resends nor marks it"
                with b.send_gate(timeout_s=0).try_held_for(b.terminal_id) as mine:
                    assert mine
            # a second process of the same terminal does not send beside it
            twin = a.sender_gate(a.terminal_id)
            with twin.try_held() as also:
                assert not also
            twin.close()
        with b.sender_gate(sender).try_held() as gone:
            assert gone, "the sender let go: reconcile may take its orders"
        with b.send_gate(timeout_s=0).try_held(), b.send_gate(timeout_s=0).try_held_for(sender) as gone:
            assert gone
    finally:
        a.close()
        b.close()


HOLDER = r"""
import sys
from pathlib import Path
from kameng_tui.ledger.pg.team import TeamLedger
from kameng_tui.ledger.sqlite import open_ledger
base = Path(sys.argv[2])
t = TeamLedger(sys.argv[1], local=open_ledger(base / "data"), state_dir=base / "state")
gate = t.send_gate(timeout_s=0)
with gate.try_held() as held:
    print(t.terminal_id if held else "-", flush=True)
    sys.stdin.readline()
"""


@pytest.mark.slow
def test_a_killed_sender_releases_its_lock(pg_url, tmp_path):
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, pg_url, str(tmp_path / "k")], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    b = terminal(pg_url, tmp_path, "b")
    try:
        sender = proc.stdout.readline().strip()
        assert sender not in ("", "-"), proc.stderr.read()
        with b.sender_gate(sender).try_held() as gone:
            assert not gone
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
        deadline = time.monotonic() + 10
        while True:
            with b.sender_gate(sender).try_held() as gone:
                if gone:
                    break
            assert time.monotonic() < deadline, "the server never released a killed sender's lock"
            time.sleep(0.1)
    finally:
        proc.kill()
        b.close()


def test_a_terminal_that_lost_its_lock_connection_stops_sending(pg_url, tmp_path):
    a = terminal(pg_url, tmp_path, "a")
    try:
        a.create_intents([intent(1)], at=T0)
        no = intent(1).order_no
        gate = a.send_gate(timeout_s=0)
        with gate.try_held() as held:
            assert held
            pid = gate._conn.info.backend_pid
            with psycopg.connect(pg_url, autocommit=True) as admin:      # the network drops that session
                admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
            with pytest.raises(StorageError):
                a.transition(no, S.PENDING, S.SUBMITTED, at=T0)
        assert a.get(no).state is S.PENDING and [e.kind for e in a.events(no)] == ["created"]
    finally:
        a.close()
