"""A terminal whose clock is off the team ledger server's (issue 19): warned on connect.

The server stamps each event's time, but the terminal's clock still decides order
numbers, repeat windows and what the screens call today; more than a minute apart is
worth a word before anything is ordered.
"""

from __future__ import annotations

from kameng_tui.domain.clock import Clock
from kameng_tui.domain.team_errors import ServerOffline
from kameng_tui.ledger.ports import ServerClock
from kameng_tui.messages import Msg

MAX_SKEW_S = 60.0


def clock_off(ledger: object, clock: Clock) -> float | None:
    """Seconds this terminal's clock is ahead of the ledger server's (behind: negative)
    when more than MAX_SKEW_S apart; None when close enough, or for a local ledger."""
    if not isinstance(ledger, ServerClock):
        return None
    off = (clock.now() - ledger.server_now()).total_seconds()
    return None if abs(off) <= MAX_SKEW_S else off


def clock_warnings(ledger: object, clock: Clock) -> list[Msg]:
    """The warning for a clock more than MAX_SKEW_S off the ledger server's; none for a
    local ledger."""
    try:
        off = clock_off(ledger, clock)
    except ServerOffline as exc:
        # the server is gone (issue 20): no clock to compare; a team terminal reads its
        # mirror meanwhile, and says so before it shows anything
        return [Msg("warn.team.offline", where=exc.where, reason=exc.reason, synced=exc.synced)]
    return [] if off is None else [Msg("warn.team.clock_off", seconds=f"{off:+.0f}")]


def header_notices(ledger: object, clock: Clock, tls_mode: str | None) -> list[Msg]:
    """What the TUI's header keeps saying about the team ledger's connection (issue 19):
    a TLS mode weaker than verify-full that was chosen explicitly, and a clock more than
    MAX_SKEW_S off the server's. Asks the server: call it from a worker."""
    out = [] if tls_mode is None else [Msg("header.tls_weak", mode=tls_mode)]
    try:
        off = clock_off(ledger, clock)
    except ServerOffline:
        return out               # the header's team segment says offline (tui/team_header.py)
    if off is not None:
        out.append(Msg("header.clock_off", seconds=f"{off:+.0f}"))
    return out
