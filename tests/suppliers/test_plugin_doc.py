"""docs/plugins.md's third-party supplier runs as written: its files are taken from the
page, installed as a real distribution (a .dist-info on PYTHONPATH), and a reseller
lists it, adds it with the flags its fields declare, tests it and orders from it."""

from __future__ import annotations

from pathlib import Path

import pytest

from kit import base_env, run_cli
from plugin_kit import install_doc_plugin

@pytest.fixture
def shop_env(tmp_path: Path) -> tuple[dict[str, str], Path]:
    files = install_doc_plugin(tmp_path / "site")
    prices = tmp_path / "prices.json"
    prices.write_text(files["prices.json"], encoding="utf-8")
    return base_env(tmp_path / "home", PYTHONPATH=str(tmp_path / "site")), prices


def test_the_documented_plugin_is_listed_added_tested_and_sells(shop_env):
    env, prices = shop_env
    kinds = run_cli(env, "--lang", "en", "supplier", "kinds")
    assert kinds.code == 0 and "pricelist  Price list (JSON file)  --catalog-file --credit" in kinds.stdout, kinds.stdout
    missing = run_cli(env, "--lang", "en", "supplier", "add", "shop", "--kind", "pricelist", "--json")
    assert missing.code == 2 and "--catalog-file" in missing.json["error"]["message"], missing.stdout
    added = run_cli(env, "supplier", "add", "shop", "--kind", "pricelist", "--catalog-file", str(prices),
                    "--credit", "100", "--keep-demo", "--json")
    assert added.code == 0 and added.json["secret_stored"] is False, added.stdout + added.stderr
    listed = run_cli(env, "supplier", "list", "--json")
    shop = next(i for i in listed.json["items"] if i["name"] == "shop")
    assert shop["kind"] == "pricelist" and shop["options"] == {"catalog_file": str(prices), "credit": "100"}
    test = run_cli(env, "supplier", "test", "shop", "--json")
    assert test.code == 0 and test.json["items"][0]["reachable"], test.stdout + test.stderr
    order = run_cli(env, "order", "shop:CM-10", "--account", "13800138000", "--yes", "--json", "--wait", "5")
    assert order.code == 0, order.stdout + order.stderr
    assert order.json["order"]["state"] == "succeeded"


async def test_the_documented_plugin_passes_the_kit(tmp_path, monkeypatch):
    from kameng_tui.testing.supplier_kit import KitCase, run_kit

    files = install_doc_plugin(tmp_path / "site")
    (tmp_path / "prices.json").write_text(files["prices.json"], encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    from kameng_pricelist import PriceListSupplier

    sup = PriceListSupplier.from_config("shop", {"catalog_file": str(tmp_path / "prices.json")}, None, {})
    passed = await run_kit(KitCase(PriceListSupplier, sup, {"account": "13800138000"}))
    assert "idempotent_create" in passed
