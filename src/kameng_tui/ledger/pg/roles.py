"""Setting up a team ledger's database with two group roles (issue 19, `ledger init`):

- `kameng_owner` owns the tables (made by the schema's migration under SET ROLE); only
  the owner's login is its member (an owner can ALTER TABLE ... DISABLE TRIGGER), never a
  clerk's;
- `kameng_app` is what terminals' login roles are members of: INSERT and SELECT only on
  `events` (no UPDATE, DELETE, TRUNCATE), and what the store's writes need elsewhere.

Together with the append-only triggers of the schema, an application role cannot change
or remove a recorded event: the server refuses with SQLSTATE 42501. What only the owner
does (refunds, sales below cost, accept-restore, supplier identities, match links) is
kept to members of kameng_owner by schema V5's triggers (owner_rules.py).

Migrations run only here, as the owner (`ledger init`, `ledger migrate-schema`), under
SET ROLE kameng_owner so every table keeps one owner, and under the exclusive migration
advisory lock (schema.migrate); a terminal that finds an older schema on connect refuses
(SchemaBehind) and never migrates it itself.

Roles are the server's, not a database's, and the ADMIN option is what lets a login
manage a group: `GRANT kameng_owner TO CURRENT_USER` below, and later the owner's
`GRANT kameng_app TO <clerk>`, each need ADMIN on that group. A non-superuser login with
CREATEROLE that creates a role receives ADMIN on it (PostgreSQL 16), so the first
`ledger init` on a server works as the database's owner. Where the groups already exist
(another team's database on the same server made them), the login that runs `ledger
init` has no ADMIN on them until an admin grants it `... WITH ADMIN OPTION`; without it
init fails with the server's "permission denied to grant role" (exit 2, init_failed says
to log in as a role that may create roles). We never grant ADMIN to kameng_app's members:
a clerk with it could make himself an owner.
"""

from __future__ import annotations

from typing import Any

from kameng_tui.domain.errors import BadInput, ConfigError
from kameng_tui.domain.team_errors import OwnerOnly
from kameng_tui.ledger.pg.owner_rules import IS_OWNER
from kameng_tui.ledger.pg.schema import LATEST, MIGRATE_LOCK, migrate
from kameng_tui.messages import Msg

OWNER, APP = "kameng_owner", "kameng_app"

APP_GRANTS: tuple[tuple[int, str], ...] = (       # (the schema version that made the table, the grant)
    (1, "GRANT USAGE ON SCHEMA public TO kameng_app"),
    (1, "GRANT SELECT, INSERT ON events TO kameng_app"),
    (1, "GRANT SELECT, UPDATE ON chain_head TO kameng_app"),   # UPDATE: SELECT ... FOR UPDATE and the move
    (1, "GRANT SELECT, INSERT, UPDATE ON orders, cards, meta TO kameng_app"),
    (1, "GRANT SELECT, INSERT ON batches, batch_keys, order_refs, order_secrets TO kameng_app"),
    (1, "GRANT SELECT ON schema_version, guard_duplicates TO kameng_app"),
    (3, "GRANT SELECT ON offer_links TO kameng_app"),           # match links are the owner's (issue 19)
    (4, "GRANT SELECT, INSERT ON order_attempts TO kameng_app"),   # failover attempts (issue 18)
    (5, "GRANT SELECT ON supplier_identities TO kameng_app"),   # supplier identities too
)

def _ensure_role(conn: Any, name: str) -> None:
    if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone() is None:
        conn.execute(f"CREATE ROLE {name} NOLOGIN")


def init_team_ledger(conn: Any, upto: int | None = None) -> int:
    """Run once by a role that may create roles and owns the database's public schema
    (the database's owner or an admin): the group roles, the schema owned by
    kameng_owner, the grants of kameng_app. Idempotent. `upto`: a schema older than
    LATEST (tests of a terminal newer than its server). The version reached."""
    _ensure_role(conn, OWNER)
    _ensure_role(conn, APP)
    conn.execute(f"GRANT {OWNER} TO CURRENT_USER")
    conn.execute(f"GRANT USAGE, CREATE ON SCHEMA public TO {OWNER}")
    return _migrate_as_owner(conn, upto)


def _migrate_as_owner(conn: Any, upto: int | None = None) -> int:
    conn.execute(f"SET ROLE {OWNER}")
    try:
        version = migrate(conn, upto)
        for made_in, sql in APP_GRANTS:
            if made_in <= version:
                conn.execute(sql)
        return version
    finally:
        conn.execute("RESET ROLE")


def migrate_schema(conn: Any) -> int:
    """`ledger migrate-schema`: the schema brought up to this version's, by a member of
    kameng_owner (else OwnerOnly, exit 2, nothing changed), new tables granted to
    kameng_app as init grants them. The version reached."""
    row = conn.execute(IS_OWNER).fetchone()
    if not (row and row[0]):
        raise OwnerOnly("migrate_schema")
    return _migrate_as_owner(conn)


class EmptyDatabase:
    """`ledger init`'s database (services/team_init.py's TeamDatabase): one connection as
    the owner login of `[ledger] url`, made only for this."""

    def __init__(self, conninfo: str, password: str | None) -> None:
        self.conninfo, self._password = conninfo, password

    def initialize_empty(self) -> int:
        """The schema, the roles and the grants in one transaction, under the migration
        lock; a database with anything in its public schema is refused (BadInput, exit 2)
        and left as it was. The schema version made."""
        import psycopg

        from kameng_tui.ledger.pg.connect import connect, scrub, where_of

        conn = connect(self.conninfo, password=self._password, application_name="kameng-tui ledger init")
        try:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATE_LOCK,))
                row = conn.execute("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                                   "WHERE n.nspname = 'public'").fetchone()
                if row and row[0]:
                    raise BadInput(Msg("err.team.init_not_empty", where=where_of(self.conninfo)), field="url")
                init_team_ledger(conn)
            return LATEST
        except psycopg.Error as exc:
            raise ConfigError(Msg("err.team.init_failed", where=where_of(self.conninfo),
                                  reason=scrub(str(exc), self._password)), field="url") from None
        finally:
            conn.close()


class TeamSchema:
    """`ledger migrate-schema`'s database: one connection as the owner login of
    `[ledger] url`, made only for this."""

    def __init__(self, conninfo: str, password: str | None) -> None:
        self.conninfo, self._password = conninfo, password

    def migrate(self) -> int:
        import psycopg

        from kameng_tui.ledger.pg.connect import connect, pg_failure, where_of

        conn = connect(self.conninfo, password=self._password, application_name="kameng-tui ledger migrate-schema")
        try:
            return migrate_schema(conn)
        except psycopg.Error as exc:
            typed = pg_failure(exc, where_of(self.conninfo))
            if typed is not None:
                raise typed from None
            raise
        finally:
            conn.close()
