"""Offer matching across real suppliers (issue 18): the embedded demo and two reference
servers as real processes, one publishing the same goods reworded under other product
ids (with near goods that are NOT the same: 慢充, 省内, 连续包月, a zone), the other names
only, as Fulu's goods list. After one sync the CLI shows the true merges merged and
every trap apart, and lists what the rule was unsure of."""

from __future__ import annotations

import pytest

from kit import base_env, run_cli
from refkit import KEY_ID, SECRET, start_server

SIZE = "400"


@pytest.fixture
def three(tmp_path, home):
    servers = [start_server(tmp_path / style, "--catalog-size", SIZE, "--catalog-style", style)
               for style in ("reworded", "names")]
    cfg = home / "config" / "config.toml"
    cfg.parent.mkdir(parents=True, exist_ok=True)
    lines = ['[[suppliers]]', 'name = "demo"', 'kind = "demo"', ""]
    for name, server in zip(("refa", "refb"), servers):
        lines += ["[[suppliers]]", f'name = "{name}"', 'kind = "http"', f'base_url = "{server.url}"',
                  f'key_id = "{KEY_ID}"', ""]
    cfg.write_text("\n".join(lines), encoding="utf-8")
    env = base_env(home, KAMENG_TUI_SECRET_REFA=SECRET, KAMENG_TUI_SECRET_REFB=SECRET, KAMENG_TUI_DEMO_SIZE=SIZE)
    synced = run_cli(env, "catalog", "sync", "--json")
    assert synced.code == 0, synced.stdout + synced.stderr
    yield env
    for server in servers:
        server.stop()


def products(env) -> dict[str, dict]:
    out: dict[str, dict] = {}
    cursor: list[str] = []
    while True:
        doc = run_cli(env, "catalog", "--by-product", "--json", "--limit", "1000", *cursor).json
        out.update((i["product_id"], i) for i in doc["items"])
        if not doc["next_cursor"]:
            return out
        cursor = ["--cursor", doc["next_cursor"]]


def test_the_same_goods_from_three_suppliers_are_one_product_and_every_trap_stays_apart(three):
    got = products(three)
    merged = {pid: sorted(s.split(":")[0] for s in p["skus"]) for pid, p in got.items() if p["offers"] > 1}
    for pid in ("WZRY-60-ZC", "WZRY-6-ZC", "HPJY-68-ZC", "YS-328-ZC", "QQB-10-ZC", "QQB-10-KM", "HF-CM-100-ZC",
                "HF-DX-50-ZC", "STEAM-100-KM", "TXSP-SVIP-M-ZC", "TXSP-VIP-Y-KM", "IQY-XZ-Q-ZC", "YOUKU-SVIP-M-ZC",
                "BILI-PLUS-Y-ZC", "BILI-PT-M-ZC", "MGTV-QP-M-ZC", "JW3-15-ZC"):
        assert merged.get(pid) == ["demo", "refa", "refb"], (pid, got.get(pid))
    assert all(len(set(s)) == len(s) for s in merged.values())      # never two offers of one supplier
    assert len(merged) == 166                                        # every virtual good of the 400
    for trap in ("HF-CM-100-ZC-MC", "HF-CM-GD-50-ZC", "TXSP-VIP-AM-ZC", "WZRY-60-IQ-ZC"):
        assert got[trap]["offers"] == 1 and got[trap]["skus"][0].startswith("refa:"), trap
    listed = run_cli(three, "catalog", "--json", "--search", "移动 100", "--limit", "100")
    assert listed.code == 0, listed.stdout + listed.stderr
    cheapest = got["HF-CM-100-ZC"]
    assert cheapest["best_cost"] == min((i["cost"] for i in run_cli(three, "catalog", "--json", "--search", "移动 100",
                                                                     "--limit", "100").json["items"]
                                         if i["product_id"] == "HF-CM-100-ZC"), key=float)


def test_catalog_match_lists_the_listings_the_rule_was_unsure_of_with_why(three):
    doc = run_cli(three, "catalog", "match", "--json").json
    unsure = {i["sku"]: i for i in doc["items"]}
    assert set(unsure) == {"refa:T-YS-PASS", "refb:mobile-100"}
    assert "空月祝福" in unsure["refa:T-YS-PASS"]["why"]
    en = run_cli(three, "--lang", "en", "catalog", "match")
    assert "refb:mobile-100" in en.stdout and "without a carrier" in en.stdout
    explain = run_cli(three, "catalog", "match", "--explain", "refa:T-SLOW-100")
    assert "慢充" in explain.stdout and "@HF-CM-100-ZC-MC" in explain.stdout
    refused = run_cli(three, "match", "link", "refa:T-SLOW-100", "demo:HF-CM-100", "--json")
    assert refused.code == 2 and refused.json["error"]["field"] == "speed"
    fixed = run_cli(three, "match", "link", "refa:T-YS-PASS", "refb:10000001")     # any product: the person decides
    assert fixed.code == 2 and "品牌" in fixed.stderr                                # ...but not across a brand
