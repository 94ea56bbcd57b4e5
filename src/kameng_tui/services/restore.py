"""After a restore: the one way on (`ledger accept-restore`, `ledger restore FILE`, the
TUI's settings) and the supplier checks it calls for.

A restored ledger lacks every order placed after the copy was made; only the suppliers
know them. So accepting a restore records a chained `anchor_reset` event (the anchor it
moved past and the person's reason) and hands back, for each configured supplier, the
exact `reconcile --diff` command covering the time since the restored chain's last
event, naming the suppliers that cannot list orders (their own records are the check).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from kameng_tui.domain.errors import KamengError
from kameng_tui.ledger.store import AnchorReset
from kameng_tui.domain.clock import Clock
from kameng_tui.ledger.ports import MetaStore
from kameng_tui.services.config_cell import ConfigCell
from kameng_tui.services.supplier_set import SupplierSet

@dataclass(frozen=True)
class Restorer:
    """What moving past a restore needs: the ledger, the suppliers to check, the clock and zone."""

    ledger: MetaStore
    suppliers: SupplierSet
    clock: Clock
    config: ConfigCell


EARLIEST = "2000-01-01"
"""`--since` when the restored chain is empty: every order may be missing."""


@dataclass(frozen=True)
class SupplierCheck:
    supplier: str
    can_list: bool                     # False: `reconcile --diff` cannot run against it
    command: str                       # the exact command, to copy


@dataclass(frozen=True)
class RestoreOutcome:
    reset: AnchorReset
    since: str                         # YYYY-MM-DD in the business zone
    checks: tuple[SupplierCheck, ...]


def accept(deps: Restorer, reason: str) -> RestoreOutcome:
    """Move past a restore of the ledger already in place (ChainBroken if its chain is broken)."""
    return _outcome(deps, deps.ledger.accept_restore(reason, at=deps.clock.now()))


def restore_file(deps: Restorer, source: Path, reason: str) -> RestoreOutcome:
    """Copy a backup file in, accept it, list the checks."""
    return _outcome(deps, deps.ledger.restore_from(Path(source), reason, at=deps.clock.now()))


def _outcome(deps: Restorer, reset: AnchorReset) -> RestoreOutcome:
    since = EARLIEST
    if reset.chain_at is not None:
        since = reset.chain_at.astimezone(ZoneInfo(deps.config.current.general.timezone)).date().isoformat()
    checks = tuple(SupplierCheck(name, _can_list(deps, name), f"kameng-tui reconcile --diff {name} --since {since}")
                   for name in deps.suppliers.names)
    return RestoreOutcome(reset, since, checks)


def _can_list(deps: Restorer, name: str) -> bool:
    """Whether the supplier answers `reconcile --diff` (it has `list_orders`); one that
    cannot be built now (no secret yet) is judged by its kind."""
    from kameng_tui.suppliers.factory import ListsOrders      # with the first supplier: `show` needs none

    try:
        return isinstance(deps.suppliers.get(name), ListsOrders)
    except KamengError:
        from kameng_tui.suppliers.registry import load_factory

        try:
            return isinstance(load_factory(deps.suppliers.configs[name].kind), ListsOrders)
        except KamengError:
            return False


def as_doc(outcome: RestoreOutcome) -> dict[str, object]:
    """The `--json` document of accept-restore and restore (docs/cli-json.md)."""
    r = outcome.reset
    return {"reset_seq": r.seq, "chain_seq": r.chain_seq, "since": outcome.since,
            "old_anchor": {where: a for where, a in r.old.items()},
            "suppliers": [{"supplier": c.supplier, "can_list": c.can_list, "command": c.command} for c in outcome.checks]}
