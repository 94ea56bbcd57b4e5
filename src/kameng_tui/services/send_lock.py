"""How long a send waits for the send lock, from the environment.

The lock itself moved to kameng_tui.ledger.send_lock (it is the SQLite store's way of
making sending exclusive; a PostgreSQL store has its own): services hold a `SendGate`
(ledger/ports.py) that the composition root gets from the store. `SendLock` stays
importable from here for one release.
"""

from __future__ import annotations

from typing import Mapping

from kameng_tui.ledger.send_lock import SendLock

__all__ = ["SendLock", "send_lock_wait_s"]


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
