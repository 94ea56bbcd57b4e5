"""The composition root: the one service object graph, built in one place and handed down.

Only the console entry point (`kameng_tui.__main__`) imports this module (an import-linter
contract and tests/test_layers.py hold it). It opens the store, the secret store and the
suppliers, gives every service its explicit collaborators, and hands the faces a `Shop`
(services/shop.py): no ledger, secrets or raw config on it. Tests build the same graph
with `build_context(env)` and may reach the parts (`root.ledger`) the faces cannot.

Suppliers, the data key and the keyring are touched lazily: a CLI command that only
reads history never builds a supplier or asks the keyring anything.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Mapping

from kameng_tui.config import Config, SupplierEntry
from kameng_tui.domain.clock import Clock, clock_from_env
from kameng_tui.domain.errors import BadInput, ConfigError, KamengError
from kameng_tui.domain.order_no import new_install_id
from kameng_tui.ledger.ports import CatalogStore, LedgerStore, SendGate
from kameng_tui.paths import AppPaths
from kameng_tui.services.command_orders import CommandOrders
from kameng_tui.services.config_cell import ConfigCell
from kameng_tui.services.send_lock import send_lock_wait_s
from kameng_tui.services.shop import LedgerStatus, OrderReads, SettingsView, Shop
from kameng_tui.services.supplier_set import SupplierSet, supplier_configs
from kameng_tui.domain.supplier_view import SupplierView
from kameng_tui.messages import Msg

if TYPE_CHECKING:  # services load when first built: `ledger verify` starts without numpy or asyncio
    from kameng_tui.crypto import Sealer
    from kameng_tui.secret_store import SecretStore
    from kameng_tui.services.team_init import TeamInit
    from kameng_tui.services.supplier_identity import TeamSuppliers
    from kameng_tui.services.balances import BalanceService
    from kameng_tui.services.batch import BatchService
    from kameng_tui.services.batch_entry import BatchEntryService
    from kameng_tui.services.cards import CardReader
    from kameng_tui.services.catalog import CatalogService
    from kameng_tui.services.change_feed import ChangeFeed
    from kameng_tui.services.checkout import CheckoutService
    from kameng_tui.services.failover import Failover
    from kameng_tui.services.data_key import DataKeyService
    from kameng_tui.services.engine import OrderEngine
    from kameng_tui.services.export import Exporter
    from kameng_tui.services.pending import PendingActions
    from kameng_tui.services.reconcile import ReconcileService
    from kameng_tui.services.offer_board import OfferBoard
    from kameng_tui.services.offers import OfferService
    from kameng_tui.services.reports import ReportService
    from kameng_tui.services.restore import Restorer
    from kameng_tui.services.settings import SettingsService
    from kameng_tui.services.supplier_admin import SupplierAdmin
    from kameng_tui.services.webhooks import HookDeps, WebhookListener

@dataclass
class Context:
    """The graph's parts and its services, built on first use. The faces get `shop`."""

    paths: AppPaths
    config: Config
    clock: Clock
    ledger: LedgerStore
    suppliers: SupplierSet
    secrets: SecretStore
    env: Mapping[str, str] = field(default_factory=dict)
    orders: CommandOrders = field(default_factory=CommandOrders)
    """The orders this command recorded or sent: what a failure half-way must name."""

    # The live config: settings and supplier admin save config.toml and set it here.
    @cached_property
    def config_cell(self) -> ConfigCell:
        return ConfigCell(self.config)

    def __setattr__(self, name: str, value: Any) -> None:
        super().__setattr__(name, value)
        if name == "config" and "config_cell" in self.__dict__:
            self.config_cell.current = value

    def current_config(self) -> Config:
        return self.config_cell.current if "config_cell" in self.__dict__ else self.config

    @cached_property
    def install_id(self) -> str:
        value = self.ledger.meta("install_id")
        if value is None:
            value = new_install_id()
            self.ledger.set_meta("install_id", value)
        return value

    @cached_property
    def data_key(self) -> DataKeyService:
        """Is there a data key, and where from (asked each time: a key made meanwhile counts)."""
        from kameng_tui.ledger.ports import TeamKeyStore
        from kameng_tui.services.data_key import DataKeyService

        team = self.ledger if isinstance(self.ledger, TeamKeyStore) else None      # a team ledger: one team key
        return DataKeyService(self.secrets, team, self.clock)

    def sealer(self) -> Sealer | None:
        """The card-secret sealer (AES-GCM with the data key), or None without a key:
        never kept as missing (services/data_key.py)."""
        return self.data_key.sealer()

    @cached_property
    def send_lock(self) -> SendGate:
        """The lock every sender holds while sending (SQLite: an OS lock beside the file)."""
        return self.ledger.send_gate(send_lock_wait_s(self.env))

    @cached_property
    def changes(self) -> ChangeFeed:
        """Other processes' writes, for an open face (services/change_feed.py)."""
        from kameng_tui.services.change_feed import ChangeFeed

        return ChangeFeed(self.ledger)

    @cached_property
    def engine(self) -> OrderEngine:
        from kameng_tui.services.engine import OrderEngine

        return OrderEngine(self.ledger, self.suppliers.get, self.clock, self.sealer,
                           call_deadline_s=float(self.config.checkout.call_deadline_s), orders=self.orders)

    @cached_property
    def balances(self) -> BalanceService:
        from kameng_tui.services.balances import BalanceService

        return BalanceService(self.ledger, self.suppliers, self.engine, self.clock, self.config_cell)

    @cached_property
    def reconcile(self) -> ReconcileService:
        from kameng_tui.services.reconcile import ReconcileService

        return ReconcileService(self.ledger, self.suppliers, self.engine, self.send_lock, self.clock, self.config_cell)

    @cached_property
    def checkout(self) -> CheckoutService:
        from kameng_tui.services.checkout import CheckoutService

        service = CheckoutService(self.ledger, self.suppliers, self.engine, self.send_lock, self.balances,
                                  self.reconcile, self.clock, self.config_cell, self.sealer, lambda: self.install_id,
                                  self.orders)
        service.suggest = lambda sku: self.catalog.suggest_skus(sku)     # the catalog is built only when asked
        service.no_key = self.data_key.refusal                           # a team ledger: import the team's key
        from kameng_tui.services.failover_offers import offers_for
        from kameng_tui.services.offer_pick import OfferPicker

        service.picker = OfferPicker(lambda: self.offers, lambda: self.offer_board, lambda: self.suppliers.names)
        # an order's local offers, for failover and re-orders (services/failover_offers.py)
        service.offers_of = lambda order: offers_for(order, self.catalog, self.offers, self.ledger, self.clock)
        return service

    @cached_property
    def failover(self) -> Failover:
        """Failover and re-orders (services/failover.py), with the local offers of an order."""
        return self.checkout.failover

    @cached_property
    def pending(self) -> PendingActions:
        from kameng_tui.services.pending import PendingActions

        return PendingActions(self.ledger, self.suppliers, self.engine, self.reconcile, self.send_lock, self.clock)

    @cached_property
    def catalog_cache(self) -> CatalogStore:
        """The catalog port on the ledger's file (made on first use: it loads numpy)."""
        from kameng_tui.ledger.sqlite import SqliteLedger

        if isinstance(self.ledger, SqliteLedger):
            return self.ledger.catalog
        from kameng_tui.ledger.pg.team import TeamLedger

        assert isinstance(self.ledger, TeamLedger)      # the two stores open_store opens
        return self.ledger.catalog

    @cached_property
    def catalog(self) -> CatalogService:
        from kameng_tui.services.catalog import CatalogService

        return CatalogService(self.catalog_cache, self.suppliers, self.engine, self.paths.data_dir, self.clock,
                              self.config_cell)

    @cached_property
    def offers(self) -> OfferService:
        from kameng_tui.services.offers import OfferService

        return OfferService(self.catalog, self.ledger, self.clock)

    @cached_property
    def offer_board(self) -> OfferBoard:
        from kameng_tui.services.offer_board import OfferBoard

        return OfferBoard(self.catalog, self.offers, self.ledger, self.clock)

    @cached_property
    def reports(self) -> ReportService:
        from kameng_tui.services.reports import ReportService

        return ReportService(self.ledger, self.reconcile, self.catalog, self.balances, self.clock, self.config_cell)

    @cached_property
    def batch(self) -> BatchService:
        from kameng_tui.services.batch import BatchService

        return BatchService(self.ledger, self.suppliers, self.checkout, self.engine, self.send_lock, self.pending,
                            self.clock, self.orders)

    @cached_property
    def batch_entry(self) -> BatchEntryService:
        from kameng_tui.services.batch_entry import BatchEntryService

        return BatchEntryService(self.ledger, self.batch, self.catalog, self.clock)

    @cached_property
    def supplier_admin(self) -> SupplierAdmin:
        from kameng_tui.services.supplier_admin import SupplierAdmin

        from kameng_tui.secret_store import env_name
        from kameng_tui.suppliers.http.supplier import check_base_url

        return SupplierAdmin(self.ledger, self.suppliers, self.catalog, self.engine, self.secrets, self.paths,
                             self.env, self.clock, self.config_cell, env_name, check_base_url)

    @cached_property
    def settings(self) -> SettingsService:
        from kameng_tui.services.settings import SettingsService

        return SettingsService(self.paths.config_file, self.env, self.catalog, self.config_cell)

    @cached_property
    def cards(self) -> CardReader:
        from kameng_tui.services.cards import CardReader

        from kameng_tui.services.cards import local_user

        return CardReader(self.ledger, self.data_key.opener, self.clock,
                          lambda: self.current_config().team.operator or local_user())

    @cached_property
    def exporter(self) -> Exporter:
        from kameng_tui.services.export import Exporter

        return Exporter(self.ledger, self.cards, self.config_cell)

    @cached_property
    def restorer(self) -> Restorer:
        from kameng_tui.services.restore import Restorer

        return Restorer(self.ledger, self.suppliers, self.clock, self.config_cell)

    @cached_property
    def hooks(self) -> HookDeps:
        from kameng_tui.services.webhooks import HookDeps

        return HookDeps(self.ledger, self.suppliers, self.engine)

    @cached_property
    def shop(self) -> "Facade":
        return Facade(self)

    async def aclose(self) -> None:
        await self.suppliers.aclose()

    def close(self) -> None:
        self.ledger.close()


