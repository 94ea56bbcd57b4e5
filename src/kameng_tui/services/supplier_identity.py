"""One team, one set of suppliers (issue 19): a terminal on a team ledger sends and
reconciles for a supplier only when its config means the account the team registered
for that name (otherwise it would query another account, hear "not found" and re-send).

Who registers: the owner. `ledger init` registers the owner's configured suppliers;
`ledger register-supplier NAME` registers or changes one from the owner's config (the
way to change a supplier's account); and the owner's terminal registers a supplier it
uses that is not registered yet; `supplier add` on the owner's terminal registers the
new name (`admit_new`), and on a clerk's adds only what the team registered. A clerk's login cannot write the table (the server's
privileges), so a clerk's terminal with an unregistered supplier refuses it too, saying
to have the owner register it. `supplier remove` leaves the registration alone (other
terminals may still use it).

The check runs where a supplier is built (SupplierSet.get), before any request: an
order is refused before its intent is recorded; reconcile leaves the supplier's orders
open and says why.
"""

from __future__ import annotations

from datetime import datetime
from typing import Callable, Protocol, Sequence, runtime_checkable

from kameng_tui.config import SupplierEntry
from kameng_tui.domain.clock import Clock
from kameng_tui.domain.errors import BadInput
from kameng_tui.domain.supplier_identity import SupplierIdentity
from kameng_tui.domain.team_errors import OwnerOnly, SupplierIdentityMismatch
from kameng_tui.messages import Msg

KEY_FIELDS = ("key_id", "app_key")
"""The option that names the account's key, by kind: http's key_id, fulu's app_key."""


@runtime_checkable
class SupplierIdentities(Protocol):
    """A team ledger's table of the suppliers' identities (ledger/pg/supplier_ids.py)."""

    def supplier_identity(self, name: str) -> SupplierIdentity | None: ...

    def register_supplier_identity(self, identity: SupplierIdentity, *, at: datetime) -> None: ...


def identity_of(entry: SupplierEntry) -> SupplierIdentity:
    """What `entry` (a [[suppliers]] table) means: its kind, base URL (the kind's default
    where the config gives none) and key id. The secret is never read."""
    defaults: dict[str, str] = {}
    if entry.kind != "demo":
        try:
            from kameng_tui.suppliers.registry import load_factory

            defaults = {f.key: f.default for f in load_factory(entry.kind).config_fields if f.default}
        except Exception:  # noqa: BLE001 - a kind that does not load: building it says why
            defaults = {}
    options = {**defaults, **{k: str(v) for k, v in entry.options.items()}}
    key = next((options[k] for k in KEY_FIELDS if options.get(k)), "")
    return SupplierIdentity(entry.name, entry.kind, options.get("base_url", ""), key)


def _same_or_raise(team: SupplierIdentity, here: SupplierIdentity, key: str) -> None:
    """SupplierIdentityMismatch (its message `key`) naming the fields in which this
    config's identity differs from the team's; nothing when they are the same."""
    differs = team.differs(here)
    if differs:
        raise SupplierIdentityMismatch(
            Msg(key, name=here.name, fields=", ".join(differs), registered=team.show(), configured=here.show()),
            supplier=here.name, differs=differs, registered=team.as_dict(), configured=here.as_dict())


class IdentityGuard:
    """SupplierSet's check before it builds a supplier, on a team ledger."""

    def __init__(self, store: SupplierIdentities, clock: Clock) -> None:
        self.store, self.clock = store, clock

    def check(self, entry: SupplierEntry) -> None:
        here = identity_of(entry)
        team = self.store.supplier_identity(entry.name)
        if team is None:
            try:
                self.store.register_supplier_identity(here, at=self.clock.now())   # the owner's terminal
            except OwnerOnly:
                raise SupplierIdentityMismatch(Msg("err.team.supplier_unregistered", name=entry.name),
                                               supplier=entry.name, differs=(), registered=None,
                                               configured=here.as_dict()) from None
            return
        _same_or_raise(team, here, "err.team.supplier_differs")

    def register(self, entry: SupplierEntry | None, name: str) -> SupplierIdentity:
        """`ledger register-supplier NAME`: this config's identity for NAME becomes the
        team's (OwnerOnly for a clerk's login)."""
        if entry is None:
            raise BadInput(Msg("err.team.supplier_not_configured", name=name), field="supplier")
        here = identity_of(entry)
        self.store.register_supplier_identity(here, at=self.clock.now())
        return here


class TeamSuppliers:
    """`ledger register-supplier NAME` for the faces: this config's NAME becomes the
    team's (a BadInput on the local SQLite ledger, which has no team)."""

    def __init__(self, store: object, entries: Callable[[], Sequence[SupplierEntry]], clock: Clock) -> None:
        self.store, self.entries, self.clock = store, entries, clock

    def register(self, name: str) -> SupplierIdentity:
        if not isinstance(self.store, SupplierIdentities):
            raise BadInput(Msg("err.team.not_team"), field="url")
        entry = next((e for e in self.entries() if e.name == name), None)
        return IdentityGuard(self.store, self.clock).register(entry, name)


def admit_new(store: SupplierIdentities, entry: SupplierEntry, clock: Clock) -> SupplierIdentity | None:
    """`supplier add` on a team terminal, before anything is written (supplier changes
    are the owner's, issue 19): a name the team registered is added only as the same
    account (else SupplierIdentityMismatch naming what differs, for the owner too: the
    team's account for a name changes by `ledger register-supplier`, never as a side
    effect of adding it on one terminal); a new name is registered, which the server
    allows the owner's login only (OwnerOnly for a clerk's). The identity registered
    now, or None when the team already had it."""
    here = identity_of(entry)
    team = store.supplier_identity(entry.name)
    if team is None:
        store.register_supplier_identity(here, at=clock.now())
        return here
    _same_or_raise(team, here, "err.team.supplier_add_differs")
    return None


def register_all(store: SupplierIdentities, entries: Sequence[SupplierEntry], clock: Clock) -> None:
    """`ledger init`: the owner's configured suppliers (enabled ones) become the team's."""
    for e in entries:
        if e.enabled:
            store.register_supplier_identity(identity_of(e), at=clock.now())
