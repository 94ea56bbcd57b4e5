"""Live updates from the team ledger (issue 20): a dedicated LISTEN connection in a
daemon thread, never the connection that writes, never the UI thread.

NOTIFY (the `chain_head` trigger of schema V7, once per committed transaction) carries
only the head's seq and is a hint: notifications are lost while disconnected and do not
pass a transaction-mode pooler. The truth is the catch-up by seq (`on_wake`), run on
every notification, on every (re)connect and every `POLL_S` without one.

The thread waits in short slices so `stop()` returns quickly; a lost connection is
reported (`on_state(False, reason)`) and retried with a growing pause, capped at
`POLL_S`.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any, Callable

from kameng_tui.domain.errors import KamengError

log = logging.getLogger("kameng_tui")

CHANNEL = "kameng_ledger"
POLL_S = 5.0
"""A catch-up at least this often, notification or not."""
SLICE_S = 0.2
"""How long one wait for a notification lasts: the bound on `stop()`."""
APPLICATION = "kameng-tui-listen"


class ChangeListener:
    """`on_wake(conn)` catches up on the listener's own connection (in this thread);
    `on_state(online, reason)` says whether the server is reachable."""

    def __init__(self, connect: Callable[[], Any], on_wake: Callable[[Any], None],
                 on_state: Callable[[bool, str | None], None], poll_s: float = POLL_S) -> None:
        self._connect, self._on_wake, self._on_state, self.poll_s = connect, on_wake, on_state, poll_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.connected = False

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="kameng-team-listen", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join(timeout=SLICE_S * 5 + 6)

    def _run(self) -> None:
        pause = 0.2
        while not self._stop.is_set():
            conn = None
            try:
                conn = self._connect()
                conn.execute(f"LISTEN {CHANNEL}")
                self.connected, pause = True, 0.2
                self._on_state(True, None)
                self._listen(conn)
            except Exception as exc:           # noqa: BLE001 - the server gone, a connection cut: retry
                if self._stop.is_set():
                    break
                reason = exc.text("en") if isinstance(exc, KamengError) else " ".join(str(exc).split())[:200]
                log.info("team ledger listener: %s", reason)
                self.connected = False
                self._on_state(False, reason or type(exc).__name__)
                self._stop.wait(pause)
                pause = min(self.poll_s, pause * 2)
            finally:
                self.connected = False
                if conn is not None:
                    try:
                        conn.close()
                    except Exception:          # noqa: BLE001 - closing a broken connection
                        pass

    def _listen(self, conn: Any) -> None:
        self._on_wake(conn)                    # (re)connected: what was missed meanwhile
        last = time.monotonic()
        while not self._stop.is_set():
            woke = False
            for _ in conn.notifies(timeout=SLICE_S, stop_after=1):
                woke = True
            if self._stop.is_set():
                return
            if woke or time.monotonic() - last >= self.poll_s:
                self._on_wake(conn)
                last = time.monotonic()
