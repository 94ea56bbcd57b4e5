"""The configured suppliers, built lazily by name through the plugin registry.

An unreachable or misconfigured supplier blocks nothing but orders to it: each is
built on first use, and its errors stay its own.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, Mapping

from kameng_tui.config import Config, SupplierEntry
from kameng_tui.domain.errors import BadInput, ConfigError, KamengError, NotFound
from kameng_tui.domain.models import split_sku
from kameng_tui.domain.supplier_view import SupplierView, supplier_view
from kameng_tui.messages import Msg

if TYPE_CHECKING:  # the adapters' modules load with the first supplier built: `history` needs none
    from kameng_tui.suppliers.base import Supplier


class SupplierSet:
    def __init__(
        self,
        configs: list[SupplierEntry],
        secret_for: Callable[[str], str | None],
        env: Mapping[str, str],
        guard: Callable[[SupplierEntry], None] | None = None,
    ) -> None:
        self._guard = guard                     # a team ledger's supplier identities (services/supplier_identity.py)
        self.configs = {c.name: c for c in configs if c.enabled}
        self.entries = tuple(configs)           # disabled ones too: `supplier list`, the demo mark
        self._view = supplier_view(self.entries)
        self._secret_for = secret_for
        self._env = env
        self._built: dict[str, Supplier] = {}

    @property
    def names(self) -> list[str]:
        return list(self.configs)

    def view(self) -> SupplierView:
        """Whose rows say their supplier, and which suppliers are marked demo."""
        return self._view

    def get(self, name: str) -> Supplier:
        if name in self._built:
            return self._built[name]
        cfg = self.configs.get(name)
        if cfg is None:
            raise NotFound(Msg("err.suppliers.none", name=repr(name), configured=", ".join(self.configs) or Msg("word.none")),
                           field="supplier")
        if self._guard is not None:
            self._guard(cfg)                    # before the secret is read or anything is asked
        secret = None if cfg.kind == "demo" else self._secret_for(name)
        from kameng_tui.suppliers.registry import build_supplier

        try:
            supplier: Supplier = build_supplier(name, cfg.kind, cfg.options, secret, self._env)
        except KamengError:
            raise
        except Exception as exc:  # a plugin's own bug: name it, never a traceback
            raise ConfigError(Msg("err.suppliers.start", name=name, kind=cfg.kind, error=f"{type(exc).__name__}: {exc}")) \
                from exc
        self._built[name] = supplier
        return supplier

    def resolve_sku(self, sku: str) -> tuple[str, str]:
        """(supplier, product_id) for `demo:HF-CM-100`; a bare id needs one supplier."""
        text = sku.strip()
        if not text:
            raise BadInput(Msg("err.sku.empty"), field="sku")
        supplier, pid = split_sku(text)
        if supplier is not None:
            if supplier not in self.configs:
                raise NotFound(Msg("err.sku.supplier_unknown", sku=text, supplier=repr(supplier)), field="sku")
            return supplier, pid
        if len(self.configs) == 1:
            return next(iter(self.configs)), pid
        raise BadInput(Msg("err.sku.ambiguous", sku=text), field="sku")

    def reconfigure(self, configs: list[SupplierEntry]) -> list[Supplier]:
        """New configs (a supplier added or removed from the settings screen). Built
        suppliers whose config is unchanged stay; the others are returned for the
        caller to close."""
        new = {c.name: c for c in configs if c.enabled}
        dropped = [s for name, s in self._built.items() if new.get(name) != self.configs.get(name)]
        self._built = {name: s for name, s in self._built.items() if new.get(name) == self.configs.get(name)}
        self.configs = new
        self.entries = tuple(configs)
        self._view = supplier_view(self.entries)
        return dropped

    async def aclose(self) -> None:
        for supplier in self._built.values():
            try:
                await supplier.aclose()
            except Exception:  # closing must never mask the real outcome
                pass
        self._built.clear()


def supplier_configs(config: Config, paths: Any) -> list[SupplierEntry]:
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
