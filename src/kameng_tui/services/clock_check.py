"""A terminal whose clock is off the team ledger server's (issue 19): warned on connect.

The server stamps each event's time, but the terminal's clock still decides order
numbers, repeat windows and what the screens call today; more than a minute apart is
worth a word before anything is ordered.
"""

from __future__ import annotations

from kameng_tui.domain.clock import Clock
from kameng_tui.domain.errors import StorageError
from kameng_tui.ledger.ports import ServerClock
from kameng_tui.messages import Msg

MAX_SKEW_S = 60.0


def clock_warnings(ledger: object, clock: Clock) -> list[Msg]:
    """The warning for a clock more than MAX_SKEW_S off the ledger server's; none for a
    local ledger."""
    if not isinstance(ledger, ServerClock):
        return []
    try:
        server = ledger.server_now()
    except StorageError as exc:
        # the server is gone (issue 20): no clock to compare; a team terminal reads its
        # mirror meanwhile, and says so before it shows anything
        params = getattr(exc.msg, "params", None)
        if getattr(exc.msg, "key", "") == "err.team.offline" and params is not None:
            return [Msg("warn.team.offline", **params)]
        raise
    off = (clock.now() - server).total_seconds()
    if abs(off) <= MAX_SKEW_S:
        return []
    return [Msg("warn.team.clock_off", seconds=f"{off:+.0f}")]
