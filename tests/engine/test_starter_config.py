"""Issue 15 point 8: a clearer default markup for configs written new, and no price
change for an existing one. The first start on a new home writes config.toml whose
default reads as one formula, "price = cost x 1.03, at most the face value"; a config
that does not say so (every config written before) keeps the older default, the face
value first, to the cent."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

SKU = "demo:GM-WZRY-648-D"          # a face value of 648 well above cost x 1.03: the two defaults differ
NOW = "2026-11-25T10:00:00+08:00"    # the demo's costs drift by the day (±2 %): on some days x 1.03 passes 648


def listed(cli) -> dict:
    r = cli("catalog", "--search", "wzry 648", "--json", extra_env={"KAMENG_TUI_NOW": NOW})
    assert r.code == 0, r.stderr
    return next(i for i in r.json["items"] if i["sku"] == SKU)


def cost_plus_3(item: dict) -> Decimal:
    return (Decimal(item["cost"]) * Decimal("1.03")).quantize(Decimal("0.01"), ROUND_HALF_UP)


def test_a_first_start_writes_a_config_whose_default_is_one_formula(cli, home):
    config = home / "config" / "config.toml"
    assert not config.exists()
    item = listed(cli)
    text = config.read_text(encoding="utf-8")
    assert "use_face_value = false" in text and "cap_at_face_value = true" in text
    assert Decimal(item["price"]) == cost_plus_3(item) < Decimal(item["face_value"])
    assert (config.stat().st_mode & 0o777) == 0o600
    assert listed(cli)["price"] == item["price"]          # written once; the next start reads it


def test_an_existing_config_keeps_exactly_its_prices_after_the_upgrade(cli, home):
    config = home / "config" / "config.toml"
    config.parent.mkdir(parents=True)
    old = '# my shop\n[general]\nlanguage = "zh"\n'
    config.write_text(old, encoding="utf-8")
    item = listed(cli)
    assert Decimal(item["price"]) == Decimal(item["face_value"]) == Decimal("648")   # the face value, as before
    assert config.read_text(encoding="utf-8") == old                               # not touched


def test_a_shop_that_never_wrote_a_config_keeps_its_prices(cli, home):
    config = home / "config" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text("", encoding="utf-8")
    listed(cli)                                      # the shop has a ledger now
    config.unlink()                                  # ...and runs on the defaults, with no file
    item = listed(cli)
    assert not config.exists()
    assert Decimal(item["price"]) == Decimal("648")
