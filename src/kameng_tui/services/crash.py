"""The documented crash hook for tests: `KAMENG_TUI_CRASH_AT=<point>`.

Points in the client: after-intent, after-submitted, after-reply. (The demo
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

POINTS = ("after-intent", "after-submitted", "after-reply")


def crash_point(point: str) -> None:
    if os.environ.get("KAMENG_TUI_CRASH_AT") == point:
        os.kill(os.getpid(), signal.SIGKILL)


def pause_point(point: str, most_s: float = 60.0) -> None:
    """Test hook `KAMENG_TUI_PAUSE_AT=<point>`: at that point, say so on stderr
    (`KAMENG_TUI_PAUSED <point>`) and wait up to `most_s`, so a test can act on a real
    process there (send it SIGINT, take a lock). While paused, Ctrl-C raises
    KeyboardInterrupt right here, where it would land in a synchronous program (an event
    loop's own SIGINT handler would only cancel its task at the next await)."""
    if os.environ.get("KAMENG_TUI_PAUSE_AT") != point:
        return
    main = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGINT, signal.default_int_handler) if main else None
    try:
        sys.stderr.write(f"KAMENG_TUI_PAUSED {point}\n")
        sys.stderr.flush()
        deadline = time.monotonic() + most_s
        while time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        if main:
            signal.signal(signal.SIGINT, previous)