class Facade:
    """The `Shop` the faces get (services/shop.py): services and read-only views only."""

    def __init__(self, root: Context) -> None:
        self._root = root
        self.clock = root.clock
        self._view: tuple[Config, SettingsView] | None = None

    def startup_warnings(self) -> list[Msg]:
        """What a face says once on opening (a clock off the team ledger server's)."""
        from kameng_tui.services.clock_check import clock_warnings

        return clock_warnings(self._root.ledger, self.clock)

    def connection_notices(self) -> list[Msg]:
        """What the TUI's header keeps saying about the team ledger's connection: a TLS
        mode weaker than verify-full, a clock off the server's (services/clock_check.py).
        Asks the server: from a worker. None of it for a local ledger."""
        from kameng_tui.services.clock_check import header_notices

        url = self._root.current_config().ledger.url
        if not self._root.current_config().ledger.team or url is None:
            return []
        from kameng_tui.ledger.pg.connect import tls_weaker

        return header_notices(self._root.ledger, self.clock, tls_weaker(url))

    # The services, built on first use by the root.
    checkout = property(lambda self: self._root.checkout)
    failover = property(lambda self: self._root.failover)
    batch = property(lambda self: self._root.batch)
    batch_entry = property(lambda self: self._root.batch_entry)
    pending = property(lambda self: self._root.pending)
    catalog = property(lambda self: self._root.catalog)
    offers = property(lambda self: self._root.offers)
    offer_board = property(lambda self: self._root.offer_board)
    balances = property(lambda self: self._root.balances)
    reports = property(lambda self: self._root.reports)
    reconcile = property(lambda self: self._root.reconcile)
    settings = property(lambda self: self._root.settings)
    supplier_admin = property(lambda self: self._root.supplier_admin)
    exporter = property(lambda self: self._root.exporter)
    data_key = property(lambda self: self._root.data_key)
    changes = property(lambda self: self._root.changes)

    @cached_property
    def orders(self) -> OrderReads:
        return OrderReads(self._root.ledger, self._root.cards, self._root.orders)

    @cached_property
    def ledger_status(self) -> LedgerStatus:
        return LedgerStatus(self._root.ledger, self._root.restorer, storage_failure)

    @cached_property
    def team_suppliers(self) -> "TeamSuppliers":
        from kameng_tui.services.supplier_identity import TeamSuppliers

        return TeamSuppliers(self._root.ledger, lambda: self._root.suppliers.entries, self.clock)

    @property
    def settings_view(self) -> SettingsView:
        config = self._root.current_config()
        if self._view is None or self._view[0] is not config:
            self._view = (config, SettingsView.of(config, self._root.paths))
        return self._view[1]

    def supplier_names(self) -> list[str]:
        return list(self._root.suppliers.names)

    def supplier_entries(self) -> list[Any]:
        return list(self._root.suppliers.entries)

    def supplier_view(self) -> SupplierView:
        return self._root.suppliers.view()

    def env_value(self, name: str) -> str | None:
        return self._root.env.get(name)

    def secrets_status(self, supplier_names: list[str]) -> Any:
        return self._root.secrets.status(supplier_names)

    def webhook_listener(self, supplier_name: str, port: int = 0) -> WebhookListener:
        from kameng_tui.services.webhooks import WebhookListener

        return WebhookListener(self._root.hooks, supplier_name, port=port)

    def config_as_dict(self) -> dict[str, Any]:
        from kameng_tui.config import config_as_dict

        return config_as_dict(self._root.current_config())

    async def aclose(self) -> None:
        await self._root.aclose()

    def close(self) -> None:
        self._root.close()


