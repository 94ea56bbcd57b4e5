"""The demo beside a real supplier (issue 15): after the tour a reseller adds the
reference server and keeps the demo on. Demo products and orders then read 演示 in
`catalog` and `history`, and `report` leaves demo orders out of its totals and says
how many; while the demo was alone nothing was marked or left out."""

from __future__ import annotations

from decimal import Decimal

from kit import base_env, run_cli
from refkit import KEY_ID, SECRET


def order(env, sku, account):
    r = run_cli(env, "order", sku, "--account", account, "--yes", "--json", "--again", "--wait", "10")
    assert r.code == 0, r.stdout + r.stderr
    return r.json["order"]


def test_demo_orders_are_marked_and_left_out_of_reports(ref, home):
    env = base_env(home, KAMENG_TUI_SECRET_REF=SECRET)
    tour = [order(env, "demo:HF-CM-10", "13800000001"), order(env, "demo:HF-LT-20", "13100000002")]
    alone = run_cli(env, "report", "--json").json
    assert alone["totals"]["orders"] == 2 and alone["demo_excluded"] == 0      # the tour looks as it always did
    assert "演示" not in run_cli(env, "history").stdout
    assert "演示" not in run_cli(env, "report").stdout

    added = run_cli(env, "supplier", "add", "ref", "--kind", "http", "--base-url", ref.url, "--key-id", KEY_ID,
                    "--keep-demo", "--json")
    assert added.code == 0, added.stdout + added.stderr
    assert run_cli(env, "catalog", "sync", "--json").code == 0
    real = order(env, "ref:HF-CM-10", "13800000003")

    doc = run_cli(env, "report", "--json").json
    assert doc["totals"]["orders"] == 1 and doc["demo_excluded"] == 2
    assert Decimal(doc["totals"]["profit"]) == Decimal(real["profit"])
    by = run_cli(env, "report", "--by", "supplier", "--json").json
    assert [g["key"] for g in by["groups"]] == ["ref"]
    people = run_cli(env, "report")
    assert "不含演示订单 2 笔" in people.stdout, people.stdout
    assert "demo orders left out: 2" in run_cli(env, "--lang", "en", "report").stdout
    asked = run_cli(env, "report", "--supplier", "demo", "--json").json       # asked for by name: shown
    assert asked["totals"]["orders"] == 2 and asked["demo_excluded"] == 0
    assert Decimal(asked["totals"]["profit"]) == sum(Decimal(o["profit"]) for o in tour)

    wide = {**env, "COLUMNS": "200"}                                         # one line a row
    lines = run_cli(wide, "history").stdout.splitlines()
    marked = [line for line in lines if "演示" in line]
    assert len(marked) == 2 and not any(real["order_no"] in line for line in marked), "\n".join(lines)
    assert any(real["order_no"] in line for line in lines)
    listed = run_cli(wide, "catalog", "--search", "huafei", "--limit", "1000").stdout.splitlines()
    demo_rows = [line for line in listed if "demo:" in line]
    ref_rows = [line for line in listed if "ref:" in line]
    assert demo_rows and ref_rows
    assert all("演示" in line for line in demo_rows) and not any("演示" in line for line in ref_rows)
    en = run_cli(wide, "--lang", "en", "catalog", "--search", "huafei", "--limit", "1000").stdout.splitlines()
    assert all("Demo" in line for line in en if "demo:" in line)

    shown = run_cli(wide, "show", tour[0]["order_no"]).stdout                 # one order: its product line
    assert "演示" in shown.splitlines()[0], shown
    assert "演示" not in run_cli(wide, "show", real["order_no"]).stdout
    placed = run_cli(wide, "order", "demo:HF-CM-10", "--account", "13800000004", "--yes", "--wait", "10")
    assert placed.code == 0 and "演示" in placed.stdout, placed.stdout + placed.stderr
