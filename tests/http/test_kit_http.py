"""The http adapter passes the reusable supplier kit against the reference server (a real process)."""

from __future__ import annotations

from plugin_kit import run_supplier_kit
from refkit import KEY_ID, SECRET


async def test_http_passes_the_kit_against_the_reference_server(ref):
    passed = await run_supplier_kit("http", {"base_url": ref.url, "key_id": KEY_ID}, SECRET, {}, product_id="HF-CM-10")
    assert "idempotent_create" in passed and "query_placed" in passed
