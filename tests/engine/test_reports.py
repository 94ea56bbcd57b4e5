"""report, refund, claims, suggest, export — through the CLI, on real files."""

from __future__ import annotations

import csv
import io
import json
import os
import stat
from decimal import Decimal

from openpyxl import load_workbook


def order(cli, sku, account, *extra, env=None):
    r = cli("order", sku, "--account", account, "--yes", "--json", "--again", "--wait", "10", *extra, extra_env=env)
    assert r.code in (0, 3), r.stdout + r.stderr
    return r.json["order"]


def test_report_totals_and_refund(cli):
    a = order(cli, "demo:HF-CM-10", "13800000001", "--customer", "张三")
    b = order(cli, "demo:HF-LT-20", "13100000002", "--customer", "李四")
    doc = cli("report", "--by", "customer", "--json").json
    assert doc["totals"]["orders"] == 2
    assert Decimal(doc["totals"]["profit"]) == Decimal(a["profit"]) + Decimal(b["profit"])
    assert {g["key"] for g in doc["groups"]} == {"张三", "李四"}
    assert cli("report", "--by", "day", "--json").json["groups"][0]["orders"] == 2
    refunded = cli("refund", a["order_no"], "--amount", "3", "--reason", "客户投诉", "--json").json["order"]
    assert Decimal(refunded["revenue"]) == Decimal(a["total_price"]) - 3
    assert cli("refund", a["order_no"], "--amount", "999", "--reason", "x").code == 2
    assert cli("ledger", "verify").code == 0


def test_claims_list_unknown_orders_past_grace_with_evidence(cli):
    r = cli("order", "demo:HF-CM-10", "--account", "13800000003", "--yes", "--json", "--wait", "0",
            extra_env={"KAMENG_TUI_DEMO_UNKNOWN_RATE": "1"})
    assert r.code == 3 and r.json["order"]["state"] == "unknown"
    assert cli("claims", "--json").json["items"] == []          # still within the grace time
    later = cli("claims", "--json", extra_env={"KAMENG_TUI_NOW": "2099-01-01T00:00:00+08:00"}).json["items"]
    assert [c["kind"] for c in later] == ["unknown_past_grace"]
    assert [e["kind"] for e in later[0]["events"]][:2] == ["created", "submitted"]


def test_suggest_renewals_and_frequent(cli):
    month = order(cli, "demo:VM-TX-M-0-D", "13800000004", env={"KAMENG_TUI_NOW": "2026-11-01T10:00:00+08:00"})
    assert month["state"] in ("succeeded", "processing")
    cli("reconcile", extra_env={"KAMENG_TUI_NOW": "2026-11-01T10:05:00+08:00"})
    for i in range(3):
        order(cli, "demo:HF-DX-30", f"1330000000{i}", env={"KAMENG_TUI_NOW": "2026-11-01T11:00:00+08:00"})
    early = cli("suggest", "--json", extra_env={"KAMENG_TUI_NOW": "2026-11-10T10:00:00+08:00"}).json
    assert early["renewals"] == []
    due = cli("suggest", "--json", extra_env={"KAMENG_TUI_NOW": "2026-11-26T10:00:00+08:00"}).json
    assert [r["account"] for r in due["renewals"]] == ["13800000004"] and not due["renewals"][0]["overdue"]
    assert due["frequent"][0]["sku"] == "demo:HF-DX-30" and due["frequent"][0]["times"] == 3
    late = cli("suggest", "--json", extra_env={"KAMENG_TUI_NOW": "2026-12-05T10:00:00+08:00"}).json
    assert late["renewals"][0]["overdue"]


def test_export_exactly_the_filtered_set(cli, tmp_path):
    order(cli, "demo:HF-CM-10", "13800000005", "--customer", "=HYPERLINK(\"x\")")
    order(cli, "demo:GM-STEAM-20-K", "13800000006")
    cli("order", "demo:HF-CM-10", "--account", "13800000007", "--yes", "--wait", "0",
        extra_env={"KAMENG_TUI_DEMO_UNKNOWN_RATE": "1"})
    out = tmp_path / "o.csv"
    doc = cli("export", "--status", "succeeded", "--format", "csv", "-o", str(out), "--json").json
    assert doc["rows"] == 2
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and stat.S_IMODE(os.stat(out).st_mode) == 0o600
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    assert len(body) == 2                   # only orders: the anchor is in o.csv.anchor.json
    assert len(json.loads((tmp_path / "o.csv.anchor.json").read_text(encoding="utf-8"))["anchor"]["hash"]) == 64
    acct = header.index("account")
    assert {r[acct] for r in body} == {"\t13800000005", "\t13800000006"}
    assert any(r[header.index("customer")].startswith("'=") for r in body)
    assert "cards" not in header
    xl = tmp_path / "o.xlsx"
    assert cli("export", "--status", "succeeded", "--format", "xlsx", "-o", str(xl)).code == 0
    ws = load_workbook(xl).active
    cell = ws.cell(row=2, column=acct + 1)
    assert cell.data_type == "s" and cell.value.startswith("138")
    secret = tmp_path / "s.json"
    assert cli("export", "--format", "json", "-o", str(secret), "--reveal").code == 0
    docs = json.loads(secret.read_text(encoding="utf-8"))
    assert docs["total"] == 3 and any(i["cards"] for i in docs["items"]) and docs["anchor"]["seq"] > 0
