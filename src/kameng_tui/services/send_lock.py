"""Sending is exclusive: only the holder of the OS lock on `send.lock` sends.

The kernel releases the lock when its holder dies (even by SIGKILL), so a crashed
run never blocks the next one. Queries need no lock; only sends and re-sends do.
"""

from __future__ import annotations

import threading
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, AsyncIterator, Iterator, Mapping

from kameng_tui.domain.errors import LedgerBusy
from kameng_tui.messages import Msg

if TYPE_CHECKING:
    from filelock import FileLock


class SendLock:
    """Built for every command; filelock and asyncio are loaded only by one that sends
    (a read-only command such as `ledger verify` starts faster without them)."""

    def __init__(self, data_dir: Path, timeout_s: float = 120.0) -> None:
        self._path = data_dir / "send.lock"
        self.timeout_s = timeout_s
        self._made: FileLock | None = None
        self._making = threading.Lock()   # one FileLock, whichever thread asks first

    @property
    def _lock(self) -> FileLock:
        with self._making:
            if self._made is None:
                from filelock import FileLock

                self._made = FileLock(str(self._path), thread_local=False)
            return self._made

    @asynccontextmanager
    async def held(self) -> AsyncIterator[None]:
        """Hold the lock while sending. Every sender runs on an event loop, so waiting for
        another process's lock happens in a thread: the TUI keeps drawing while cron's
        reconcile finishes a send."""
        import asyncio

        await asyncio.to_thread(self._acquire)
        try:
            yield
        finally:
            self._lock.release()

    def _acquire(self) -> None:
        from filelock import Timeout

        try:
            self._lock.acquire(timeout=self.timeout_s)
        except Timeout:
            raise self._busy() from None

    def _busy(self) -> LedgerBusy:
        return LedgerBusy(Msg("err.send_lock.busy", seconds=f"{self.timeout_s:.0f}"))

    @contextmanager
    def try_held(self) -> Iterator[bool]:
        """Take the lock if free right now; yields whether we hold it."""
        from filelock import Timeout

        try:
            self._lock.acquire(timeout=0)
        except Timeout:
            yield False
            return
        try:
            yield True
        finally:
            self._lock.release()


def send_lock_wait_s(env: Mapping[str, str]) -> float:
    """How long a send waits for another process's send lock (a batch sending):
    `KAMENG_TUI_SEND_LOCK_WAIT_S`, default 120 s (tests and impatient cron jobs set less)."""
    from kameng_tui.domain.errors import BadEnvValue
    from kameng_tui.messages import Msg

    text = env.get("KAMENG_TUI_SEND_LOCK_WAIT_S")
    if not text:
        return 120.0
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 86400:
        raise BadEnvValue(Msg("err.env.seconds", name="KAMENG_TUI_SEND_LOCK_WAIT_S", value=repr(text)),
                          field="KAMENG_TUI_SEND_LOCK_WAIT_S")
    return value