def storage_failure(exc: BaseException, where: Path | None) -> KamengError | None:
    from kameng_tui.ledger.connection import storage_failure as classify

    return classify(exc, where)


def open_store(paths: AppPaths, config: Config, secrets: SecretStore) -> LedgerStore:
    """The local SQLite ledger, or with `[ledger] url` the team ledger on PostgreSQL
    composed with the local file (catalog cache, drafts, balances stay local). The
    password comes from KAMENG_TUI_SECRET_LEDGER or the keyring, never the file; a
    server that cannot be reached, a wrong password: ConfigError (exit 2) with libpq's
    reason. psycopg is imported only here, only for a team ledger."""
    from kameng_tui.config_ledger import SECRET_NAME
    from kameng_tui.ledger.sqlite import open_ledger

    local = open_ledger(paths.data_dir, state_dir=paths.state_dir)
    if not config.ledger.team:
        return local
    try:
        from kameng_tui.ledger.pg.team import TeamLedger
    except ImportError:
        local.close()
        raise ConfigError(Msg("err.team.no_driver")) from None
    assert config.ledger.url is not None
    return TeamLedger(config.ledger.url, local=local, state_dir=paths.state_dir,
                      password=secrets.get_supplier_secret(SECRET_NAME))


def identity_guard(ledger: object, clock: Clock) -> Callable[[SupplierEntry], None] | None:
    """On a team ledger, the check of each supplier's identity before it is built
    (services/supplier_identity.py); None on the local SQLite ledger."""
    from kameng_tui.services.supplier_identity import IdentityGuard, SupplierIdentities

    if not isinstance(ledger, SupplierIdentities):
        return None
    return IdentityGuard(ledger, clock).check


