"""Is a supplier healthy enough to be chosen (issue 18)? A pure function over its recent
call outcomes, so the rule is the same for the TUI, the CLI and batches.

Unhealthy when our key (auth) or our clock (skew) was refused after its last
successful call: ordering again would be refused the same way until someone fixes
the key or the clock, and a success (a balance fetch, a quote) shows it is fixed.
Unhealthy too when the latest calls are unknowns in a row with 3 of them within 10
minutes: its orders may be taken without our hearing back, and another order would
add one more to reconcile. Any definite answer ends the row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Sequence

from kameng_tui.domain.offer_values import Health

UNKNOWN_ROW = 3
UNKNOWN_WINDOW = timedelta(minutes=10)


class CallKind(str, Enum):
    SUCCESS = "success"
    AUTH = "auth"          # our key refused (AuthFailed)
    SKEW = "skew"          # our clock refused (ClockSkew)
    UNKNOWN = "unknown"    # outcome unknown (OutcomeUnknown, a timeout after send)
    OTHER = "other"        # any other definite answer (a refusal of the order itself)


@dataclass(frozen=True)
class Call:
    at: datetime
    kind: CallKind


UNKNOWN_CODES = frozenset({"outcome_unknown", "no_reply", "adapter_error"})
"""Reason codes (domain/reasons.py) that leave the outcome unknown."""


def call_kind(code: str | None) -> CallKind:
    """The kind of a call from its error code (the shared supplier codes of
    domain/errors.py, or the engine's own reasons); None: it succeeded."""
    if code is None:
        return CallKind.SUCCESS
    if code == "auth_failed":
        return CallKind.AUTH
    if code == "clock_skew":
        return CallKind.SKEW
    return CallKind.UNKNOWN if code in UNKNOWN_CODES else CallKind.OTHER


def health_of(calls: Sequence[Call]) -> Health:
    """The health the calls show, in time order whatever order they are given in."""
    ordered = sorted(calls, key=lambda c: c.at)
    last_ok = max((i for i, c in enumerate(ordered) if c.kind is CallKind.SUCCESS), default=-1)
    since = ordered[last_ok + 1:]
    refusal = next((c for c in reversed(since) if c.kind in (CallKind.AUTH, CallKind.SKEW)), None)
    if refusal is not None:
        return Health(ok=False, why="auth" if refusal.kind is CallKind.AUTH else "clock", since=refusal.at)
    row: list[datetime] = []
    for c in reversed(ordered):
        if c.kind is not CallKind.UNKNOWN:
            break
        row.append(c.at)
    row.reverse()
    for i in range(len(row) - UNKNOWN_ROW + 1):
        if row[i + UNKNOWN_ROW - 1] - row[i] <= UNKNOWN_WINDOW:
            return Health(ok=False, why="unknowns", since=row[i + UNKNOWN_ROW - 1])
    return Health()
