"""`kameng-tui ledger init` (issue 19): set up an empty database as the team ledger.

Run once, by the team's owner login (a role that may create roles and owns the
database): the schema owned by the `kameng_owner` group role, and `kameng_app`, the
group every terminal's login joins (INSERT and SELECT on events, no UPDATE, DELETE,
TRUNCATE or DDL). A database with anything in it is refused and left alone, so init
never meets a ledger already in use.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

OWNER_ROLE, APP_ROLE = "kameng_owner", "kameng_app"


class TeamDatabase(Protocol):
    def initialize_empty(self) -> int:
        """Make schema, roles and grants on an empty database (else BadInput); the version."""
        ...


@dataclass(frozen=True)
class TeamInit:
    roles: tuple[str, ...]
    schema_version: int


def init_team(db: TeamDatabase) -> TeamInit:
    return TeamInit(roles=(OWNER_ROLE, APP_ROLE), schema_version=db.initialize_empty())
