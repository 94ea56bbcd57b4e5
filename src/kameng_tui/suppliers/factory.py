"""What a supplier plugin declares, and the optional features a supplier may have.

A plugin is an entry point in the `kameng_tui.suppliers` group whose object is a
`SupplierFactory`: its kind, a title people read, the config fields it needs (from
which `supplier add`'s flags and the settings form are rendered), its usual
capabilities, and `from_config`, which builds one configured supplier. The built-ins
(demo, http, fulu) are their own classes with these as class attributes.

Features not every upstream has are separate runtime-checkable protocols, asked
with `isinstance`, so the services name what they rely on instead of probing
attributes by string: a supplier that counts refusals of our key (`HasRefusals`),
one that lists its orders for `reconcile --diff` (`ListsOrders`), one that parses
webhook callbacks (`ParsesCallbacks`), one that names the refusals of a create call
after which it holds no order (`DeclaresNothingCreated`, what failover relies on).
"""

from __future__ import annotations

import re
from typing import Any, Mapping, Protocol, runtime_checkable

from kameng_tui.messages import Localized
from kameng_tui.suppliers.base import Capabilities, ConfigField, OrderResult, Supplier

FIELD_KEY = re.compile(r"^[a-z][a-z0-9_]{0,31}$")
RESERVED_FLAGS = frozenset({
    "--json", "--yes", "--lang", "--version", "--help", "--name", "--kind", "--option",
    "--secret-stdin", "--disable-demo", "--keep-demo",
})
"""Flags `kameng-tui` and `supplier add` already own: a plugin field rendered as one of
these would shadow it, so such a plugin is listed as broken instead of loaded."""


@runtime_checkable
class SupplierFactory(Protocol):
    """The object an entry point names. Read without building a supplier."""

    kind: str
    title: Localized | str
    config_fields: tuple[ConfigField, ...]
    capabilities: Capabilities

    def from_config(self, name: str, options: Mapping[str, Any], secret: str | None,
                    env: Mapping[str, str]) -> Supplier:
        """One configured supplier; a ConfigError (naming its field) when the options are wrong."""
        ...


@runtime_checkable
class HasRefusals(Protocol):
    """Counts (never resets) the upstream's refusals of our key id, secret or clock; a
    batch sends no further line to a supplier whose count went up (services/batch.py)."""

    refusals: int
    last_refusal: Localized | None


@runtime_checkable
class DeclaresNothingCreated(Protocol):
    """Names the refusals of a create call after which the upstream holds no order and
    never will: the product was unavailable (off shelf, out of stock), our balance there
    short, its price above our cap. Only after such a refusal (or a signed `failed` with
    nothing charged, confirmed by a query) does an order fail over to the next offer
    (services/failover.py). `code` is the shared error code recorded in the order's
    reason, `upstream_code` the upstream's own code when the adapter kept one (Fulu's
    3001-3005, 3008). A supplier without this declaration never fails over."""

    def created_nothing(self, code: str, upstream_code: str | None) -> bool: ...


@runtime_checkable
class ListsOrders(Protocol):
    """Lists the upstream's orders page by page, for `reconcile --diff` and after a restore."""

    async def list_orders(self, *, created_from: float = 0,
                          after: str | None = None) -> tuple[list[OrderResult], str | None]: ...


@runtime_checkable
class ParsesCallbacks(Protocol):
    """Checks and reads a webhook callback: a result, None for a ping, or a KamengError."""

    def parse_callback(self, headers: Mapping[str, str], raw_body: bytes) -> OrderResult | None: ...


def flag_of(field: ConfigField) -> str:
    """The `supplier add` flag of a declared field: `base_url` -> `--base-url`."""
    return "--" + field.key.replace("_", "-")


def flag_fields(factory: SupplierFactory) -> tuple[ConfigField, ...]:
    """The declared fields given as flags: all but the secret, which is read from
    stdin or a prompt so it never sits in a shell's history."""
    return tuple(f for f in factory.config_fields if not f.secret)


def declaration_problem(obj: object) -> str | None:
    """Why `obj` cannot be used as a supplier factory, in plain words; None if it can."""
    if not isinstance(obj, SupplierFactory):
        missing = [m for m in ("kind", "title", "config_fields", "capabilities", "from_config") if not hasattr(obj, m)]
        return "not a supplier factory (missing: " + ", ".join(missing) + ")"
    if not isinstance(obj.config_fields, tuple) or not all(isinstance(f, ConfigField) for f in obj.config_fields):
        return "config_fields is not a tuple of ConfigField"
    if not isinstance(obj.capabilities, Capabilities):
        return "capabilities is not a Capabilities"
    seen: set[str] = set()
    for f in obj.config_fields:
        if not FIELD_KEY.match(f.key):
            return f"config field {f.key!r} is not a lower-case name"
        if f.key in seen:
            return f"config field {f.key!r} is declared twice"
        seen.add(f.key)
        if not f.secret and flag_of(f) in RESERVED_FLAGS:
            return f"config field {f.key!r} clashes with the built-in flag {flag_of(f)}"
    return None
