"""`kameng-tui export` (issue 15, points 7 and 9): the format comes from -o's extension
(an unknown one: exit 2 listing the formats, nothing written); the file holds only
orders, with stable English column keys and state codes unless `--lang` asks for a
language; the ledger anchor goes beside them: `<file>.anchor.json` for CSV, a sheet of
its own in xlsx, a field in JSON."""

from __future__ import annotations

import csv
import hashlib
import io
import json

from openpyxl import load_workbook

from test_reports import order


def anchor_now(cli) -> dict:
    return cli("ledger", "verify", "--json").json


def read_csv(path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_bytes().decode("utf-8-sig"))))


def test_format_from_the_extension_and_anchor_beside_the_csv(cli, tmp_path):
    order(cli, "demo:HF-CM-10", "13800000005")
    order(cli, "demo:HF-LT-20", "13100000006")
    out = tmp_path / "x.csv"
    doc = cli("export", "-o", str(out), "--json").json
    assert doc["format"] == "csv" and doc["rows"] == 2
    rows = read_csv(out)
    assert rows[0][:3] == ["order_no", "created_at", "state"]           # stable keys, whatever the language
    assert len(rows) == 3 and not any(r[0].startswith("#") for r in rows)
    assert {r[2] for r in rows[1:]} == {"succeeded"}
    sidecar = json.loads((tmp_path / "x.csv.anchor.json").read_text(encoding="utf-8"))
    assert sidecar["rows"] == 2 and sidecar["file"] == "x.csv"
    assert sidecar["sha256"] == hashlib.sha256(out.read_bytes()).hexdigest()
    assert sidecar["anchor"] == anchor_now(cli)["anchor"] and sidecar["anchor"]["seq"] > 0
    assert doc["anchor"] == str(tmp_path / "x.csv.anchor.json")


def test_xlsx_has_an_anchor_sheet_and_json_an_anchor_field(cli, tmp_path):
    order(cli, "demo:HF-CM-10", "13800000005")
    xl = tmp_path / "x.XLSX"
    assert cli("export", "-o", str(xl)).code == 0
    wb = load_workbook(xl)
    assert wb.sheetnames == ["orders", "anchor"]
    orders = list(wb["orders"].iter_rows(values_only=True))
    assert len(orders) == 2 and orders[1][2] == "succeeded"
    anchor = list(wb["anchor"].iter_rows(values_only=True))
    assert anchor[0] == ("ledger_id", "seq", "hash") and anchor[1][1] > 0
    js = tmp_path / "x.json"
    assert cli("export", "-o", str(js)).code == 0
    doc = json.loads(js.read_text(encoding="utf-8"))
    assert doc["total"] == 1 and doc["anchor"]["seq"] == anchor[1][1] and doc["anchor"]["hash"] == anchor[1][2]
    assert not (tmp_path / "x.json.anchor.json").exists() and not (tmp_path / "x.XLSX.anchor.json").exists()


def test_unknown_extension_exit_2_listing_the_formats(cli, tmp_path):
    order(cli, "demo:HF-CM-10", "13800000005")
    tmp_path = tmp_path / "out"
    tmp_path.mkdir()
    r = cli("export", "-o", str(tmp_path / "x.txt"), "--json")
    assert r.code == 2, r.stdout + r.stderr
    assert r.json["error"]["field"] == "output"
    assert all(f in r.json["error"]["message"] for f in ("csv", "xlsx", "json"))
    r = cli("--lang", "en", "export", "-o", str(tmp_path / "noext"))
    assert r.code == 2 and "csv, xlsx, json" in r.stderr + r.stdout and "Traceback" not in r.stderr
    assert list(tmp_path.iterdir()) == []
    assert cli("export", "--format", "csv", "-o", str(tmp_path / "x.txt")).code == 0   # an explicit format wins


def test_lang_zh_writes_headers_and_states_for_people(cli, tmp_path):
    order(cli, "demo:HF-CM-10", "13800000005")
    zh = tmp_path / "zh.csv"
    assert cli("export", "-o", str(zh), "--lang", "zh").code == 0
    rows = read_csv(zh)
    assert rows[0][:3] == ["订单号", "下单时间", "状态"] and rows[1][2] == "成功"
    before = tmp_path / "before.xlsx"
    assert cli("--lang", "zh", "export", "-o", str(before)).code == 0
    wb = load_workbook(before)
    assert wb.sheetnames == ["订单", "账本锚点"] and wb["订单"].cell(row=2, column=3).value == "成功"
    en = tmp_path / "en.csv"
    assert cli("--lang", "en", "export", "-o", str(en)).code == 0
    assert read_csv(en)[0][:3] == ["Order no.", "Created at", "State"]


def test_json_to_stdout_and_csv_refused_there(cli):
    """`-o /dev/stdout` is written straight to (never renamed over: that would replace the
    device); a CSV there is refused, its anchor having nowhere beside it to go."""
    order(cli, "demo:HF-CM-10", "13800000005")
    r = cli("export", "--format", "json", "-o", "/dev/stdout")
    assert r.code == 0, r.stderr
    assert json.loads(r.stdout[:r.stdout.rindex("}") + 1])["total"] == 1
    r = cli("export", "--format", "csv", "-o", "/dev/stdout", "--json")
    assert r.code == 2 and r.json["error"]["field"] == "output" and "anchor.json" in r.json["error"]["message"]
