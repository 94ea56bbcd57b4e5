"""Find supplier plugins through the `kameng_tui.suppliers` entry-point group.

Built-ins (demo, http, fulu) register the same way, so the plugin path is always
the path in use. Names are listed from metadata without importing the plugins;
`plugins()` loads them all (for `supplier kinds` and the settings form). A plugin
that fails to import, is not a `SupplierFactory`, or declares a field whose flag
clashes with a built-in one is *broken*: listed with its error, never loaded, and
the rest of the app starts as usual.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping

from kameng_tui.domain.errors import ConfigError
from kameng_tui.messages import Msg
from kameng_tui.suppliers.factory import SupplierFactory, declaration_problem

GROUP = "kameng_tui.suppliers"


@dataclass(frozen=True)
class Plugin:
    """One entry point of the group: its factory, or why it cannot be used."""

    kind: str
    target: str                          # the entry point's value, "module:object"
    dist: str | None                     # the distribution that declares it
    factory: SupplierFactory | None
    error: str | None = None             # set exactly when factory is None

    @property
    def broken(self) -> bool:
        return self.factory is None


def _entry_points() -> list[Any]:
    from importlib.metadata import entry_points   # on use: a command that builds no supplier skips it

    return sorted(entry_points(group=GROUP), key=lambda ep: ep.name)


def available_kinds() -> list[str]:
    """The declared kinds, from metadata only (broken ones included)."""
    return sorted({ep.name for ep in _entry_points()})


def _load(ep: Any) -> Plugin:
    dist = ep.dist.name if ep.dist is not None else None
    try:
        obj = ep.load()
    except Exception as exc:  # a plugin's import error, whatever it is, must not stop the app
        return Plugin(ep.name, ep.value, dist, None, f"{type(exc).__name__}: {exc}")
    problem = declaration_problem(obj)
    if problem is None and obj.kind != ep.name:
        problem = f"declares kind {obj.kind!r} under the entry point {ep.name!r}"
    if problem is not None:
        return Plugin(ep.name, ep.value, dist, None, problem)
    return Plugin(ep.name, ep.value, dist, obj)


def plugins() -> list[Plugin]:
    """Every entry point of the group, loaded (first one of a name wins), sorted by kind."""
    seen: dict[str, Plugin] = {}
    for ep in _entry_points():
        if ep.name not in seen:
            seen[ep.name] = _load(ep)
    return [seen[k] for k in sorted(seen)]


def usable_kinds() -> list[str]:
    """The kinds that load: what a form or `supplier add` offers."""
    return [p.kind for p in plugins() if not p.broken]


def load_factory(kind: str) -> SupplierFactory:
    """The factory of `kind`; a ConfigError naming the installed kinds, or the plugin's error."""
    for ep in _entry_points():
        if ep.name == kind:
            plugin = _load(ep)
            if plugin.factory is None:
                raise ConfigError(Msg("err.supplier.broken_plugin", kind=repr(kind), error=plugin.error), field="kind")
            return plugin.factory
    raise ConfigError(Msg("err.supplier.unknown_kind", kind=repr(kind), installed=", ".join(available_kinds()) or Msg("word.none")))


def build_supplier(name: str, kind: str, options: Mapping[str, Any], secret: str | None, env: Mapping[str, str]) -> Any:
    """Build one configured supplier through its kind's factory."""
    return load_factory(kind).from_config(name=name, options=dict(options), secret=secret, env=dict(env))
