"""The team ledger's failures reach callers as typed errors (issue 19), never psycopg's:
another terminal holding the chain head past the busy timeout is LedgerBusy (exit 5),
a connection the server dropped is StorageError; nothing is recorded by either."""

from __future__ import annotations

import threading

import psycopg
import pytest

from kameng_tui.domain.errors import LedgerBusy, StorageError
from kameng_tui.ledger.pg.team import TeamLedger
from kameng_tui.ledger.sqlite import open_ledger
from test_store import T0, intent


def open_team(url, tmp_path, **kw):
    return TeamLedger(url, local=open_ledger(tmp_path / "data"), state_dir=tmp_path / "state", **kw)


def test_a_head_held_past_the_busy_timeout_is_ledger_busy(pg_url, tmp_path):
    led = open_team(pg_url, tmp_path, busy_timeout_s=0.5)
    try:
        with psycopg.connect(pg_url) as other:           # another terminal mid-transaction
            other.execute("SELECT seq FROM chain_head FOR UPDATE")
            with pytest.raises(LedgerBusy) as err:
                led.create_intents([intent(1)], at=T0)
            assert err.value.exit_code == 5
            other.rollback()
        assert led.get(intent(1).order_no) is None
        led.create_intents([intent(1)], at=T0)          # free again: it goes through
        assert led.verify().ok
    finally:
        led.close()


def test_writers_wait_for_the_head_within_the_timeout(pg_url, tmp_path):
    led = open_team(pg_url, tmp_path, busy_timeout_s=5)
    try:
        with psycopg.connect(pg_url) as other:
            other.execute("SELECT seq FROM chain_head FOR UPDATE")
            threading.Timer(0.3, other.rollback).start()
            led.create_intents([intent(1)], at=T0)      # waits for the lock, then appends
        assert led.verify().ok and led.last_seq() == 1
    finally:
        led.close()


def test_a_dropped_connection_is_a_storage_error(pg_url, tmp_path):
    led = open_team(pg_url, tmp_path)
    try:
        led.create_intents([intent(1)], at=T0)
        pid = led._conn.info.backend_pid
        with psycopg.connect(pg_url, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        with pytest.raises(StorageError):
            led.create_intents([intent(2)], at=T0)
        with pytest.raises(StorageError):
            led.get(intent(1).order_no)
    finally:
        led.close()
    again = open_team(pg_url, tmp_path)
    try:
        assert again.get(intent(2).order_no) is None and again.verify().ok
    finally:
        again.close()
