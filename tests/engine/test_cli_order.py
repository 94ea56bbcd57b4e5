"""The order CLI as a user runs it: a real subprocess per command."""

from __future__ import annotations

import pytest

PHONE = "13800138000"


@pytest.fixture
def sku(cli):
    """A 话费 SKU from the demo (移动 100 元)."""
    return "demo:HF-CM-100"


def test_order_json_envelope_and_exit_code(cli, sku):
    r = cli("order", sku, "--account", PHONE, "--yes", "--wait", "10", "--json")
    assert r.code == 0, r.stderr
    doc = r.json
    assert doc["version"] == 1
    order = doc["order"]
    assert order["state"] == "succeeded"
    assert order["order_no"].startswith("KM") and len(order["order_no"]) == 24
    assert order["charged"] == order["total_cost"]
    assert "Traceback" not in r.stderr


def test_spending_without_terminal_needs_yes(cli, sku):
    r = cli("order", sku, "--account", PHONE, "--json")
    assert r.code == 2
    assert r.json["error"]["field"] == "yes"
    assert cli("history", "--json").json["total"] == 0


def test_bad_phone_exit_2_nothing_recorded(cli, sku):
    r = cli("order", sku, "--account", "1380013800", "--yes", "--json")
    assert r.code == 2, r.stdout + r.stderr
    err = r.json["error"]
    assert err["field"] == "account" and err["message"]
    assert cli("history", "--json").json["total"] == 0


def test_ref_makes_scripts_idempotent(cli, sku):
    first = cli("order", sku, "--account", PHONE, "--ref", "SHOP-77", "--yes", "--json", "--wait", "10")
    second = cli("order", sku, "--account", PHONE, "--ref", "SHOP-77", "--yes", "--json", "--again")
    assert first.code == 0 and second.code == 0
    assert second.json["existed"] is True
    assert second.json["order"]["order_no"] == first.json["order"]["order_no"]
    assert cli("history", "--json").json["total"] == 1


def test_history_show_verify_and_balance(cli, sku):
    placed = cli("order", sku, "--account", PHONE, "--yes", "--json", "--wait", "10").json["order"]
    hist = cli("history", "--since", "today", "--json").json
    assert [o["order_no"] for o in hist["items"]] == [placed["order_no"]]
    shown = cli("show", placed["order_no"], "--json").json
    assert shown["order"]["state"] == "succeeded" and shown["events"][0]["kind"] == "created"
    assert cli("ledger", "verify").code == 0
    bal = cli("balance", "--json").json["items"][0]
    assert bal["supplier"] == "demo"
    from decimal import Decimal

    assert Decimal(bal["balance"]) == Decimal("5000.00") - Decimal(placed["charged"])


def test_usage_error_is_exit_2_with_envelope(cli):
    r = cli("history", "--status", "nonsense", "--json")
    assert r.code == 2 and r.json["error"]["field"] == "status"
    r = cli("order", "--json")
    assert r.code == 2 and r.json["error"]["code"] == "usage"


def test_broken_config_is_a_message_with_the_line(cli, home):
    cfg = home / "config" / "config.toml"
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text("[checkout]\nmax_price_rise = \n", encoding="utf-8")
    r = cli("history")
    assert r.code == 2
    assert "Traceback" not in r.stderr and "2" in r.stderr
