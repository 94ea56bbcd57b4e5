"""Every --json document matches tests/engine/cli_schema.json (docs/cli-json.md)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

SCHEMA = json.loads((Path(__file__).parent / "cli_schema.json").read_text(encoding="utf-8"))
PHONE = "13700137000"


def check(doc: dict, name: str) -> None:
    jsonschema.validate(doc, {**SCHEMA, "$ref": f"#/$defs/{name}"})


def test_documents_match_the_schema(cli, tmp_path):
    placed = cli("order", "demo:HF-CM-100", "--account", PHONE, "--yes", "--json", "--wait", "10")
    check(placed.json, "order_doc")
    order_no = placed.json["order"]["order_no"]
    check(cli("history", "--json").json, "order_list")
    check(cli("show", order_no, "--json").json, "show_doc")
    check(cli("ledger", "verify", "--json").json, "verify_doc")
    check(cli("reconcile", "--json").json, "reconcile_doc")
    check(cli("balance", "--json").json, "balance_list")
    batch = tmp_path / "b.csv"
    batch.write_text("sku,account\ndemo:HF-LT-50,13100131000\n", encoding="utf-8")
    check(cli("batch", "run", str(batch), "--yes", "--json").json, "batch_doc")
    check(cli("batch", "resume", "1", "--json").json, "batch_doc")          # nothing_to_resume


@pytest.mark.parametrize("args", [
    ("order", "demo:HF-CM-100", "--account", "123", "--yes", "--json"),
    ("show", "KM000000000000AAAA000000", "--json"),
    ("history", "--since", "last tuesday", "--json"),
    ("batch", "run", "/no/such/file.csv", "--yes", "--json"),
    ("order", "demo:HF-CM-100", "--account", PHONE, "--price", "90", "--yes", "--json"),     # price_below_cost
])
def test_errors_match_the_schema(cli, args):
    r = cli(*args)
    assert r.code == 2, r.stdout + r.stderr
    check(r.json, "error")


def test_bad_batch_lists_every_line(cli, tmp_path):
    batch = tmp_path / "bad.csv"
    batch.write_text("sku,account,quantity\ndemo:HF-CM-100,13800138000,1\ndemo:HF-CM-100,12,1\n"
                     "demo:NOPE,13800138001,1\ndemo:HF-CM-100,13800138002,zero\n", encoding="utf-8")
    r = cli("batch", "run", str(batch), "--yes", "--json")
    assert r.code == 2
    check(r.json, "error")
    assert sorted(x["line"] for x in r.json["error"]["lines"]) == [3, 4, 5]
    assert cli("history", "--json").json["total"] == 0


def test_guard_errors_carry_their_fields_in_the_schema(cli, tmp_path):
    """ref_conflict carries order_no, repeat_order previous, repeat_batch batch_id (issue 14)."""
    first = cli("order", "demo:HF-CM-100", "--account", PHONE, "--ref", "G-1", "--yes", "--json", "--wait", "10")
    order_no = first.json["order"]["order_no"]
    conflict = cli("order", "demo:HF-CM-100", "--account", "13700137001", "--ref", "G-1", "--yes", "--json")
    repeat = cli("order", "demo:HF-CM-100", "--account", PHONE, "--yes", "--json")
    batch = tmp_path / "b.csv"
    batch.write_text("sku,account\ndemo:HF-LT-50,13100131000\n", encoding="utf-8")
    ran = cli("batch", "run", str(batch), "--yes", "--json")
    twice = cli("batch", "run", str(batch), "--yes", "--json")
    for r, code, key, value in ((conflict, "ref_conflict", "order_no", order_no),
                                (repeat, "repeat_order", "previous", order_no),
                                (twice, "repeat_batch", "batch_id", ran.json["batch_id"])):
        assert r.code == 2, r.stdout + r.stderr
        check(r.json, "error")
        assert r.json["error"]["code"] == code and r.json["error"][key] == value, r.json
    strict = {**SCHEMA["$defs"]["error"]["properties"]["error"], "additionalProperties": False}
    for r in (conflict, repeat, twice):
        jsonschema.validate(r.json["error"], {**SCHEMA, **strict})
