"""Typed errors of a team ledger's rules (issue 19), beside domain/errors.py: what only
the owner may do, a supplier configured here as another account than the team's, a
schema the owner has not migrated yet. Each is exit 2 (nothing recorded) and carries the
fields a caller or `--json` needs; the message says what to do."""

from __future__ import annotations

from typing import Mapping

from kameng_tui.domain.errors import BadInput, ConfigError, StorageError
from kameng_tui.messages import Localized, Msg

OWNER_OPERATIONS = ("customer_refund", "below_cost", "accept_restore", "supplier_identity", "offer_link",
                    "migrate_schema", "team_meta")
"""What the server keeps to the owner's logins (kameng_owner), by the name its refusal
gives (schema V5's trigger raises `owner_only:<operation>`)."""


class OwnerOnly(BadInput):
    """The team ledger's server refused a clerk's login an owner's operation (SQLSTATE
    42501): exit 2, nothing recorded."""

    code = "owner_only"

    def __init__(self, operation: str) -> None:
        what = operation if operation in OWNER_OPERATIONS else "other"
        super().__init__(Msg("err.team.owner_only", what=Msg(f"team.owner_op.{what}")))
        self.operation = operation


class SupplierIdentityMismatch(ConfigError):
    """This terminal's config gives a supplier another identity (kind, base URL, key id)
    than the team ledger registered for its name, or the name is not registered: it
    neither sends nor reconciles for it (it would ask another account, hear "not found"
    and re-send). `differs` names the fields that differ (empty: not registered)."""

    code = "supplier_identity"

    def __init__(self, message: Localized, *, supplier: str, differs: tuple[str, ...],
                 registered: Mapping[str, str] | None, configured: Mapping[str, str]) -> None:
        super().__init__(message, field="supplier")
        self.supplier, self.differs = supplier, differs
        self.registered, self.configured = registered, configured


class SchemaBehind(ConfigError):
    """The team ledger's schema is older than this kameng-tui: the owner migrates it
    (`kameng-tui ledger migrate-schema`); a terminal never does on connect."""

    code = "schema_behind"

    def __init__(self, *, server: int, known: int) -> None:
        super().__init__(Msg("err.team.schema_behind", server=server, known=known), field="url")
        self.server, self.known = server, known


class ServerOffline(StorageError):
    """The team ledger's server cannot be reached (issue 20): a write is refused before
    anything is sent; reads go to the terminal's mirror. `synced`: when the mirror last
    caught up (text, or a Msg for "never")."""

    code = "team_offline"

    def __init__(self, where: str, reason: str, synced: "str | Localized") -> None:
        super().__init__(Msg("err.team.offline", where=where, reason=reason, synced=synced), path=where)
        self.where = where
        self.reason = reason
        self.synced = synced
