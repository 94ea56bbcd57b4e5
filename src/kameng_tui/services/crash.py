"""The documented crash hook for tests: `KAMENG_TUI_CRASH_AT=<point>`.

Points in the client: after-intent, after-submitted, after-reply; migrate-batch
(`ledger migrate`: after each batch of events committed on the team ledger). (The demo
supplier implements supplier-before-commit and supplier-after-commit.) When the
variable names a point, the process SIGKILLs itself there: no cleanup, no flush,
exactly like a power cut or `kill -9`, so tests can prove nothing is lost.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from pathlib import Path

POINTS = ("after-intent", "after-submitted", "after-reply", "migrate-batch")


def crash_point(point: str) -> None:
    if os.environ.get("KAMENG_TUI_CRASH_AT") == point:
        os.kill(os.getpid(), signal.SIGKILL)


PAUSE_POINTS = ("intent-guarded", "after-intent")
PAUSE_MAX_S = 120.0


def pause_point(point: str, most_s: float = PAUSE_MAX_S) -> None:
    """The documented pause hook for tests: `KAMENG_TUI_PAUSE_AT=<point>` holds a real
    process there, so a test can act on it (start a rival process, send it SIGINT, take
    a lock). At the point it says so on stderr (`KAMENG_TUI_PAUSED <point>`); with
    `KAMENG_TUI_PAUSE_FILE=<gate>` it also creates `<gate>.reached` and waits while
    `<gate>` exists, else it waits `most_s`. While paused, Ctrl-C raises
    KeyboardInterrupt right here, where it would land in a synchronous program (an event
    loop's own SIGINT handler would only cancel its task at the next await).

    intent-guarded: inside the intent's write transaction, after the store checked the
                    ref, repeat-window and batch guards, before COMMIT.
    after-intent:   the intent committed, nothing sent yet.
    """
    if os.environ.get("KAMENG_TUI_PAUSE_AT") != point:
        return
    gate = os.environ.get("KAMENG_TUI_PAUSE_FILE")
    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, signal.default_int_handler) if main else None
    try:
        sys.stderr.write(f"KAMENG_TUI_PAUSED {point}\n")
        sys.stderr.flush()
        if gate:
            Path(gate + ".reached").touch()
        deadline = time.monotonic() + most_s
        while time.monotonic() < deadline and (not gate or Path(gate).exists()):
            time.sleep(0.02)
    finally:
        if main:
            signal.signal(signal.SIGINT, previous)
