"""Date filters as people type them, read in the business zone whatever the machine's TZ.

Returns UTC bounds [since, until): `YYYY-MM-DD` is a whole day (until inclusive),
`today`, `yesterday`, `7d` (the last 7 days including today), `this-week`
(Monday-start, 本周), `this-month` (本月).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from kameng_tui.domain.errors import BadInput
from kameng_tui.messages import Msg


def _day_start(d: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(d, time(0), tzinfo=zone).astimezone(timezone.utc)


def _start_of(text: str, today: date, field: str) -> date:
    t = text.strip().lower()
    if t in ("today", "今天"):
        return today
    if t in ("yesterday", "昨天"):
        return today - timedelta(days=1)
    if t in ("this-week", "week", "本周"):
        return today - timedelta(days=today.weekday())
    if t in ("this-month", "month", "本月"):
        return today.replace(day=1)
    m = re.fullmatch(r"(\d{1,4})d", t)
    if m:
        return today - timedelta(days=int(m.group(1)) - 1)
    try:
        return date.fromisoformat(t)
    except ValueError:
        raise BadInput(Msg("err.dates.unreadable", field=field, text=repr(text)), field=field) from None


def _in_range(make: Callable[[], datetime], text: str, field: str) -> datetime:
    """A date that exists but that no time can hold (0001-01-01 east of UTC, 9999-12-31
    plus its day, 9999d ago): bad input naming the field, never an overflow."""
    try:
        return make()
    except OverflowError:
        raise BadInput(Msg("err.dates.out_of_range", field=field, text=repr(text)), field=field) from None


def parse_date_range(since: str | None, until: str | None, now: datetime, zone: str) -> tuple[datetime | None, datetime | None]:
    tz = ZoneInfo(zone)
    today = now.astimezone(tz).date()
    lo = None if not since else _in_range(lambda: _day_start(_start_of(since, today, "since"), tz), since, "since")
    hi = None
    if until:
        t = until.strip().lower()
        if t in ("this-week", "this-month", "week", "month") or re.fullmatch(r"\d{1,4}d", t):
            hi = _day_start(today + timedelta(days=1), tz)
        else:
            hi = _in_range(lambda: _day_start(_start_of(until, today, "until") + timedelta(days=1), tz), until, "until")
    if lo and hi and lo >= hi:
        raise BadInput(Msg("err.dates.since_after_until"), field="since")
    return lo, hi
