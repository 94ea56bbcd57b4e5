"""The fulu adapter passes the reusable supplier kit against the fake gateway (a real HTTP server)."""

from __future__ import annotations

from fake_gateway import APP_KEY, SECRET, FakeFulu
from plugin_kit import run_supplier_kit


async def test_fulu_passes_the_kit_against_the_fake_gateway():
    with FakeFulu() as gateway:
        passed = await run_supplier_kit("fulu", {"app_key": APP_KEY, "base_url": gateway.url}, SECRET, {},
                                        product_id="10000587")
    assert "query_placed" in passed and "idempotent_create" not in passed
