"""Sending is exclusive: only the holder of the OS lock on `send.lock` sends.

The kernel releases the lock when its holder dies (even by SIGKILL), so a crashed
run never blocks the next one. Queries need no lock; only sends and re-sends do.
"""

from __future__ import annotations

import threading
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, AsyncIterator, Iterator

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

    @contextmanager
    def try_held_for(self, sender: str | None) -> Iterator[bool]:
        """One lock for every sender: inside `try_held()`, whether it was taken."""
        yield self._made is not None and self._made.is_locked
