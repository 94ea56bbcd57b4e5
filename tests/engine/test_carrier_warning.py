"""A 话费 number whose prefix belongs to another carrier than the product's: a warning
(携号转网 moves numbers between carriers), never a refusal; `--yes` stands."""

from __future__ import annotations

import json

LINES = "sku,account,quantity\ndemo:HF-CM-50,13800138000,1\ndemo:HF-CM-50,13100131000,1\n"


def test_a_single_order_prints_the_warning_and_is_placed(cli):
    r = cli("order", "demo:HF-CM-50", "--account", "13100131000", "--yes", "--wait", "10",
            extra_env={"COLUMNS": "200"})
    assert r.code == 0, r.stderr
    assert "号段属于联通" in r.stdout and "移动" in r.stdout


def test_batch_run_names_each_line_of_another_carrier_and_runs_with_yes(cli, tmp_path):
    f = tmp_path / "lines.csv"
    f.write_text(LINES, encoding="utf-8")
    r = cli("batch", "run", str(f), "--yes", extra_env={"COLUMNS": "200"})
    assert r.code in (0, 3), r.stdout + r.stderr              # ordered (the demo may still be processing)
    said = r.stdout + r.stderr
    assert said.count("号段属于联通") == 1 and "13100131000" in said
    assert "13800138000 号段" not in said


def test_batch_run_json_lists_the_warnings_by_line(cli, tmp_path):
    f = tmp_path / "lines.csv"
    f.write_text(LINES, encoding="utf-8")
    r = cli("--lang", "en", "batch", "run", str(f), "--yes", "--json")
    assert r.code in (0, 3), r.stderr
    doc = json.loads(r.stdout)
    assert [(w["line"], w["field"], w["code"]) for w in doc["warnings"]] == [(3, "account", "carrier_mismatch")]
    assert "China Unicom" in doc["warnings"][0]["message"]
    assert sum(doc["counts"].values()) == 2 and doc["total"] == 2
