"""The ledger's ports (ledger/ports.py): what leaves ledger/ is typed, the change feed
sees other processes' writes (and only theirs), and the catalog cache is built on the
store's public transaction API."""

from __future__ import annotations

import ast
import subprocess
import sys
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path

import pytest

from kameng_tui.domain.errors import DiskFull
from kameng_tui.domain.models import Delivery
from kameng_tui.domain.states import OrderState
from kameng_tui.ledger.ports import (BalanceStore, BatchStore, CatalogStore, DraftStore, LedgerStore, MatchStore,
                                     MetaStore, OrderStore)
from kameng_tui.ledger.sqlite import open_ledger
from kameng_tui.ledger.values import NewOrder

from kit import base_env

AT = datetime(2026, 11, 25, 2, 0, tzinfo=timezone.utc)
SRC = Path(__file__).resolve().parents[2] / "src" / "kameng_tui"


def intent(order_no: str) -> NewOrder:
    return NewOrder(order_no=order_no, sku="demo:HF-CM-10", supplier="demo", product_id="HF-CM-10",
                    product_name="移动话费10元", category="话费/中国移动", delivery=Delivery.DIRECT, quantity=1,
                    account={"account": "13800138000"}, unit_cost=Decimal("9.85"), unit_price=Decimal("10"),
                    request_json="{}")


def test_one_sqlite_store_offers_every_port(tmp_path):
    ledger = open_ledger(tmp_path)
    try:
        for port in (OrderStore, BatchStore, DraftStore, BalanceStore, MetaStore, MatchStore, LedgerStore):
            missing = [name for name in dir(port) if not name.startswith("_") and not hasattr(ledger, name)]
            assert not missing, (port.__name__, missing)
        missing = [name for name in dir(CatalogStore) if not name.startswith("_") and not hasattr(ledger.catalog, name)]
        assert not missing
    finally:
        ledger.close()


def test_the_change_feed_wakes_on_another_process_and_lists_its_events(tmp_path):
    ledger = open_ledger(tmp_path)
    try:
        ledger.create_intents([intent("KM-OWN")], at=AT)
        start = ledger.last_seq()
        assert ledger.others_wrote() is False          # primes
        ledger.transition("KM-OWN", OrderState.PENDING, OrderState.CANCELLED, at=AT)
        assert ledger.others_wrote() is False          # this connection's own commit does not wake it
        code = ("import sys; from pathlib import Path; from datetime import datetime, timezone;"
                "from kameng_tui.ledger.sqlite import open_ledger;"
                "l = open_ledger(Path(sys.argv[1])); l.record(None, 'balance_note', {'n': 1},"
                " at=datetime(2026, 11, 25, 3, tzinfo=timezone.utc)); l.close()")
        done = subprocess.run([sys.executable, "-c", code, str(tmp_path)], env=base_env(tmp_path / "home"),
                              capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        assert ledger.others_wrote() is True
        assert ledger.others_wrote() is False          # once per commit seen
        changes = ledger.changes_since(start)
        assert [(c.order_no, c.kind) for c in changes] == [("KM-OWN", "cancelled"), (None, "balance_note")]
        assert changes[-1].seq == ledger.last_seq()
        assert ledger.changes_since(changes[-1].seq) == []
    finally:
        ledger.close()


def test_a_full_disk_leaves_the_ports_as_a_typed_error(tmp_path, monkeypatch):
    """A write outside the chain (a draft) fails inside its statement, not at a BEGIN the
    store checks: the port still says DiskFull, never sqlite3's own error."""
    open_ledger(tmp_path).close()
    monkeypatch.setenv("KAMENG_TUI_TEST_MAX_PAGES", "1")
    ledger = open_ledger(tmp_path)
    try:
        with pytest.raises(DiskFull):
            ledger.save_draft(None, "x" * 20000, at=AT)
        assert ledger.load_draft() is None
    finally:
        ledger.close()


def test_the_catalog_cache_uses_no_private_part_of_the_store():
    """CatalogCache (a port of its own) reaches the file through `unchained_write` and
    `reading` only, never `_conn`, `_lock` or `_write`."""
    tree = ast.parse((SRC / "ledger" / "catalog_cache.py").read_text(encoding="utf-8"))
    private = sorted({node.attr for node in ast.walk(tree) if isinstance(node, ast.Attribute)
                      and isinstance(node.value, ast.Attribute) and node.value.attr == "_ledger"
                      and node.attr.startswith("_")})
    assert private == []


def test_nothing_outside_the_ledger_knows_sqlite():
    """Only ledger/ imports sqlite3 or the ledger's SQLite modules (the simulated suppliers
    in suppliers/ and the reference server in refserver/ keep their own files; the
    composition root opens the store)."""
    allowed = {"ledger", "suppliers", "refserver"}
    found = []
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC)
        if rel.parts[0] in allowed or rel.as_posix() == "bootstrap.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                if name == "sqlite3" or name.startswith(("kameng_tui.ledger.sqlite", "kameng_tui.ledger.connection")):
                    found.append(f"{rel}: {name}")
    assert found == []
