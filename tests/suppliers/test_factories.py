"""Supplier plugins are declarative: each entry point names a SupplierFactory (kind, title,
config fields, capabilities, from_config), and the optional features are runtime-checkable
protocols the services ask with isinstance, not attribute probes by string."""

from __future__ import annotations

import re
from pathlib import Path

from kameng_tui.suppliers.base import Capabilities, ConfigField
from kameng_tui.suppliers.factory import HasRefusals, ListsOrders, ParsesCallbacks, SupplierFactory
from kameng_tui.suppliers.registry import load_factory, plugins

SRC = Path(__file__).resolve().parents[2] / "src" / "kameng_tui"


def test_the_built_ins_are_factories_through_the_entry_point_group():
    found = {p.kind: p for p in plugins()}
    assert {"demo", "http", "fulu"} <= set(found)
    for kind in ("demo", "http", "fulu"):
        factory = found[kind].factory
        assert factory is not None and found[kind].error is None
        assert isinstance(factory, SupplierFactory) and factory.kind == kind
        assert isinstance(factory.capabilities, Capabilities)
        assert all(isinstance(f, ConfigField) for f in factory.config_fields)
    assert [f.key for f in load_factory("http").config_fields] == ["base_url", "key_id", "secret"]
    assert [f.key for f in load_factory("fulu").config_fields] == ["base_url", "app_key", "secret"]
    assert load_factory("demo").config_fields == ()


def test_a_built_supplier_describes_what_its_factory_declares():
    http = load_factory("http").from_config(name="ref", options={"base_url": "http://127.0.0.1:9", "key_id": "k"},
                                            secret="s", env={})
    info = http.describe()
    assert info.config_fields == load_factory("http").config_fields
    assert info.capabilities.idempotent_create is True and info.capabilities.max_quantity == 50


def test_optional_features_are_protocols():
    http = load_factory("http").from_config(name="ref", options={"base_url": "http://127.0.0.1:9", "key_id": "k"},
                                            secret="s", env={})
    demo = load_factory("demo").from_config(name="demo", options={}, secret=None, env={})
    assert isinstance(http, HasRefusals) and isinstance(http, ListsOrders) and isinstance(http, ParsesCallbacks)
    assert not isinstance(demo, HasRefusals) and not isinstance(demo, ListsOrders) and not isinstance(demo, ParsesCallbacks)


FEATURES = ("refusals", "last_refusal", "list_orders", "parse_callback")


def test_no_service_or_supplier_probes_a_supplier_with_getattr():
    """`getattr(supplier, "list_orders", None)` hides from mypy and from readers what a
    service relies on; every optional feature is an isinstance check on its protocol."""
    found = []
    for path in [*(SRC / "services").rglob("*.py"), *(SRC / "suppliers").rglob("*.py")]:
        for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"\b(getattr|hasattr)\(", line) and (
                    re.search(r"(getattr|hasattr)\([^,]*suppl", line) or any(f'"{f}"' in line for f in FEATURES)):
                found.append(f"{path.relative_to(SRC)}:{no}: {line.strip()}")
    assert found == []
