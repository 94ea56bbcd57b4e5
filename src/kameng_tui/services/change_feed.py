"""Other processes' writes reach an open face: cron's `kameng-tui reconcile` settles an
order, a second terminal places one, and the open history shows it within a second.

A daemon thread asks the store every `interval_s` whether another process wrote
(`MetaStore.others_wrote`: SQLite's PRAGMA data_version, one cheap statement) and, when
it did, reads the change feed from the last seq it saw (`changes_since`) and hands the
new entries to the face's callback, in this thread (the TUI posts a message from it).
A plain thread, not a Textual worker: it lives as long as the app, and a worker that
never completes would hold up everything that waits for the app's workers.
"""

from __future__ import annotations

import logging
import threading
from typing import Callable, Protocol, Sequence

from kameng_tui.domain.errors import KamengError
from kameng_tui.ledger.values import Change

__all__ = ["Change", "ChangeFeed", "ChangeSource", "INTERVAL_S"]
log = logging.getLogger("kameng_tui")

INTERVAL_S = 0.25
"""How often the store is asked: the open history shows another process's change
within this (plus one read of the feed), well inside a second."""


class ChangeSource(Protocol):
    """The change-feed part of MetaStore (ledger/ports.py)."""

    def last_seq(self) -> int: ...
    def changes_since(self, seq: int, limit: int = 1000) -> list[Change]: ...
    def others_wrote(self) -> bool: ...


class ChangeFeed:
    def __init__(self, store: ChangeSource, interval_s: float = INTERVAL_S) -> None:
        self._store = store
        self.interval_s = interval_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self, on_changes: Callable[[Sequence[Change]], None]) -> None:
        """Watch from the ledger's end now; `on_changes` runs in the watching thread."""
        if self._thread is not None:
            return
        seen = self._store.last_seq()
        self._store.others_wrote()            # primes the hint: only writes from now on wake it
        self._thread = threading.Thread(target=self._run, args=(seen, on_changes), name="kameng-change-feed",
                                        daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop watching (before the store closes); waits for the thread briefly."""
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=2 * self.interval_s + 1)

    def _run(self, seen: int, on_changes: Callable[[Sequence[Change]], None]) -> None:
        while not self._stop.wait(self.interval_s):
            try:
                seen = self._poll(seen, on_changes)
            except KamengError as exc:          # busy, a disk gone: the next poll tries again
                log.info("change feed: %r", exc)
            except Exception:                  # a closed store at exit; never a traceback on screen
                if self._stop.is_set():
                    return
                log.exception("change feed")
                return

    def _poll(self, seen: int, on_changes: Callable[[Sequence[Change]], None]) -> int:
        if not self._store.others_wrote():
            return seen
        while True:
            changes = self._store.changes_since(seen)
            if not changes:
                # A restore may have put a shorter chain in place: follow it from its end.
                return min(seen, self._store.last_seq())
            seen = changes[-1].seq
            if self._stop.is_set():
                return seen
            on_changes(changes)
            if len(changes) < 1000:
                return seen
