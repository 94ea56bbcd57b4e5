"""What the faces (cli/, tui/) get: one narrow facade, typed by a Protocol.

The composition root (kameng_tui/bootstrap.py) builds the service graph and hands the
faces a `Shop`: the use cases (checkout, batch, order reads, catalog, balances, supplier
admin, reports, reconcile), a read-only view of the settings and the ledger's status. It
has no ledger, no secret store and no raw config: a screen that wants something new asks a
service for it, so the faces never learn what the store or the keyring is.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping, Protocol, Sequence

from kameng_tui.config import Balance, Checkout, Config, General, Logging, Ui
from kameng_tui.domain.clock import Clock
from kameng_tui.domain.errors import KamengError
from kameng_tui.domain.history import Event, HistoryFilter, Page
from kameng_tui.domain.models import Order
from kameng_tui.domain.states import OrderState
from kameng_tui.domain.supplier_view import SupplierView
from kameng_tui.ledger.ports import BatchStore, MetaStore, OrderStore
from kameng_tui.ledger.values import GuardDuplicate, TeamStatus, VerifyReport

if TYPE_CHECKING:  # the faces import this module; the services load when the root builds them
    from kameng_tui.services.team_init import TeamInit
    from kameng_tui.services.supplier_identity import TeamSuppliers
    from kameng_tui.services.balances import BalanceService
    from kameng_tui.services.batch import BatchService
    from kameng_tui.services.batch_entry import BatchEntryService
    from kameng_tui.services.cards import CardReader
    from kameng_tui.services.catalog import CatalogService
    from kameng_tui.services.offer_board import OfferBoard
    from kameng_tui.services.offers import OfferService
    from kameng_tui.services.change_feed import ChangeFeed
    from kameng_tui.services.checkout import CheckoutService
    from kameng_tui.services.command_orders import CommandOrders, Fates
    from kameng_tui.services.data_key import DataKeyService
    from kameng_tui.services.export import Exporter
    from kameng_tui.services.pending import PendingActions
    from kameng_tui.services.reconcile import ReconcileService
    from kameng_tui.services.reports import ReportService
    from kameng_tui.services.restore import Restorer, RestoreOutcome
    from kameng_tui.services.settings import SettingsService
    from kameng_tui.services.supplier_admin import SupplierAdmin
    from kameng_tui.services.webhooks import WebhookListener


@dataclass(frozen=True)
class SettingsView:
    """What the faces read from the configuration (frozen sections), and where files live.
    Pricing rules and supplier entries are not here: services price and build suppliers."""

    general: General
    checkout: Checkout
    balance: Balance
    ui: Ui
    logging: Logging
    keymap: Mapping[str, str]
    customers: Mapping[str, str]
    config_file: Path
    data_dir: Path
    state_dir: Path
    log_dir: Path

    @classmethod
    def of(cls, config: Config, paths: Any) -> "SettingsView":
        return cls(general=config.general, checkout=config.checkout, balance=config.balance, ui=config.ui,
                   logging=config.logging, keymap=dict(config.keymap), customers=dict(config.customers),
                   config_file=paths.config_file, data_dir=paths.data_dir, state_dir=paths.state_dir,
                   log_dir=paths.log_dir)


class OrderLedger(OrderStore, BatchStore, Protocol):
    """The order reads, and a batch's orders."""


class StatusLedger(OrderStore, MetaStore, Protocol):
    """The ledger as a whole (anchor, verify, backup), and the guards' duplicates."""


class OrderReads:
    """The orders as the faces read them: one order, its events and cards, lists and pages."""

    def __init__(self, ledger: OrderLedger, cards: CardReader, command: CommandOrders) -> None:
        self._ledger, self._cards, self._command = ledger, cards, command

    def get(self, order_no: str) -> Order | None:
        return self._ledger.get(order_no)

    def events(self, order_no: str) -> Sequence[Event]:
        return self._ledger.events(order_no)

    def batch_orders(self, batch_id: int) -> list[Order]:
        return self._ledger.batch_orders(batch_id)

    def in_state(self, states: Sequence[OrderState], supplier: str | None = None) -> list[Order]:
        return self._ledger.in_state(states, supplier)

    def history(self, flt: HistoryFilter, limit: int = 50, cursor: str | None = None, with_total: bool = False) -> Page:
        return self._ledger.history(flt, limit=limit, cursor=cursor, with_total=with_total)

    def unsettled_cost(self, supplier: str) -> Decimal:
        return self._ledger.unsettled_cost(supplier)

    def anomaly_orders(self) -> set[str]:
        return self._ledger.anomaly_orders()

    def cards(self, order: Order, reveal: bool) -> list[dict[str, Any]]:
        """Delivered cards, masked unless revealed (services/cards.py)."""
        from kameng_tui.services.cards import reveal_cards

        return reveal_cards(self._cards, order, reveal)

    def reveal(self, order: Order, action: str = "reveal") -> list[dict[str, Any]]:
        """The cards in the clear for an explicit act (reveal, copy, export), recorded
        first as a chained `revealed` event with the operator (services/cards.py)."""
        from kameng_tui.services.cards import reveal_and_record

        return reveal_and_record(self._cards, order, action)

    def touched(self) -> bool:
        """Whether this command recorded or sent any order (a failure must name them)."""
        return bool(self._command.numbers)

    def command_fates(self) -> Fates:
        """What became of the orders this command recorded or sent."""
        return self._command.fates(self._ledger)


