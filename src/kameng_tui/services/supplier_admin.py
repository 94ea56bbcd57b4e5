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
from typing import Any, Mapping

from kameng_tui.config import SUPPLIER_NAME, url_has_password
from kameng_tui.domain.errors import REFUSED_US, AuthFailed, BadInput, KamengError, SecretsUnavailable
from kameng_tui.domain.money import money
from kameng_tui.messages import Localized, Msg
from kameng_tui.services.catalog import Progress, SyncReport
from kameng_tui.services.context import Context, supplier_configs

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


def _bad(field: str, message: Localized) -> BadInput:
    return BadInput(message, field=field)


class SupplierAdmin:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._tested: dict[str, tuple[bool, KamengError | None]] = {}

    # --- the list -------------------------------------------------------------------------------
    def statuses(self) -> list[SupplierStatus]:
        """Every configured supplier. Reads the ledger and asks the keyring where each
        secret lives (may take seconds when it is locked): call it off the UI thread."""
        return [self.status(name) for name in self.ctx.suppliers.configs]

    def status(self, name: str) -> SupplierStatus:
        ctx = self.ctx
        cfg = ctx.suppliers.configs[name]
        last = ctx.ledger.last_balance(name)
        reachable, error = self._tested.get(name, (None, None))
        secret = None if cfg.kind == "demo" else ctx.secrets.supplier_secret_source(name)
        return SupplierStatus(
            name=name, kind=cfg.kind, url=str(cfg.options.get("base_url", "")), reachable=reachable,
            balance=last[0] if last else None, balance_at=last[1] if last else None,
            last_sync=ctx.catalog_cache.last_sync(name), products=ctx.catalog_cache.count(name),
            secret_source=secret, error=error)

    async def test(self, name: str) -> SupplierStatus:
        """Reach the supplier: its balance within the call deadline; the error is the answer."""
        ctx = self.ctx
        try:
            sup = ctx.suppliers.get(name)
            async with asyncio.timeout(ctx.engine.call_deadline_s):
                amount = money(await sup.balance())
            ctx.ledger.record_balance(name, amount, at=ctx.clock.now())
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
        from kameng_tui.secrets import env_name
        from kameng_tui.suppliers.registry import available_kinds

        kinds = available_kinds()
        if new.kind not in kinds:
            raise _bad("kind", Msg("err.admin.unknown_kind", kind=repr(new.kind), known=", ".join(kinds)))
        name = new.name.strip()
        if not NAME.match(name):
            raise _bad("name", Msg("err.admin.name"))
        explicit = {s.name for s in self.ctx.config.suppliers}
        if name in explicit or (name in self.ctx.suppliers.configs and name != "demo"):
            raise _bad("name", Msg("err.admin.exists", name=name))
        if url_has_password(new.base_url):
            raise _bad("base_url", Msg("err.config.url_password", key="base_url"))
        if new.kind == "http":
            from kameng_tui.suppliers.http.supplier import check_base_url

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
        if need_secret and new.kind != "demo" and not new.secret and not self.ctx.env.get(env_name(name)):
            raise _bad("secret", Msg("err.admin.no_secret", env=env_name(name)))

    async def reach(self, new: NewSupplier) -> Decimal:
        """Build the would-be supplier with the secret in memory and ask its balance."""
        from kameng_tui.secrets import env_name
        from kameng_tui.suppliers.registry import build_supplier

        name = new.name.strip()
        secret = new.secret or self.ctx.env.get(env_name(name))
        options = self.options_of(new)
        if new.kind == "demo":
            options.setdefault("state_path", str(self.ctx.paths.data_dir / f"{name}-supplier.db"))
        try:
            sup = build_supplier(name, new.kind, options, secret, self.ctx.env)
        except KamengError as exc:
            raise _bad(exc.field or "base_url", exc.msg) from None
        try:
            async with asyncio.timeout(self.ctx.engine.call_deadline_s):
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
        ctx, name = self.ctx, new.name.strip()
        if new.secret and new.kind != "demo":
            try:
                ctx.secrets.set_supplier_secret(name, new.secret)
            except SecretsUnavailable as exc:
                exc.field = "secret"
                raise
        from kameng_tui.config_edit import add_supplier

        if not ctx.config.suppliers and name != "demo":
            # The demo is implicit while nothing is configured; keep it, now explicit and removable.
            add_supplier(ctx.paths.config_file, "demo", "demo", {}, env=ctx.env)
        config = add_supplier(ctx.paths.config_file, name, new.kind, self.options_of(new), env=ctx.env)
        await self._apply(config)
        if balance is not None:
            ctx.ledger.record_balance(name, balance, at=ctx.clock.now())
            self._tested[name] = (True, None)
        return balance

    # --- remove -----------------------------------------------------------------------------------
    async def remove(self, name: str) -> None:
        from kameng_tui.config_edit import remove_supplier

        ctx = self.ctx
        if not any(s.name == name for s in ctx.config.suppliers):
            if name in ctx.suppliers.configs:
                raise _bad("name", Msg("err.admin.demo_implicit"))
            raise _bad("name", Msg("err.admin.not_configured", name=name))
        remove_supplier(ctx.paths.config_file, name)
        from kameng_tui.config import load_config

        await self._apply(load_config(ctx.paths.config_file, ctx.env))
        ctx.catalog.forget(name)
        self._tested.pop(name, None)

    # --- sync ---------------------------------------------------------------------------------------
    async def sync(self, name: str, progress: Progress | None = None) -> SyncReport:
        return await self.ctx.catalog.sync(name, progress)

    async def _apply(self, config: Any) -> None:
        """The running app sees the new supplier list at once (status line, catalog, orders)."""
        ctx = self.ctx
        ctx.config = config
        for sup in ctx.suppliers.reconfigure(supplier_configs(config, ctx.paths)):
            try:
                await sup.aclose()
            except Exception:  # closing must not hide the change
                pass

