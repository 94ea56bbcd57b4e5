"""Find supplier plugins through the `kameng_tui.suppliers` entry-point group.

Built-ins (demo, http, fulu) register the same way, so the plugin path is always
the path in use. Names are listed from metadata without importing the plugins.
"""

from __future__ import annotations

from typing import Any, Callable, Mapping

from kameng_tui.domain.errors import ConfigError
from kameng_tui.messages import Msg

GROUP = "kameng_tui.suppliers"


def available_kinds() -> list[str]:
    from importlib.metadata import entry_points   # on use: a command that builds no supplier skips it

    return sorted({ep.name for ep in entry_points(group=GROUP)})


def load_factory(kind: str) -> Callable[..., Any]:
    from importlib.metadata import entry_points

    for ep in entry_points(group=GROUP):
        if ep.name == kind:
            return ep.load()
    raise ConfigError(Msg("err.supplier.unknown_kind", kind=repr(kind), installed=", ".join(available_kinds()) or Msg("word.none")))


def build_supplier(name: str, kind: str, options: Mapping[str, Any], secret: str | None, env: Mapping[str, str]) -> Any:
    """Build one configured supplier. Factories take (name, options, secret, env)."""
    factory: Any = load_factory(kind)     # a class with from_config, or a plain factory
    return factory.from_config(name=name, options=dict(options), secret=secret, env=dict(env))
