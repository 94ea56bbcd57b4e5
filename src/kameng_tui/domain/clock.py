"""Time: the ledger stores UTC; people see the business zone.

Services take a Clock so tests and demos can freeze it (`KAMENG_TUI_NOW=<ISO>`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timezone, tzinfo
from typing import Mapping, Protocol
from zoneinfo import ZoneInfo

DEFAULT_ZONE = "Asia/Shanghai"


class Clock(Protocol):
    def now(self) -> datetime:
        """An aware datetime in UTC."""
        ...


@dataclass(frozen=True)
class SystemClock:
    def now(self) -> datetime:
        return datetime.now(timezone.utc)


@dataclass(frozen=True)
class FrozenClock:
    at: datetime

    def now(self) -> datetime:
        return self.at.astimezone(timezone.utc)


def parse_iso(text: str, zone: tzinfo | None = None) -> datetime:
    """Parse an ISO time; a naive one is read in `zone` (default the business zone)."""
    dt = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=zone or ZoneInfo(DEFAULT_ZONE))
    return dt.astimezone(timezone.utc)


def clock_from_env(env: Mapping[str, str] | None = None) -> Clock:
    frozen = (os.environ if env is None else env).get("KAMENG_TUI_NOW")
    if frozen:
        try:
            return FrozenClock(parse_iso(frozen))
        except (ValueError, OverflowError):
            from kameng_tui.domain.errors import BadEnvValue
            from kameng_tui.messages import Msg

            raise BadEnvValue(Msg("err.env.now", value=repr(frozen)), field="KAMENG_TUI_NOW") from None
    return SystemClock()


def utc_text(dt: datetime) -> str:
    """Fixed-width UTC text for storage and hashing: 2026-11-25T04:05:06.123456Z."""
    return dt.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def from_utc_text(text: str) -> datetime:
    return datetime.fromisoformat(text[:-1]).replace(tzinfo=timezone.utc)
