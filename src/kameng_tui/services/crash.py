"""The documented crash hook for tests: `KAMENG_TUI_CRASH_AT=<point>`.

Points in the client: after-intent, after-submitted, after-reply. (The demo
supplier implements supplier-before-commit and supplier-after-commit.) When the
variable names a point, the process SIGKILLs itself there: no cleanup, no flush,
exactly like a power cut or `kill -9`, so tests can prove nothing is lost.
"""

from __future__ import annotations

import os
import signal

POINTS = ("after-intent", "after-submitted", "after-reply")


def crash_point(point: str) -> None:
    if os.environ.get("KAMENG_TUI_CRASH_AT") == point:
        os.kill(os.getpid(), signal.SIGKILL)


PAUSE_POINTS = ("intent-guarded",)
PAUSE_MAX_S = 120.0


def pause_point(point: str) -> None:
    """The documented pause hook for race tests: `KAMENG_TUI_PAUSE_AT=<point>` with
    `KAMENG_TUI_PAUSE_FILE=<gate>`. At the point the process creates `<gate>.reached`
    and waits while `<gate>` exists (at most PAUSE_MAX_S), so a test can hold it between
    a check and its commit while other processes try the same thing.

    intent-guarded: inside the intent's write transaction, after the store checked the
    ref, repeat-window and batch guards, before COMMIT.
    """
    if os.environ.get("KAMENG_TUI_PAUSE_AT") != point:
        return
    import time
    from pathlib import Path

    gate = os.environ.get("KAMENG_TUI_PAUSE_FILE")
    if not gate:
        return
    path = Path(gate)
    path.with_name(path.name + ".reached").touch()
    end = time.monotonic() + PAUSE_MAX_S
    while path.exists() and time.monotonic() < end:
        time.sleep(0.02)
