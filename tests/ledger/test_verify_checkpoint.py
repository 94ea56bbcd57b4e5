"""`ledger verify`'s problems as values (kind, seq, order, column) in the reader's
language, and the verified checkpoint behind `ledger verify --quick`, against the
ways someone with file access could try to pass it off: a restored backup, another
ledger's checkpoint, one ahead of the chain, an event rewritten at or before it.

Edits are made raw, as in test_tamper.py: sqlite3 after dropping the append-only
triggers, files copied over.
"""

from __future__ import annotations

import json
import shutil
import sqlite3

import pytest

from kameng_tui.ledger import chain

from tests.ledger.test_restore import check


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Three orders and a clean full verify, through the CLI, once per module: each
    test gets its own copy of the whole home (database, both anchor copies, checkpoint,
    the demo supplier's state), so the tests stay independent at a copy's cost."""
    from kit import base_env, run_cli

    home = tmp_path_factory.mktemp("verify-checkpoint") / "home"
    env = base_env(home)
    for account in ("13800000001", "13100000002", "13300000003"):
        assert run_cli(env, "order", "demo:HF-CM-10", "--account", account, "--yes").code in (0, 3)
    assert run_cli(env, "ledger", "verify").code == 0
    return home


@pytest.fixture
def ledger(built, home):
    shutil.copytree(built, home, dirs_exist_ok=True)
    return home / "data"


def raw(data):
    con = sqlite3.connect(data / "ledger.db", isolation_level=None)
    con.execute("DROP TRIGGER IF EXISTS events_no_update")
    con.execute("DROP TRIGGER IF EXISTS events_no_delete")
    return con


def checkpoint(data):
    return json.loads((data / "ledger.checkpoint").read_text(encoding="utf-8"))


def last_seq(data) -> int:
    con = sqlite3.connect(data / "ledger.db")
    try:
        return con.execute("SELECT max(seq) FROM events").fetchone()[0]
    finally:
        con.close()


def quick(cli, code: int):
    r = cli("ledger", "verify", "--quick", "--json")
    assert r.code == code, r.stdout + r.stderr
    check(r.json, "verify_doc")
    return r.json


def kinds(doc) -> list[str]:
    return [p["kind"] for p in doc["problems"]]


# --- problems: kinds in --json, words in the reader's language -------------------------------------
def test_json_problems_name_kind_seq_order_and_column(cli, ledger):
    con = raw(ledger)
    order_no = con.execute("SELECT order_no FROM orders LIMIT 1").fetchone()[0]
    con.execute("UPDATE orders SET charged = charged + 10000 WHERE order_no = ?", (order_no,))
    seq = con.execute("SELECT min(seq) FROM events WHERE kind = 'created'").fetchone()[0]
    con.execute("UPDATE events SET at = replace(at, '20', '19') WHERE seq = ?", (seq,))
    r = cli("ledger", "verify", "--json")
    assert r.code == 4
    check(r.json, "verify_doc")
    problems = r.json["problems"]
    diff = next(p for p in problems if p["kind"] == "projection_diff")
    assert (diff["order_no"], diff["column"], diff["seq"]) == (order_no, "charged", None)
    assert diff["detail"].count(" / ") == 1
    edited = next(p for p in problems if p["kind"] == "hash_mismatch")
    assert (edited["seq"], edited["detail"]) == (seq, "created")
    assert set(diff) == {"kind", "seq", "order_no", "column", "detail", "message"}
    assert "charged" in diff["message"] and order_no in diff["message"]


def test_problems_read_in_chinese_by_default_and_in_english_with_lang_en(cli, ledger):
    con = raw(ledger)
    order_no = con.execute("SELECT order_no FROM orders LIMIT 1").fetchone()[0]
    con.execute("UPDATE orders SET charged = charged + 10000 WHERE order_no = ?", (order_no,))
    zh = cli("ledger", "verify")
    assert zh.code == 4
    line = next(x for x in zh.stdout.splitlines() if order_no in x)
    assert "列 charged 与事件不符" in line and "differs" not in line, zh.stdout
    en = cli("--lang", "en", "ledger", "verify")
    assert f"order {order_no}: column charged differs" in en.stdout, en.stdout


# --- the checkpoint ---------------------------------------------------------------------------------
def test_a_clean_full_verify_keeps_a_checkpoint_at_the_chain_end(cli, ledger):
    cp = checkpoint(ledger)
    assert cp["seq"] == last_seq(ledger) and cp["checked"] == ["chain", "projection", "anchor", "quick_check"]
    con = raw(ledger)
    assert cp["hash"] == con.execute("SELECT hash FROM events WHERE seq = ?", (cp["seq"],)).fetchone()[0]
    doc = quick(cli, 0)
    assert doc["quick"] is True and doc["checkpoint"]["seq"] == cp["seq"] and doc["problems"] == []


def test_quick_checks_the_events_after_the_checkpoint(cli, ledger):
    before = checkpoint(ledger)["seq"]
    assert cli("order", "demo:HF-CM-20", "--account", "13800000004", "--yes").code in (0, 3)
    assert quick(cli, 0)["events"] > before
    assert checkpoint(ledger)["seq"] == before          # only a full verify moves the checkpoint
    con = raw(ledger)
    seq = con.execute("SELECT max(seq) FROM events WHERE kind = 'created'").fetchone()[0]
    assert seq > before
    con.execute("UPDATE events SET body = replace(body, '13800000004', '13900000009') WHERE seq = ?", (seq,))
    doc = quick(cli, 4)
    assert {"kind": "hash_mismatch", "seq": seq} in [{"kind": p["kind"], "seq": p["seq"]} for p in doc["problems"]]
    assert doc["first_bad_seq"] == seq


def test_quick_names_an_orders_row_edited_by_a_new_event_s_order(cli, ledger):
    assert cli("order", "demo:HF-CM-20", "--account", "13800000004", "--yes").code in (0, 3)
    con = raw(ledger)
    order_no = con.execute("SELECT order_no FROM orders WHERE account_main = '13800000004'").fetchone()[0]
    con.execute("UPDATE orders SET total_price = total_price + 1 WHERE order_no = ?", (order_no,))
    doc = quick(cli, 4)
    assert [(p["kind"], p["order_no"], p["column"]) for p in doc["problems"]] == [
        ("projection_diff", order_no, "total_price")]


def test_quick_without_a_checkpoint_verifies_in_full_and_keeps_one(cli, ledger):
    (ledger / "ledger.checkpoint").unlink()
    r = cli("ledger", "verify", "--quick")
    assert r.code == 0 and "没有可用的检查点：已完整校验" in r.stdout, r.stdout
    assert checkpoint(ledger)["seq"] == last_seq(ledger)
    assert quick(cli, 0)["quick"] is True


def test_another_ledgers_checkpoint_is_reported_not_used(cli, ledger, tmp_path, env):
    from kit import run_cli

    other = tmp_path / "other"
    assert run_cli({**env, "KAMENG_TUI_HOME": str(other)}, "order", "demo:HF-CM-10", "--account", "13800000009",
                   "--yes").code in (0, 3)
    assert run_cli({**env, "KAMENG_TUI_HOME": str(other)}, "ledger", "verify").code == 0
    shutil.copy(other / "data" / "ledger.checkpoint", ledger / "ledger.checkpoint")
    doc = quick(cli, 4)
    assert [(p["kind"], p["detail"]) for p in doc["problems"]] == [("checkpoint_mismatch", "other_ledger")]
    assert cli("ledger", "verify").code == 0           # the full verify checks everything, and keeps its own
    assert quick(cli, 0)["problems"] == []


def test_a_checkpoint_ahead_of_the_chain_is_reported(cli, ledger):
    cp = checkpoint(ledger)
    (ledger / "ledger.checkpoint").write_text(json.dumps({**cp, "seq": cp["seq"] + 5}), encoding="utf-8")
    doc = quick(cli, 4)
    assert [(p["kind"], p["seq"], p["detail"]) for p in doc["problems"]] == [
        ("checkpoint_mismatch", cp["seq"] + 5, "ahead")]


def test_an_unreadable_checkpoint_is_reported(cli, ledger):
    (ledger / "ledger.checkpoint").write_text("{not json", encoding="utf-8")
    assert [(p["kind"], p["detail"]) for p in quick(cli, 4)["problems"]] == [("checkpoint_mismatch", "unreadable")]


def test_a_restored_backup_of_the_data_directory_is_caught_by_quick(cli, ledger, home, tmp_path):
    """Database, ledger.head and checkpoint restored together: all three agree, the
    state directory's anchor copy does not."""
    saved = tmp_path / "saved"
    shutil.copytree(ledger, saved)
    assert cli("order", "demo:HF-CM-20", "--account", "13800000004", "--yes").code in (0, 3)
    assert cli("ledger", "verify").code == 0
    shutil.rmtree(ledger)
    shutil.copytree(saved, ledger)
    doc = quick(cli, 4)
    assert [(p["kind"], p["detail"]) for p in doc["problems"]] == [("anchor_ahead", "state")]


def test_a_chain_rewritten_up_to_the_checkpoint_fails_quick_at_the_checkpoint_hash(cli, ledger):
    """Someone edits an event before the checkpoint and rehashes the chain from there,
    and both anchor copies with it: the stored hash at the checkpoint's seq changes."""
    con = raw(ledger)
    target = con.execute("SELECT min(seq) FROM events WHERE kind = 'created'").fetchone()[0]
    con.execute("UPDATE events SET body = replace(body, '13800000001', '13900000009') WHERE seq = ?", (target,))
    prev = con.execute("SELECT hash FROM events WHERE seq = ?", (target - 1,)).fetchone()
    prev_hash = prev[0] if prev else chain.GENESIS
    rows = con.execute("SELECT seq, at, kind, order_no, body FROM events WHERE seq >= ? ORDER BY seq", (target,))
    for seq, at, kind, order_no, body in rows.fetchall():
        h = chain.event_hash(prev_hash, seq, at, kind, order_no, body)
        con.execute("UPDATE events SET prev_hash = ?, hash = ? WHERE seq = ?", (prev_hash, h, seq))
        prev_hash = h
    con.execute("UPDATE orders SET account = replace(account, '13800000001', '13900000009'), "
                "account_main = '13900000009' WHERE account_main = '13800000001'")
    home = ledger.parent
    for head in (ledger / "ledger.head", home / "state" / "ledger.head"):
        doc = json.loads(head.read_text(encoding="utf-8"))
        head.write_text(json.dumps({**doc, "hash": prev_hash}), encoding="utf-8")
    cp = checkpoint(ledger)
    doc = quick(cli, 4)
    assert [(p["kind"], p["seq"], p["detail"]) for p in doc["problems"]] == [("checkpoint_mismatch", cp["seq"], "other_hash")]


def test_an_event_edited_before_the_checkpoint_is_caught_by_the_full_verify_which_keeps_no_checkpoint(cli, ledger):
    """--quick trusts the events at or before the checkpoint (their stored hashes are
    not recomputed); the full verify checks them all, and a failed one writes nothing."""
    before = (ledger / "ledger.checkpoint").read_bytes()
    con = raw(ledger)
    seq = con.execute("SELECT min(seq) FROM events WHERE kind = 'created'").fetchone()[0]
    con.execute("UPDATE events SET at = replace(at, '20', '19') WHERE seq = ?", (seq,))
    r = cli("ledger", "verify", "--json")
    assert r.code == 4 and r.json["first_bad_seq"] == seq and r.json["checkpoint"] is None
    assert (ledger / "ledger.checkpoint").read_bytes() == before


def test_accepting_a_restore_drops_the_checkpoint(cli, ledger, home, tmp_path):
    saved = tmp_path / "saved.db"
    shutil.copy(ledger / "ledger.db", saved)
    assert cli("order", "demo:HF-CM-20", "--account", "13800000004", "--yes").code in (0, 3)
    assert cli("ledger", "verify").code == 0
    assert cli("ledger", "restore", str(saved), "--reason", "disk swap").code == 0
    assert not (ledger / "ledger.checkpoint").exists()
    doc = cli("ledger", "verify", "--quick", "--json").json
    assert doc["ok"] and doc["quick"] is False
