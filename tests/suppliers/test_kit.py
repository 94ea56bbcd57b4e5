"""The reusable supplier kit (kameng_tui/testing/supplier_kit.py) passes for the built-ins,
each against a real upstream: demo on its SQLite state here, http against the reference
server as a process (tests/http/test_kit_http.py), fulu against the fake gateway
(tests/fulu/test_kit_fulu.py); and it catches a supplier that forgets its orders."""

from __future__ import annotations

import pytest

from kameng_tui.suppliers.base import OrderResult, RemoteState
from kameng_tui.suppliers.registry import load_factory
from kameng_tui.testing.supplier_kit import KitCase, KitFailure, run_kit
from plugin_kit import KIT_ACCOUNT, run_supplier_kit

async def test_demo_passes_the_kit(tmp_path):
    passed = await run_supplier_kit("demo", {"state_path": str(tmp_path / "demo.db")}, None, {"KAMENG_TUI_DEMO_LATENCY_MS": "0"})
    assert "idempotent_create" in passed and "query_placed" in passed


async def test_the_kit_catches_a_supplier_that_forgets_its_orders(tmp_path):
    factory = load_factory("demo")
    supplier = factory.from_config(name="demo", options={"state_path": str(tmp_path / "d.db")}, secret=None, env={})

    async def forgetful(client_order_no: str) -> OrderResult:
        return OrderResult(client_order_no, RemoteState.NOT_FOUND)

    supplier.query_order = forgetful
    with pytest.raises(KitFailure) as caught:
        await run_kit(KitCase(factory, supplier, KIT_ACCOUNT))
    assert caught.value.check == "query_placed"
