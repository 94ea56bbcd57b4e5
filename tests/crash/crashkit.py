"""Helpers for the crash suites: batches built from the demo catalog, invariants
checked from the outside (the ledger via the CLI, the demo via its own state)."""

from __future__ import annotations

import asyncio
import json
import sqlite3
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

from kit import run_cli


def demo_lines(n: int) -> list[str]:
    """n batch lines of cheap on-sale demo products with distinct accounts."""
    from kameng_tui.suppliers.demo import DemoSupplier

    async def products():
        sup = DemoSupplier.from_config(name="demo", options={"state_path": ":memory:"}, secret=None, env={})
        try:
            page = await sup.list_catalog(None)
            return list(page.items)
        finally:
            await sup.aclose()

    items = [p for p in asyncio.run(products())
             if p.sale_status.value == "on" and p.unit_cost <= Decimal("12") and (p.stock is None or p.stock > 50)
             and p.account_fields and p.account_fields[0].rule.value in ("mobile", "qq")
             and len([f for f in p.account_fields if f.required]) == 1]
    assert items, "the demo catalog has cheap single-field products"
    lines = []
    for i in range(n):
        p = items[i % len(items)]
        rule = p.account_fields[0].rule.value
        account = f"139{i:08d}" if rule == "mobile" else f"{10000 + i}"
        lines.append(f"{p.sku} {account}")
    return lines


def reconcile_until_quiet(env: dict[str, str], rounds: int = 20) -> dict:
    doc: dict = {}
    for _ in range(rounds):
        r = run_cli(env, "reconcile", "--json")
        doc = json.loads(r.stdout)
        assert "still_open" in doc, (r.stdout, r.stderr[-2000:])
        if not doc["still_open"]:
            return doc
        time.sleep(0.5)
    return doc


def ledger_orders(env: dict[str, str]) -> list[dict]:
    items, cursor = [], None
    while True:
        args = ["history", "--json", "--limit", "1000"] + (["--cursor", cursor] if cursor else [])
        doc = json.loads(run_cli(env, *args).stdout)
        items += doc["items"]
        cursor = doc.get("next_cursor")
        if not cursor:
            return items


def demo_state(home: Path) -> tuple[Decimal, dict[str, int], dict[str, Decimal]]:
    """(balance, creates per number, charged per number) read from the demo's own DB."""
    from kameng_tui.suppliers.demo import inspect_state

    return inspect_state(home / "data" / "demo-supplier.db")


def quick_check(home: Path) -> str:
    con = sqlite3.connect(home / "data" / "ledger.db")
    try:
        return con.execute("PRAGMA quick_check").fetchone()[0]
    finally:
        con.close()


def assert_invariants(env: dict[str, str], home: Path, lines: int | None, label: str) -> None:
    orders = ledger_orders(env)
    states = [o["state"] for o in orders]
    assert "pending" not in states and "submitted" not in states, (label, states)
    if lines is not None and orders:
        per_line: dict[int, int] = {}
        for o in orders:
            per_line[o["line_id"]] = per_line.get(o["line_id"], 0) + 1
        assert sorted(per_line) == list(range(1, lines + 1)), label
        assert set(per_line.values()) == {1}, f"{label}: a line has more than one order"
    balance, creates, charged = demo_state(home)
    assert all(n <= 1 for n in creates.values()), f"{label}: a number was created twice at the demo"
    assert set(creates) <= {o["order_no"] for o in orders}, f"{label}: the demo holds an order the ledger lacks"
    ledger_charged = sum((Decimal(o["charged"]) - Decimal(o["refunded"]) for o in orders), Decimal(0))
    demo_charged = sum(charged.values(), Decimal(0))
    assert ledger_charged == demo_charged, f"{label}: ledger {ledger_charged} != demo {demo_charged}"
    assert balance == Decimal("5000.00") - demo_charged, label
    assert quick_check(home) == "ok", label
    verify = run_cli(env, "ledger", "verify", "--json")
    assert verify.code == 0, f"{label}: {verify.stdout}"


def start_batch(env: dict[str, str], batch_file: Path, *extra: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "kameng_tui", "batch", "run", str(batch_file), "--yes", "--json", *extra],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
