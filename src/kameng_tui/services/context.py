"""The one service object graph, built in one place and handed down to the faces.

Suppliers, the data key and the keyring are touched lazily: a CLI command that only
reads history never builds a supplier or asks the keyring anything.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Mapping

from kameng_tui.domain.clock import Clock, clock_from_env
from kameng_tui.domain.order_no import new_install_id
from kameng_tui.ledger.store import LedgerStore
from kameng_tui.services.command_orders import CommandOrders
from kameng_tui.services.send_lock import SendLock
from kameng_tui.config import SupplierEntry
from kameng_tui.services.supplier_set import SupplierSet

if TYPE_CHECKING:  # pragma: no cover
    from kameng_tui.services.balances import BalanceService
    from kameng_tui.services.batch import BatchService
    from kameng_tui.services.batch_entry import BatchEntryService
    from kameng_tui.services.catalog import CatalogService
    from kameng_tui.services.change_feed import ChangeFeed
    from kameng_tui.services.checkout import CheckoutService
    from kameng_tui.services.data_key import DataKeyService
    from kameng_tui.services.engine import OrderEngine
    from kameng_tui.services.reconcile import ReconcileService
    from kameng_tui.services.reports import ReportService
    from kameng_tui.services.settings import SettingsService
    from kameng_tui.services.supplier_admin import SupplierAdmin


@dataclass
class Context:
    paths: Any                       # kameng_tui.paths.AppPaths
    config: Any                      # kameng_tui.config.Config
    clock: Clock
    ledger: LedgerStore
    suppliers: SupplierSet
    secrets: Any                     # kameng_tui.secrets.SecretStore
    env: Mapping[str, str] = field(default_factory=dict)
    orders: CommandOrders = field(default_factory=CommandOrders)
    """The orders this command recorded or sent: what a failure half-way must name."""

    @cached_property
    def install_id(self) -> str:
        value = self.ledger.meta("install_id")
        if value is None:
            value = new_install_id()
            self.ledger.set_meta("install_id", value)
        return value

    @cached_property
    def data_key(self) -> "DataKeyService":
        """Is there a data key, and where from (asked each time: a key made meanwhile counts)."""
        from kameng_tui.services.data_key import DataKeyService

        return DataKeyService(self.secrets)

    def sealer(self) -> Any:
        """The card-secret sealer (AES-GCM with the data key), or None without a key:
        never kept as missing (services/data_key.py)."""
        return self.data_key.sealer()

    @cached_property
    def send_lock(self) -> SendLock:
        return SendLock(self.paths.data_dir, send_lock_wait_s(self.env))

    @cached_property
    def engine(self) -> "OrderEngine":
        from kameng_tui.services.engine import OrderEngine

        return OrderEngine(self.ledger, self.suppliers.get, self.clock, self.sealer,
                           call_deadline_s=float(self.config.checkout.call_deadline_s), orders=self.orders)

    @cached_property
    def balances(self) -> "BalanceService":
        from kameng_tui.services.balances import BalanceService

        return BalanceService(self)

    @cached_property
    def reconcile(self) -> "ReconcileService":
        from kameng_tui.services.reconcile import ReconcileService

        return ReconcileService(self)

    @cached_property
    def checkout(self) -> "CheckoutService":
        from kameng_tui.services.checkout import CheckoutService

        return CheckoutService(self)

    @cached_property
    def changes(self) -> "ChangeFeed":
        """Other processes' writes, for an open face (services/change_feed.py)."""
        from kameng_tui.services.change_feed import ChangeFeed

        return ChangeFeed(self.ledger)

    @cached_property
    def catalog_cache(self) -> Any:
        from kameng_tui.ledger.sqlite import SqliteLedger

        assert isinstance(self.ledger, SqliteLedger)      # the one store build_context opens
        return self.ledger.catalog

    @cached_property
    def catalog(self) -> "CatalogService":
        from kameng_tui.services.catalog import CatalogService

        return CatalogService(self)

    @cached_property
    def reports(self) -> "ReportService":
        from kameng_tui.services.reports import ReportService

        return ReportService(self)

    @cached_property
    def batch(self) -> "BatchService":
        from kameng_tui.services.batch import BatchService

        return BatchService(self)

    @cached_property
    def batch_entry(self) -> "BatchEntryService":
        from kameng_tui.services.batch_entry import BatchEntryService

        return BatchEntryService(self)

    @cached_property
    def supplier_admin(self) -> "SupplierAdmin":
        from kameng_tui.services.supplier_admin import SupplierAdmin

        return SupplierAdmin(self)

    @cached_property
    def settings(self) -> "SettingsService":
        from kameng_tui.services.settings import SettingsService

        return SettingsService(self)

    async def aclose(self) -> None:
        await self.suppliers.aclose()

    def close(self) -> None:
        self.ledger.close()


def send_lock_wait_s(env: Mapping[str, str]) -> float:
    """How long a send waits for another process's send lock (a batch sending):
    `KAMENG_TUI_SEND_LOCK_WAIT_S`, default 120 s (tests and impatient cron jobs set less)."""
    from kameng_tui.domain.errors import BadEnvValue
    from kameng_tui.messages import Msg

    text = env.get("KAMENG_TUI_SEND_LOCK_WAIT_S")
    if not text:
        return 120.0
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not 0 <= value <= 86400:
        raise BadEnvValue(Msg("err.env.seconds", name="KAMENG_TUI_SEND_LOCK_WAIT_S", value=repr(text)),
                          field="KAMENG_TUI_SEND_LOCK_WAIT_S")
    return value


def supplier_configs(config: Any, paths: Any) -> list[SupplierEntry]:
    """Configured suppliers; the embedded demo when none is configured."""
    out = []
    for s in getattr(config, "suppliers", ()) or ():
        options = dict(s.options)
        if s.kind == "demo":
            options.setdefault("state_path", str(paths.data_dir / f"{s.name}-supplier.db"))
        out.append(SupplierEntry(name=s.name, kind=s.kind, enabled=s.enabled, options=options))
    if not out:
        out.append(SupplierEntry(name="demo", kind="demo",
                                  options={"state_path": str(paths.data_dir / "demo-supplier.db")}))
    return out


def build_context(env: Mapping[str, str] | None = None) -> Context:
    from kameng_tui.config import load_config
    from kameng_tui.ledger.sqlite import open_ledger
    from kameng_tui.paths import app_paths, ensure
    from kameng_tui.secrets import SecretStore

    env = dict(os.environ if env is None else env)
    paths = app_paths(env)
    ensure(paths)
    config = load_config(paths.config_file, env)
    secrets = SecretStore(paths, env)
    ledger = open_ledger(paths.data_dir, state_dir=paths.state_dir)
    if os.environ.get("KAMENG_TUI_PAUSE_AT"):
        from kameng_tui.services.crash import pause_point

        ledger.guarded_hook = lambda: pause_point("intent-guarded")
    suppliers = SupplierSet(supplier_configs(config, paths), secrets.get_supplier_secret, env)
    return Context(paths=paths, config=config, clock=clock_from_env(env), ledger=ledger,
                   suppliers=suppliers, secrets=secrets, env=env)
