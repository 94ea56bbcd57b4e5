"""The team ledger's part of the header (issue 20): on a team terminal whose server
cannot be reached, "team ledger offline" and when its mirror last synced (reading goes
on from the mirror; ordering is refused with its own message); a mirror stopped by a
chain that does not extend it. Nothing on a local ledger or a team terminal that is fine.

The store holds its status in memory (the listener's thread updates it), so the app
asks once a second from a timer and re-renders the header only when it changed.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, Callable
from zoneinfo import ZoneInfo

from rich.text import Text

if TYPE_CHECKING:
    from kameng_tui.tui.text import Texts

WATCH_S = 1.0


def synced_text(when: datetime | None, zone: str, t: "Texts") -> str:
    """When the mirror last synced, in the business time zone (MM-DD HH:MM: short, as the
    header is narrow at 80 columns)."""
    if when is None:
        return t("team.synced_never")
    return when.astimezone(ZoneInfo(zone)).strftime("%m-%d %H:%M")


def team_segment(status: Any, zone: str, t: "Texts") -> list[Text]:
    """The header's notices for a team status (services.LedgerStatus.team()), each a part
    of its own (tui/header_fold.py), or none."""
    out: list[Text] = []
    if status is None:
        return out
    if not status.online:
        out.append(Text("  " + t("team.status.offline", synced=synced_text(status.synced_at, zone, t)),
                        style="bold red"))
    if status.mirror_stopped:
        out.append(Text("  " + t("team.status.diverged"), style="bold red"))
    return out


class TeamWatch:
    """Asks for the team status every WATCH_S and calls `changed()` when it differs."""

    def __init__(self, read: Callable[[], Any], changed: Callable[[], None]) -> None:
        self._read, self._changed = read, changed
        self.last: Any = read()

    def tick(self) -> None:
        now = self._read()
        key = None if now is None else (now.online, now.mirror_stopped, now.online or now.synced_at)
        before = None if self.last is None else (self.last.online, self.last.mirror_stopped,
                                                 self.last.online or self.last.synced_at)
        self.last = now
        if key != before:
            self._changed()
