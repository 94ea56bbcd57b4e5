"""Tampering, one change per case: `ledger verify` exits 4 and names the seq or the anchor.

Each edit is made the way an attacker with file access would: raw sqlite3, after
dropping the append-only triggers.
"""

from __future__ import annotations

import shutil
import sqlite3

import pytest


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """A batch of four orders, reconciled and verified through the CLI, once per module;
    each test edits its own copy of the whole home (database, anchors, supplier state)."""
    from kit import base_env, run_cli

    root = tmp_path_factory.mktemp("tamper")
    env = base_env(root / "home")
    batch = root / "b.txt"
    batch.write_text("demo:HF-CM-10 13800000001\ndemo:HF-LT-20 13100000002\ndemo:HF-DX-30 13300000003\n"
                     "demo:HF-CM-20 13800000004\n", encoding="utf-8")
    first = run_cli(env, "batch", "run", str(batch), "--yes", "--json")
    assert first.code in (0, 3), first.stderr
    assert run_cli(env, "reconcile").code in (0, 3)
    assert run_cli(env, "ledger", "verify").code == 0
    return root / "home"


@pytest.fixture
def ledger_with_orders(built, home):
    shutil.copytree(built, home, dirs_exist_ok=True)
    return home / "data" / "ledger.db"


def raw(db):
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("DROP TRIGGER IF EXISTS events_no_update")
    con.execute("DROP TRIGGER IF EXISTS events_no_delete")
    return con


def event_seq(con, kind: str) -> int:
    return con.execute("SELECT seq FROM events WHERE kind = ? ORDER BY seq LIMIT 1", (kind,)).fetchone()[0]


def verify(cli):
    r = cli("ledger", "verify", "--json")
    assert r.code == 4, r.stdout
    return r.json


def kinds_at(doc) -> list[dict]:
    return [{"kind": p["kind"], "seq": p["seq"]} for p in doc["problems"]]


def test_edit_an_amount(cli, ledger_with_orders):
    con = raw(ledger_with_orders)
    seq = event_seq(con, "created")
    body = con.execute("SELECT body FROM events WHERE seq = ?", (seq,)).fetchone()[0]
    con.execute("UPDATE events SET body = ? WHERE seq = ?", (body.replace('"unit_price":"10.0000"', '"unit_price":"1.0000"')
                                                             .replace('"unit_price":"', '"unit_price":"9', 1), seq))
    doc = verify(cli)
    assert doc["first_bad_seq"] == seq and {"kind": "hash_mismatch", "seq": seq} in kinds_at(doc)


def test_edit_an_account(cli, ledger_with_orders):
    con = raw(ledger_with_orders)
    seq = event_seq(con, "created")
    con.execute("UPDATE events SET body = replace(body, '13800000001', '13900000009') WHERE seq = ?", (seq,))
    assert {"kind": "hash_mismatch", "seq": seq} in kinds_at(verify(cli))


def test_edit_a_state(cli, ledger_with_orders):
    con = raw(ledger_with_orders)
    seq = event_seq(con, "succeeded")
    con.execute("UPDATE events SET body = replace(body, '\"state\":\"succeeded\"', '\"state\":\"failed\"'), "
                "kind = 'failed' WHERE seq = ?", (seq,))
    assert verify(cli)["first_bad_seq"] == seq


def test_edit_a_timestamp(cli, ledger_with_orders):
    con = raw(ledger_with_orders)
    seq = event_seq(con, "submitted")
    con.execute("UPDATE events SET at = '2020-01-01T00:00:00.000000Z' WHERE seq = ?", (seq,))
    assert verify(cli)["first_bad_seq"] == seq


def test_edit_only_an_orders_row(cli, ledger_with_orders):
    con = raw(ledger_with_orders)
    order_no = con.execute("SELECT order_no FROM orders LIMIT 1").fetchone()[0]
    con.execute("UPDATE orders SET charged = charged + 10000 WHERE order_no = ?", (order_no,))
    doc = verify(cli)
    assert any(p["kind"] == "projection_diff" and p["order_no"] == order_no and p["column"] == "charged"
               for p in doc["problems"])


def test_delete_a_middle_event(cli, ledger_with_orders):
    con = raw(ledger_with_orders)
    n = con.execute("SELECT MAX(seq) FROM events").fetchone()[0]
    con.execute("DELETE FROM events WHERE seq = ?", (n // 2,))
    doc = verify(cli)
    assert doc["first_bad_seq"] == n // 2 and {"kind": "event_missing", "seq": n // 2} in kinds_at(doc)


def test_truncate_the_last_three_events(cli, ledger_with_orders):
    con = raw(ledger_with_orders)
    n = con.execute("SELECT MAX(seq) FROM events").fetchone()[0]
    con.execute("DELETE FROM events WHERE seq > ?", (n - 3,))
    doc = verify(cli)
    assert {"kind": "anchor_ahead", "seq": n} in kinds_at(doc)


def test_restore_an_older_copy(cli, home, tmp_path, ledger_with_orders):
    old = tmp_path / "old.db"
    cli("ledger", "backup")
    backups = sorted((home / "data" / "backups").glob("ledger-*.db"))
    shutil.copy(backups[-1], old)
    assert cli("order", "demo:HF-DX-50", "--account", "13300000009", "--yes").code in (0, 3)
    for suffix in ("-wal", "-shm"):
        (home / "data" / f"ledger.db{suffix}").unlink(missing_ok=True)
    shutil.copy(old, ledger_with_orders)
    doc = verify(cli)
    assert any(p["kind"].startswith("anchor_") for p in doc["problems"])


def test_untouched_ledger_verifies(cli, ledger_with_orders):
    doc = cli("ledger", "verify", "--json").json
    assert doc["ok"] and doc["problems"] == [] and doc["quick_check"] == "ok"