def build_context(env: Mapping[str, str] | None = None) -> Context:
    from kameng_tui.config import load_config
    from kameng_tui.paths import app_paths, ensure
    from kameng_tui.secret_store import SecretStore

    env = dict(os.environ if env is None else env)
    paths = app_paths(env)
    ensure(paths)
    config = load_config(paths.config_file, env)
    secrets = SecretStore(paths, env)
    ledger = open_store(paths, config, secrets)
    if os.environ.get("KAMENG_TUI_PAUSE_AT"):
        from kameng_tui.services.crash import pause_point

        ledger.guarded_hook = lambda: pause_point("intent-guarded")
    clock = clock_from_env(env)
    suppliers = SupplierSet(supplier_configs(config, paths), secrets.get_supplier_secret, env,
                            guard=identity_guard(ledger, clock))
    return Context(paths=paths, config=config, clock=clock, ledger=ledger,
                   suppliers=suppliers, secrets=secrets, env=env)


class ConsoleEntry:
    """The `Entry` (services/shop.py) the console script hands the CLI."""

    def __init__(self, env: Mapping[str, str] | None = None) -> None:
        self.env = env

    def open(self) -> Shop:
        """Build the graph and set up logging (its file and level come from the config)."""
        from kameng_tui.config_starter import write_starter
        from kameng_tui.logs import setup_logging
        from kameng_tui.paths import app_paths

        env = dict(os.environ if self.env is None else self.env)
        write_starter(app_paths(env), env)          # a first start only: issue 15's clearer default
        root = build_context(self.env)
        try:
            setup_logging(root.paths, root.config.logging.level)
        except BaseException:
            root.close()
            raise
        return root.shop

    def storage_failure(self, exc: BaseException, where: Path | None) -> KamengError | None:
        return storage_failure(exc, where)

    def _team_login(self, not_team: str) -> tuple[dict[str, str], Any, Any, str | None]:
        """The env, paths, config and ledger password of a command run on `[ledger] url` as
        this config's login, no shop opened; BadInput(`not_team`) on a local ledger."""
        from kameng_tui.config import load_config
        from kameng_tui.config_ledger import SECRET_NAME
        from kameng_tui.paths import app_paths, ensure
        from kameng_tui.secret_store import SecretStore

        env = dict(os.environ if self.env is None else self.env)
        paths = app_paths(env)
        ensure(paths)
        config = load_config(paths.config_file, env)
        if not config.ledger.team or config.ledger.url is None:
            raise BadInput(Msg(not_team), field="url")
        return env, paths, config, SecretStore(paths, env).get_supplier_secret(SECRET_NAME)

    def init_team_ledger(self) -> TeamInit:
        """`ledger init` on `[ledger] url` as this config's login (the owner), no shop opened."""
        from kameng_tui.secret_store import SecretStore
        from kameng_tui.services.team_init import init_team

        env, paths, config, password = self._team_login("err.team.init_no_url")
        try:
            from kameng_tui.ledger.pg.roles import EmptyDatabase
        except ImportError:
            raise ConfigError(Msg("err.team.no_driver")) from None
        done = init_team(EmptyDatabase(config.ledger.url, password))
        # the owner's configured suppliers become the team's (services/supplier_identity.py)
        from kameng_tui.services.supplier_identity import SupplierIdentities, register_all

        ledger = open_store(paths, config, SecretStore(paths, env))
        try:
            if isinstance(ledger, SupplierIdentities):          # always, on the team ledger just made
                register_all(ledger, supplier_configs(config, paths), clock_from_env(env))
        finally:
            ledger.close()
        return done

    def migrate_team_schema(self) -> int:
        """`ledger migrate-schema` on `[ledger] url` as this config's login (the owner)."""
        _env, _paths, config, password = self._team_login("err.team.not_team")
        try:
            from kameng_tui.ledger.pg.roles import TeamSchema
        except ImportError:
            raise ConfigError(Msg("err.team.no_driver")) from None
        return TeamSchema(config.ledger.url, password).migrate()

    def move_to_team(self, url: str) -> dict[str, Any]:
        """`ledger migrate --to URL`: this home's local ledger copied onto the team ledger at
        `url` (ledger/pg/migrate.py), then `[ledger] url` set in config.toml (comments kept).
        Run on the local ledger's config (or again after an interruption)."""
        from kameng_tui.config import load_config
        from kameng_tui.config_edit import set_values
        from kameng_tui.config_ledger import SECRET_NAME, parse_ledger
        from kameng_tui.ledger.sqlite import open_ledger
        from kameng_tui.paths import app_paths, ensure
        from kameng_tui.secret_store import SecretStore

        env = dict(os.environ if self.env is None else self.env)
        paths = app_paths(env)
        ensure(paths)
        load_config(paths.config_file, env)                       # a broken config is named first
        parse_ledger({"url": url})     # what [ledger] url accepts (no password in it), before copying
        try:
            from kameng_tui.ledger.pg.migrate import move_shop
        except ImportError:
            raise ConfigError(Msg("err.team.no_driver")) from None
        after = None
        if env.get("KAMENG_TUI_CRASH_AT") == "migrate-batch":
            from kameng_tui.services.crash import crash_point

            after = lambda seq: crash_point("migrate-batch")    # noqa: E731
        local = open_ledger(paths.data_dir, state_dir=paths.state_dir)
        try:
            done = move_shop(local, url, password=SecretStore(paths, env).get_supplier_secret(SECRET_NAME),
                             at=clock_from_env(env).now(), after_batch=after)
        finally:
            local.close()
        set_values(paths.config_file, "ledger", {"url": url}, env)
        return {"ledger_id": done.ledger_id, "seq": done.seq, "hash": done.hash, "copied": done.copied,
                "resumed": done.resumed, "orders": done.orders}

