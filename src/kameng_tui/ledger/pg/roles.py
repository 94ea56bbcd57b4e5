"""Setting up a team ledger's database with two group roles (issue 19, `ledger init`):

- `kameng_owner` owns the tables (made by the schema's migration under SET ROLE); no
  terminal connects as it (an owner can ALTER TABLE ... DISABLE TRIGGER);
- `kameng_app` is what terminals' login roles are members of: INSERT and SELECT only on
  `events` (no UPDATE, DELETE, TRUNCATE), and what the store's writes need elsewhere.

Together with the append-only triggers of the schema, an application role cannot change
or remove a recorded event: the server refuses with SQLSTATE 42501.
"""

from __future__ import annotations

from typing import Any

from kameng_tui.domain.errors import BadInput, ConfigError
from kameng_tui.ledger.pg.schema import LATEST, MIGRATE_LOCK, migrate
from kameng_tui.messages import Msg

OWNER, APP = "kameng_owner", "kameng_app"

APP_GRANTS = (
    "GRANT USAGE ON SCHEMA public TO kameng_app",
    "GRANT SELECT, INSERT ON events TO kameng_app",
    "GRANT SELECT, UPDATE ON chain_head TO kameng_app",        # UPDATE: SELECT ... FOR UPDATE and the move
    "GRANT SELECT, INSERT, UPDATE ON orders, cards, meta TO kameng_app",
    "GRANT SELECT, INSERT ON batches, batch_keys, order_refs, order_secrets, order_attempts TO kameng_app",
    "GRANT SELECT ON schema_version, guard_duplicates TO kameng_app",
    "GRANT SELECT ON offer_links TO kameng_app",                # match links are the owner's (issue 19)
)


def _ensure_role(conn: Any, name: str) -> None:
    if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone() is None:
        conn.execute(f"CREATE ROLE {name} NOLOGIN")


def init_team_ledger(conn: Any) -> None:
    """Run once by a role that may create roles and owns the database's public schema
    (the database's owner or an admin): the group roles, the schema owned by
    kameng_owner, the grants of kameng_app. Idempotent."""
    _ensure_role(conn, OWNER)
    _ensure_role(conn, APP)
    conn.execute(f"GRANT {OWNER} TO CURRENT_USER")
    conn.execute(f"GRANT USAGE, CREATE ON SCHEMA public TO {OWNER}")
    conn.execute(f"SET ROLE {OWNER}")
    try:
        migrate(conn)
        for sql in APP_GRANTS:
            conn.execute(sql)
    finally:
        conn.execute("RESET ROLE")


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
