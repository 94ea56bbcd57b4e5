"""Sending on the team ledger: exclusive per order, not per team.

The pending -> submitted compare-and-set decides who sends an order. Each sending
process holds a session advisory lock on its OWN terminal id, on one dedicated
connection (never pooled, never the store's), so four terminals send at once and none
waits for another's batch; every `submitted` event records the terminal id. The server
releases the lock when that session ends (a killed process, a dropped network), so
reconcile on any terminal may touch a submitted order once it can take its sender's
lock. A terminal whose gate connection is gone stops sending: `check_alive` fails the
next pending -> submitted before anything is sent.
"""

from __future__ import annotations

import hashlib
import threading
import time
from contextlib import asynccontextmanager, contextmanager
from typing import Any, AsyncIterator, Iterator

from kameng_tui.domain.errors import LedgerBusy, StorageError
from kameng_tui.messages import Msg


def advisory_key(terminal_id: str) -> int:
    """A signed 64-bit key for a terminal id (pg_advisory_lock's bigint form)."""
    return int.from_bytes(hashlib.sha256(b"kameng-terminal\x1f" + terminal_id.encode()).digest()[:8], "big",
                          signed=True)


class AdvisoryGate:
    """The SendGate port (ledger/ports.py) as a session advisory lock."""

    def __init__(self, conninfo: str, terminal_id: str, timeout_s: float, *, password: str | None = None,
                 busy_timeout_s: float = 5.0) -> None:
        self.conninfo, self.terminal_id, self.timeout_s = conninfo, terminal_id, timeout_s
        self.key = advisory_key(terminal_id)
        self._password, self._busy_timeout_s = password, busy_timeout_s
        self._conn: Any = None
        self._depth = 0
        self._mutex = threading.RLock()

    def _connection(self) -> Any:
        from kameng_tui.ledger.pg.connect import connect

        if self._conn is None or self._conn.closed:
            self._conn = connect(self.conninfo, password=self._password, busy_timeout_s=self._busy_timeout_s,
                                 application_name=f"kameng-tui send {self.terminal_id}")
        return self._conn

    def _try(self) -> bool:
        import psycopg

        with self._mutex:
            if self._depth:
                self._depth += 1
                return True
            try:
                got = bool(self._connection().execute("SELECT pg_try_advisory_lock(%s)", (self.key,)).fetchone()[0])
            except psycopg.Error as exc:
                raise StorageError(Msg("err.team.lost", detail=type(exc).__name__)) from None
            if got:
                self._depth = 1
            return got

    def _acquire(self) -> None:
        deadline = time.monotonic() + self.timeout_s
        while not self._try():
            if time.monotonic() >= deadline:
                raise LedgerBusy(Msg("err.send_lock.busy", seconds=f"{self.timeout_s:.0f}"))
            time.sleep(0.05)

    def _release(self) -> None:
        import psycopg

        with self._mutex:
            self._depth -= 1
            if self._depth:
                return
            try:
                self._conn.execute("SELECT pg_advisory_unlock(%s)", (self.key,))
            except psycopg.Error:
                self.close()        # the session is gone, and the lock with it

    def check_alive(self) -> None:
        """While this process holds the gate, its session must still be there: otherwise
        the server released the lock and another terminal's reconcile may touch our
        orders, so nothing more is sent (StorageError)."""
        import psycopg

        with self._mutex:
            if not self._depth:
                return
            try:
                self._conn.execute("SELECT 1").fetchone()
            except psycopg.Error:
                raise StorageError(Msg("err.team.not_sender")) from None

    @asynccontextmanager
    async def held(self) -> AsyncIterator[None]:
        import asyncio

        await asyncio.to_thread(self._acquire)
        try:
            yield
        finally:
            self._release()

    @contextmanager
    def try_held(self) -> Iterator[bool]:
        if not self._try():
            yield False
            return
        try:
            yield True
        finally:
            self._release()

    def close(self) -> None:
        with self._mutex:
            if self._conn is not None:
                try:
                    self._conn.close()
                except Exception:   # noqa: BLE001 - closing a dead connection
                    pass
            self._conn, self._depth = None, 0
