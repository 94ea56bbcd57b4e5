"""Input means what it says on the command line (issue 14 point 7): a price below cost
needs --allow-loss (which --yes does not imply), amounts are read strictly, --ref /
--customer / --note have lengths and printable characters, --concurrency 1-32, and a
batch file's columns meet the same rules. Every refusal: exit 2, its field (and line),
nothing recorded. A real CLI subprocess per command."""

from __future__ import annotations

from decimal import Decimal

import pytest

PHONE = "13800138000"
SKU = "demo:HF-CM-100"          # 移动 100 元, cost 98.50-99.60


def recorded(cli) -> int:
    return cli("history", "--json").json["total"]


def refused(r, field: str, code: str = "bad_input") -> dict:
    assert r.code == 2, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    err = r.json["error"]
    assert (err["code"], err["field"]) == (code, field), err
    return err


def test_price_below_cost_is_refused_even_with_yes(cli):
    err = refused(cli("order", SKU, "--account", PHONE, "--price", "90", "--yes", "--json"), "price", "price_below_cost")
    assert "--allow-loss" in err["message"] or "allow-loss" in err["message"]
    r = cli("--lang", "en", "order", SKU, "--account", PHONE, "--price", "90", "--yes", "--json")
    assert "90.00" in r.json["error"]["message"] and "below the cost" in r.json["error"]["message"]
    assert recorded(cli) == 0


def test_price_below_cost_with_allow_loss_is_placed(cli):
    r = cli("order", SKU, "--account", PHONE, "--price", "90", "--allow-loss", "--yes", "--json", "--wait", "10")
    assert r.code == 0, r.stdout + r.stderr
    order = r.json["order"]
    assert Decimal(order["unit_price"]) == Decimal("90") and Decimal(order["profit"]) < 0
    assert recorded(cli) == 1


def test_a_price_above_cost_needs_nothing_more(cli):
    r = cli("order", SKU, "--account", PHONE, "--price", "１００.５", "--yes", "--json", "--wait", "10")
    assert r.code == 0, r.stdout + r.stderr
    assert Decimal(r.json["order"]["unit_price"]) == Decimal("100.5")


@pytest.mark.parametrize("price", ["10,00", "1e3", "-1", "10.12345", "nan"])
def test_a_price_that_is_no_amount_is_refused(cli, price):
    err = refused(cli("--lang", "en", "order", SKU, "--account", PHONE, "--price", price, "--yes", "--json"), "price")
    if price == "10,00":
        assert "use a dot for decimals" in err["message"]
    assert recorded(cli) == 0


@pytest.mark.parametrize("option,value", [
    ("--ref", "R" * 65),
    ("--customer", "张" * 65),
    ("--note", "n" * 501),
    ("--note", "ok\u200bhidden"),            # Cf: zero-width space
    ("--ref", "SHOP\u202e77"),               # Cf: right-to-left override
    ("--customer", "bell\x07"),              # Cc
])
def test_ref_customer_note_lengths_and_printable(cli, option, value):
    err = refused(cli("--lang", "en", "order", SKU, "--account", PHONE, option, value, "--yes", "--json"),
                  option.removeprefix("--"))
    assert option in err["message"]
    assert recorded(cli) == 0


def test_ref_customer_note_at_their_limits_are_kept(cli):
    r = cli("order", SKU, "--account", PHONE, "--ref", "R" * 64, "--customer", "张" * 64, "--note", "备" * 500,
            "--yes", "--json", "--wait", "10")
    assert r.code == 0, r.stdout + r.stderr
    o = r.json["order"]
    assert (o["ref"], o["customer"], o["note"]) == ("R" * 64, "张" * 64, "备" * 500)


@pytest.mark.parametrize("n", ["0", "33", "-1"])
def test_concurrency_is_1_to_32(cli, tmp_path, n):
    f = tmp_path / "b.txt"
    f.write_text(f"{SKU} {PHONE}\n", encoding="utf-8")
    refused(cli("batch", "run", str(f), "--yes", "--concurrency", n, "--json"), "concurrency")
    refused(cli("batch", "resume", "1", "--yes", "--concurrency", n, "--json"), "concurrency")
    assert recorded(cli) == 0


def test_batch_columns_meet_the_same_rules(cli, tmp_path):
    f = tmp_path / "b.csv"
    f.write_text("sku,account,ref,customer,note,price\n"
                 f"{SKU},{PHONE},{'R' * 65},,,\n"
                 f"{SKU},13800138001,,{'c' * 65},,\n"
                 f"{SKU},13800138002,,,{'n' * 501},\n"
                 f"{SKU},13800138003,,,\"a\u200bb\",\n"
                 f"{SKU},13800138004,,,,\"10,00\"\n", encoding="utf-8")
    r = cli("--lang", "en", "batch", "run", str(f), "--yes", "--json")
    assert r.code == 2, r.stdout + r.stderr
    lines = {(x["line"], x["field"]) for x in r.json["error"]["lines"]}
    assert lines == {(2, "ref"), (3, "customer"), (4, "note"), (5, "note"), (6, "price")}
    assert recorded(cli) == 0


def test_batch_price_below_cost_needs_its_allow_loss_column(cli, tmp_path):
    f = tmp_path / "b.csv"
    f.write_text(f"sku,account,price\n{SKU},{PHONE},90\n", encoding="utf-8")
    r = cli("batch", "run", str(f), "--yes", "--json")
    assert r.code == 2, r.stdout + r.stderr
    [line] = r.json["error"]["lines"]
    assert (line["line"], line["field"], line["code"]) == (2, "price", "price_below_cost")
    assert recorded(cli) == 0
    f.write_text(f"sku,account,price,allow_loss\n{SKU},{PHONE},90,yes\n", encoding="utf-8")
    r = cli("batch", "run", str(f), "--yes", "--json")
    assert r.code in (0, 3), r.stdout + r.stderr          # sent; a batch does not wait for the outcome
    assert [Decimal(o["unit_price"]) for o in r.json["items"]] == [Decimal("90")]
    assert recorded(cli) == 1


def test_batch_allow_loss_is_a_yes_or_no(cli, tmp_path):
    f = tmp_path / "b.txt"
    f.write_text(f"{SKU} {PHONE} price=90 allow_loss=maybe\n", encoding="utf-8")
    r = cli("batch", "run", str(f), "--yes", "--json")
    assert r.code == 2
    assert [(x["line"], x["field"]) for x in r.json["error"]["lines"]] == [(1, "allow_loss")]
    assert recorded(cli) == 0