class LedgerStatus:
    """The ledger as a whole: its anchor, verify, backup, duplicates, moving past a restore."""

    def __init__(self, ledger: StatusLedger, restorer: Restorer,
                 storage_failure: Callable[[BaseException, Path | None], KamengError | None]) -> None:
        self._ledger, self._restorer, self._storage_failure = ledger, restorer, storage_failure

    def anchor_problem(self) -> Exception | None:
        return self._ledger.anchor_problem()

    def verify(self, *, quick: bool = False) -> VerifyReport:
        return self._ledger.verify(quick=quick)

    def verify_since_checkpoint(self) -> VerifyReport | None:
        return self._ledger.verify_since_checkpoint()

    def backup(self) -> Path:
        return self._ledger.backup()

    def guard_duplicates(self) -> list[GuardDuplicate]:
        return self._ledger.guard_duplicates()

    def accept_restore(self, reason: str) -> RestoreOutcome:
        from kameng_tui.services.restore import accept

        return accept(self._restorer, reason)

    def restore_file(self, source: Path, reason: str) -> RestoreOutcome:
        from kameng_tui.services.restore import restore_file

        return restore_file(self._restorer, source, reason)

    def storage_failure(self, exc: BaseException, where: Path | None) -> KamengError | None:
        """The typed error for a disk or database failure (full, read-only, locked), else None."""
        return self._storage_failure(exc, where)

    def team(self) -> TeamStatus | None:
        """A team terminal's server and mirror (reachable, last synced); None on a local
        ledger. Held in memory by the store: no IO, the UI thread may ask every second."""
        status = getattr(self._ledger, "team_status", None)
        return status() if callable(status) else None


class Shop(Protocol):
    """The faces' facade. No ledger, secrets or raw config: see the module docstring."""

    @property
    def clock(self) -> Clock: ...

    @property
    def checkout(self) -> CheckoutService: ...

    @property
    def batch(self) -> BatchService: ...

    @property
    def batch_entry(self) -> BatchEntryService: ...

    @property
    def pending(self) -> PendingActions: ...

    @property
    def orders(self) -> OrderReads: ...

    @property
    def catalog(self) -> CatalogService: ...

    @property
    def offers(self) -> OfferService: ...

    @property
    def offer_board(self) -> OfferBoard: ...

    @property
    def balances(self) -> BalanceService: ...

    @property
    def reports(self) -> ReportService: ...

    @property
    def reconcile(self) -> ReconcileService: ...

    @property
    def settings(self) -> SettingsService: ...

    @property
    def supplier_admin(self) -> SupplierAdmin: ...

    @property
    def ledger_status(self) -> LedgerStatus: ...

    @property
    def team_suppliers(self) -> TeamSuppliers: ...

    @property
    def exporter(self) -> Exporter: ...

    @property
    def settings_view(self) -> SettingsView: ...

    @property
    def data_key(self) -> DataKeyService:
        """Is there a data key (status) and the opt-in key file (create_file_key)."""
        ...

    @property
    def changes(self) -> ChangeFeed:
        """Other processes' writes reaching an open face (start/stop)."""
        ...

    def supplier_names(self) -> list[str]: ...

    def supplier_entries(self) -> list[Any]:
        """Every configured supplier, disabled ones too (`enabled`)."""
        ...

    def supplier_view(self) -> SupplierView:
        """Whether rows name their supplier, and which suppliers are marked demo (演示)."""
        ...

    def env_value(self, name: str) -> str | None: ...

    def secrets_status(self, supplier_names: list[str]) -> Any: ...

    def webhook_listener(self, supplier_name: str, port: int = 0) -> WebhookListener: ...

    def config_as_dict(self) -> dict[str, Any]: ...

    def startup_warnings(self) -> list[Any]:
        """Localized warnings a face shows once on opening."""
        ...

    def connection_notices(self) -> list[Any]:
        """The team ledger's connection as the header keeps saying it (a weaker TLS mode,
        a clock off the server's); blocking, from a worker."""
        ...

    async def aclose(self) -> None: ...

    def close(self) -> None: ...


class Entry(Protocol):
    """What the console entry point hands the CLI: a way to open the shop (lazily: `--help`
    builds nothing) and the typed error for a storage failure before it opened."""

    def open(self) -> Shop: ...

    def storage_failure(self, exc: BaseException, where: Path | None) -> KamengError | None: ...

    def init_team_ledger(self) -> TeamInit:
        """`ledger init`: the team ledger of `[ledger] url` set up on its empty database."""
        ...

    def migrate_team_schema(self) -> int:
        """`ledger migrate-schema`: the team ledger's schema brought to this version's, as
        the owner (OwnerOnly for a clerk's login); the version reached."""
        ...

    def move_to_team(self, url: str) -> dict[str, Any]:
        """`ledger migrate --to URL`: the local ledger copied onto the empty team ledger at
        `url` (or the copy resumed), the local ledger closed to writes, the config switched."""
        ...
