"""The team's supplier identities on PostgreSQL (schema V5's `supplier_identities`): read
by every terminal, written by the owner only (kameng_app has SELECT on it, nothing
else; a clerk's INSERT is refused with 42501, raised here as OwnerOnly). Each row keeps
who wrote it last and when, by the server (`session_user`, `clock_timestamp()`). Not in
the hash chain: an identity is the team's configuration, not an order's money. A mixin
of `PgLedger`; the SQL stays here."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from kameng_tui.domain.clock import utc_text
from kameng_tui.domain.supplier_identity import SupplierIdentity


class PgSupplierIdentities:
    if TYPE_CHECKING:
        import threading

        _lock: threading.RLock
        _conn: Any

    def supplier_identity(self, name: str) -> SupplierIdentity | None:
        with self._lock:
            r = self._conn.execute("SELECT name, kind, base_url, key_id FROM supplier_identities WHERE name = %s",
                                   (name,)).fetchone()
        return None if r is None else SupplierIdentity(str(r[0]), str(r[1]), str(r[2]), str(r[3]))

    def register_supplier_identity(self, identity: SupplierIdentity, *, at: datetime) -> None:
        """Register or change `identity.name`'s identity (the owner's login only)."""
        import psycopg

        from kameng_tui.domain.team_errors import OwnerOnly

        try:
            with self._lock, self._conn.transaction():
                self._conn.execute(
                    "INSERT INTO supplier_identities (name, kind, base_url, key_id, at) VALUES (%s, %s, %s, %s, %s) "
                    "ON CONFLICT (name) DO UPDATE SET kind = excluded.kind, base_url = excluded.base_url, "
                    "key_id = excluded.key_id, at = excluded.at, operator = session_user, "
                    "server_at = clock_timestamp()",
                    (identity.name, identity.kind, identity.base_url, identity.key_id, utc_text(at)))
        except psycopg.errors.InsufficientPrivilege:
            raise OwnerOnly("supplier_identity") from None
