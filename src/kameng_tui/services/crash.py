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
