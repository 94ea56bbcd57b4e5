"""Adding, testing, removing and syncing suppliers: one set of rules for the CLI
(`kameng-tui supplier add|test|remove`) and the settings screen.

A bad input is a BadInput naming its field, and changes nothing: the name, kind,
URL and keys are checked, and (where asked) the supplier is reached with the new
secret held in memory before the secret goes to the keyring (or the opt-in key file)
and the table to config.toml. The secret never goes to config.toml, the ledger or
a log line.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Callable, Mapping

from kameng_tui.config import SUPPLIER_NAME, url_has_password
from kameng_tui.domain.errors import REFUSED_US, AuthFailed, BadInput, KamengError, SecretsUnavailable
from kameng_tui.domain.money import money
from kameng_tui.messages import Localized, Msg
from kameng_tui.domain.clock import Clock
from kameng_tui.ledger.ports import BalanceStore
from kameng_tui.services.catalog import CatalogService, Progress, SyncReport
from kameng_tui.services.engine import OrderEngine
from kameng_tui.services.config_cell import ConfigCell, ReadsConfig
from kameng_tui.services.supplier_set import SupplierSet, supplier_configs

NAME = SUPPLIER_NAME                      # config.py: the same rule as [[suppliers]] name
KEY_OPTION = {"http": "key_id", "fulu": "app_key"}      # what the form's "key id" field is called per kind


@dataclass(frozen=True)
class NewSupplier:
    kind: str
    name: str
    base_url: str = ""
    key_id: str = ""                  # http: key_id; fulu: app_key
    secret: str = field(default="", repr=False)
    options: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SupplierStatus:
    """One row of the suppliers list: all from local data unless just tested."""

    name: str
    kind: str
    url: str
    reachable: bool | None            # None = not tried since start
    balance: Decimal | None
    balance_at: datetime | None
    last_sync: datetime | None
    products: int
    secret_source: str | None         # keyring | file | env | None
    error: KamengError | None = None

    @property
    def refused(self) -> bool:
        """Reached, but it refused our key id, secret or clock: not a connection problem."""
        return isinstance(self.error, REFUSED_US)


def needs_secret(factory: Any) -> bool:
    """Whether the kind declares a secret field (http, fulu: yes; demo: no)."""
    return any(f.secret for f in factory.config_fields)


def _declared() -> list[str]:
    from kameng_tui.suppliers.registry import available_kinds

    return available_kinds()


def _bad(field: str, message: Localized) -> BadInput:
    return BadInput(message, field=field)


class SupplierAdmin(ReadsConfig):
    def __init__(self, ledger: BalanceStore, suppliers: SupplierSet, catalog: CatalogService, engine: OrderEngine,
                 secrets: Any, paths: Any, env: Mapping[str, str], clock: Clock, config: ConfigCell,
                 env_name: Callable[[str], str], check_base_url: Callable[[str, str], Any]) -> None:
        # secrets: the SecretStore (supplier secrets only); paths: kameng_tui.paths.AppPaths
        self.ledger, self.suppliers, self.catalog, self.engine = ledger, suppliers, catalog, engine
        self.secrets, self.paths, self.env, self.clock, self._config = secrets, paths, env, clock, config
        # the secret's env variable name and the http adapter's URL check, from the root (no adapter imports here)
        self.env_name, self.check_base_url = env_name, check_base_url
        self._tested: dict[str, tuple[bool, KamengError | None]] = {}

    # --- the key store, for the no-keyring opt-in (a 0600 key file) ---------------------------------
    def backend_status(self) -> Any:
        return self.secrets.backend_status()

    def use_file(self, path: str | None = None) -> Any:
        return self.secrets.use_file(path)

    @property
    def key_file(self) -> Any:
        return self.secrets.key_file

    # --- the list -------------------------------------------------------------------------------
    def statuses(self) -> list[SupplierStatus]:
        """Every configured supplier. Reads the ledger and asks the keyring where each
        secret lives (may take seconds when it is locked): call it off the UI thread."""
        return [self.status(name) for name in self.suppliers.configs]

    def status(self, name: str) -> SupplierStatus:
        cfg = self.suppliers.configs[name]
        last = self.ledger.last_balance(name)
        reachable, error = self._tested.get(name, (None, None))
        secret = None if cfg.kind == "demo" else self.secrets.supplier_secret_source(name)
        return SupplierStatus(
            name=name, kind=cfg.kind, url=str(cfg.options.get("base_url", "")), reachable=reachable,
            balance=last[0] if last else None, balance_at=last[1] if last else None,
            last_sync=self.catalog.cache.last_sync(name), products=self.catalog.cache.count(name),
            secret_source=secret, error=error)

    async def test(self, name: str) -> SupplierStatus:
        """Reach the supplier: its balance within the call deadline; the error is the answer."""
        try:
            sup = self.suppliers.get(name)
            async with asyncio.timeout(self.engine.call_deadline_s):
                amount = money(await sup.balance())
            self.ledger.record_balance(name, amount, at=self.clock.now())
            self._tested[name] = (True, None)
        except KamengError as exc:
            self._tested[name] = (False, exc)
        except Exception as exc:  # report, never crash: a timeout, a socket error, a plugin's own bug
            self._tested[name] = (False, KamengError(Msg("err.admin.test_failed", kind=type(exc).__name__)))
        return await asyncio.to_thread(self.status, name)

    # --- add ------------------------------------------------------------------------------------
    def options_of(self, new: NewSupplier) -> dict[str, Any]:
        opts: dict[str, Any] = {}
        if new.base_url.strip():
            opts["base_url"] = new.base_url.strip()
        if new.key_id.strip() and new.kind in KEY_OPTION:
            opts[KEY_OPTION[new.kind]] = new.key_id.strip()
        opts.update({k: v for k, v in new.options.items()})
        return opts

    def check(self, new: NewSupplier, *, need_secret: bool = True) -> None:
        """Everything that can be known without the network; raises BadInput(field)."""
        env_name = self.env_name
        from kameng_tui.suppliers.registry import load_factory, usable_kinds

        try:
            factory = load_factory(new.kind)  # a broken plugin is refused with its error
        except KamengError as exc:
            kinds = usable_kinds()
            known = exc.msg if new.kind in _declared() else Msg("err.admin.unknown_kind", kind=repr(new.kind),
                                                                 known=", ".join(kinds))
            raise _bad("kind", known) from None
        name = new.name.strip()
        if not NAME.match(name):
            raise _bad("name", Msg("err.admin.name"))
        explicit = {s.name for s in self.config.suppliers}
        if name in explicit or (name in self.suppliers.configs and name != "demo"):
            raise _bad("name", Msg("err.admin.exists", name=name))
        if url_has_password(new.base_url):
            raise _bad("base_url", Msg("err.config.url_password", key="base_url"))
        if new.kind == "http":
            check_base_url = self.check_base_url

            if not new.base_url.strip():
                raise _bad("base_url", Msg("err.admin.http_url"))
            try:
                check_base_url(new.base_url.strip(), name)
            except KamengError as exc:
                raise _bad("base_url", exc.msg) from None
        elif new.kind == "fulu" and new.base_url.strip() and not re.match(r"^https?://[^/\s]+", new.base_url.strip()):
            raise _bad("base_url", Msg("err.admin.https", url=new.base_url))
        if new.kind in KEY_OPTION and not new.key_id.strip():
            raise _bad("key_id", Msg("err.admin.needs_key", kind=new.kind, key=KEY_OPTION[new.kind]))
        if need_secret and needs_secret(factory) and not new.secret and not self.env.get(env_name(name)):
            raise _bad("secret", Msg("err.admin.no_secret", env=env_name(name)))

    async def reach(self, new: NewSupplier) -> Decimal:
        """Build the would-be supplier with the secret in memory and ask its balance."""
        env_name = self.env_name
        from kameng_tui.suppliers.registry import build_supplier

        name = new.name.strip()
        secret = new.secret or self.env.get(env_name(name))
        options = self.options_of(new)
        if new.kind == "demo":
            options.setdefault("state_path", str(self.paths.data_dir / f"{name}-supplier.db"))
        try:
            sup = build_supplier(name, new.kind, options, secret, self.env)
        except KamengError as exc:
            raise _bad(exc.field or "base_url", exc.msg) from None
        try:
            async with asyncio.timeout(self.engine.call_deadline_s):
                return money(await sup.balance())
        except AuthFailed as exc:
            raise _bad("secret", Msg("err.admin.auth", reason=exc.msg)) from None
        except KamengError as exc:
            raise _bad("base_url", Msg("err.admin.unreachable", reason=exc.msg)) from None
        except (TimeoutError, OSError) as exc:
            raise _bad("base_url", Msg("err.admin.unreachable", reason=type(exc).__name__)) from None
        finally:
            try:
                await sup.aclose()
            except Exception:  # closing must not hide the answer
                pass

    async def add(self, new: NewSupplier, *, reach: bool = True, need_secret: bool = True) -> Decimal | None:
        """Check, reach (unless told not to), store the secret, then write the config.
        Returns the balance seen when reached. The CLI neither reaches nor needs the
        secret now (cron may bring it in the environment later)."""
        self.check(new, need_secret=need_secret)
        balance = await self.reach(new) if reach else None
        name = new.name.strip()
        self._team_admit(new, name)
        if new.secret and new.kind != "demo":
            try:
                self.secrets.set_supplier_secret(name, new.secret)
            except SecretsUnavailable as exc:
                exc.field = "secret"
                raise
        from kameng_tui.config_edit import add_supplier

        if not self.config.suppliers and name != "demo":
            # The demo is implicit while nothing is configured; keep it, now explicit and removable.
            add_supplier(self.paths.config_file, "demo", "demo", {}, env=self.env)
        config = add_supplier(self.paths.config_file, name, new.kind, self.options_of(new), env=self.env)
        await self._apply(config)
        if balance is not None:
            self.ledger.record_balance(name, balance, at=self.clock.now())
            self._tested[name] = (True, None)
        return balance

    def set_secret(self, name: str, secret: str) -> None:
        """Store (or replace) a configured supplier's secret and nothing else of it: a new
        machine, a lost keyring, a rotated key (`supplier secret NAME`; `add` refuses a
        name that exists)."""
        from kameng_tui.suppliers.registry import load_factory

        cfg = self.suppliers.configs.get(name)
        if cfg is None:
            raise _bad("name", Msg("err.admin.not_configured", name=name))
        if not needs_secret(load_factory(cfg.kind)):
            raise _bad("name", Msg("err.admin.secret_unused", name=name, kind=cfg.kind))
        if not secret:
            raise _bad("secret", Msg("err.admin.no_secret", env=self.env_name(name)))
        try:
            self.secrets.set_supplier_secret(name, secret)
        except SecretsUnavailable as exc:
            exc.field = "secret"
            raise
        self._tested.pop(name, None)

    def _team_admit(self, new: NewSupplier, name: str) -> None:
        """On a team ledger, the team's account for `name` (services/supplier_identity.py
        admit_new): before the secret or config.toml is written, so a refusal changes
        nothing here."""
        from kameng_tui.config import SupplierEntry
        from kameng_tui.services.supplier_identity import SupplierIdentities, admit_new

        if isinstance(self.ledger, SupplierIdentities):
            admit_new(self.ledger, SupplierEntry(name, new.kind, options=self.options_of(new)), self.clock)

    # --- the demo beside a real supplier ----------------------------------------------------------
    def demos_to_offer(self) -> list[str]:
        """Enabled demo suppliers while a real one is enabled too: what `supplier add` offers
        to turn off, so nobody sells a demo card to a customer."""
        view = self.suppliers.view()
        return [n for n in view.enabled if view.is_demo(n)]

    async def disable_demos(self) -> list[str]:
        """Turn the demo suppliers off (`enabled = false`, kept in config.toml) and drop
        their products from the catalog; their orders stay in the ledger."""
        from kameng_tui.config_edit import set_supplier_enabled

        names = self.demos_to_offer()
        config = self.config
        for name in names:
            config = set_supplier_enabled(self.paths.config_file, name, False, env=self.env)
        if names:
            await self._apply(config)
            for name in names:
                self.catalog.forget(name)
                self._tested.pop(name, None)
        return names

    # --- remove -----------------------------------------------------------------------------------
    async def remove(self, name: str) -> None:
        from kameng_tui.config_edit import remove_supplier

        if not any(s.name == name for s in self.config.suppliers):
            if name in self.suppliers.configs:
                raise _bad("name", Msg("err.admin.demo_implicit"))
            raise _bad("name", Msg("err.admin.not_configured", name=name))
        remove_supplier(self.paths.config_file, name)
        from kameng_tui.config import load_config

        await self._apply(load_config(self.paths.config_file, self.env))
        self.catalog.forget(name)
        self._tested.pop(name, None)

    # --- sync ---------------------------------------------------------------------------------------
    async def sync(self, name: str, progress: Progress | None = None) -> SyncReport:
        return await self.catalog.sync(name, progress)

    async def _apply(self, config: Any) -> None:
        """The running app sees the new supplier list at once (status line, catalog, orders)."""
        self.config = config
        for sup in self.suppliers.reconfigure(supplier_configs(config, self.paths)):
            try:
                await sup.aclose()
            except Exception:  # closing must not hide the change
                pass

