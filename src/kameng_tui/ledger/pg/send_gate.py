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


SEND_CLASS = 0x6B6D
"""The first int of every send lock's two-int advisory key ("km"): pg_locks tells the
send locks apart from any other advisory lock by it."""


def advisory_key(terminal_id: str) -> int:
    """The second int of a terminal's send lock (a signed 32-bit hash of its id)."""
    return int.from_bytes(hashlib.sha256(b"kameng-terminal\x1f" + terminal_id.encode()).digest()[:4], "big",
                          signed=True)


class AdvisoryGate:
    """The SendGate port (ledger/ports.py) as a session advisory lock.

    `held()` (a sender) takes this terminal's own lock only, so terminals never queue
    behind each other. Reconcile takes `try_held()` (this terminal's own lock: no other
    process of this terminal is mid-send) and, per order, `try_held_for(sender)`: for
    another terminal's order that sender's lock, on a connection of its own, held while
    the order is checked; the server grants it only once the sender's session is gone."""

    def __init__(self, conninfo: str, terminal_id: str, timeout_s: float, *, password: str | None = None,
                 busy_timeout_s: float = 5.0) -> None:
        self.conninfo, self.terminal_id, self.timeout_s = conninfo, terminal_id, timeout_s
        self.key = advisory_key(terminal_id)
        self._password, self._busy_timeout_s = password, busy_timeout_s
        self._conn: Any = None
        self._depth = 0
        self._mutex = threading.RLock()
        self._senders: dict[str, AdvisoryGate] = {}

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
                got = bool(self._connection().execute("SELECT pg_try_advisory_lock(%s, %s)",
                                                      (SEND_CLASS, self.key)).fetchone()[0])
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
                self._conn.execute("SELECT pg_advisory_unlock(%s, %s)", (SEND_CLASS, self.key))
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

    @contextmanager
    def try_held_for(self, sender: str | None) -> Iterator[bool]:
        if not sender or sender == self.terminal_id:
            yield self._depth > 0
            return
        with self._mutex:
            gate = self._senders.get(sender)
            if gate is None:
                gate = self._senders[sender] = AdvisoryGate(self.conninfo, sender, 0.0, password=self._password,
                                                            busy_timeout_s=self._busy_timeout_s)
        try:
            with gate.try_held() as gone:
                yield gone
        finally:
            with self._mutex:
                if not gate._depth and self._senders.get(sender) is gate:
                    del self._senders[sender]      # no connection kept per sender between runs
                    gate.close()

    def close(self) -> None:
        with self._mutex:
            for gate in self._senders.values():
                gate.close()
            self._senders.clear()
            if self._conn is not None:
                try:
                    self._conn.close()
                except Exception:   # noqa: BLE001 - closing a dead connection
                    pass
            self._conn, self._depth = None, 0
