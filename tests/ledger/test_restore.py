"""Tamper evidence never erases itself (issue 14, point 2).

A ledger that no longer holds its anchored seq with the anchored hash refuses every
chained write (intents, transitions, events) with exit 4, whatever the next command
is; reads, exports, catalog sync, drafts and balance snapshots keep working. The anchor
lives twice, beside the database and in the state directory, so restoring the whole
data directory is caught too. `ledger accept-restore --reason` (or `ledger restore
FILE`) is the one way on, and it refuses a chain that is itself broken.

Each case is done the way a person with file access would do it, with the CLI as a
real subprocess on a private KAMENG_TUI_HOME.
"""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import jsonschema
import pytest

SCHEMA = json.loads((Path(__file__).parents[1] / "engine" / "cli_schema.json").read_text(encoding="utf-8"))


def check(doc: dict, name: str) -> None:
    """The document matches tests/engine/cli_schema.json (docs/cli-json.md)."""
    jsonschema.validate(doc, {**SCHEMA, "$ref": f"#/$defs/{name}"})

ORDERS = ["demo:HF-CM-10 13800000001", "demo:HF-LT-20 13100000002", "demo:HF-DX-30 13300000003",
          "demo:HF-CM-20 13800000004"]


def order(cli, n: int):
    return cli("--lang", "en", "order", "demo:HF-CM-10", "--account", f"1390000{n:04d}", "--yes", "--json")


def count_orders(db: Path) -> int:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        return con.execute("SELECT COUNT(*) FROM orders").fetchone()[0]


def last_seq(db: Path) -> int:
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as con:
        return con.execute("SELECT COALESCE(MAX(seq), 0) FROM events").fetchone()[0]


def replace_db(home: Path, src: Path) -> None:
    """Put an older copy of ledger.db in place, as a restore from a backup does."""
    data = home / "data"
    for suffix in ("-wal", "-shm"):
        (data / f"ledger.db{suffix}").unlink(missing_ok=True)
    shutil.copy(src, data / "ledger.db")


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """Four orders settled; then a backup is taken; then three more paid orders. Built
    through the CLI once per module; each test gets its own copy of the whole home
    (database, both anchor copies, the demo supplier's state) and of the backup."""
    from kit import base_env, run_cli

    root = tmp_path_factory.mktemp("restore")
    home = root / "home"
    env = base_env(home)

    def cli(*args: str):
        return run_cli(env, *args)

    batch = root / "b.txt"
    batch.write_text("\n".join(ORDERS) + "\n", encoding="utf-8")
    assert cli("batch", "run", str(batch), "--yes", "--json").code in (0, 3)
    assert cli("reconcile").code in (0, 3)
    backup = cli("ledger", "backup", "--json").json["path"]
    old = root / "old.db"
    shutil.copy(backup, old)
    for n in range(3):
        assert order(cli, n).code in (0, 3)
    assert cli("ledger", "verify").code == 0
    return home, old


@pytest.fixture
def ledger(built, home, tmp_path):
    template, template_old = built
    shutil.copytree(template, home, dirs_exist_ok=True)
    old = tmp_path / "old.db"
    shutil.copy(template_old, old)
    return home / "data" / "ledger.db", old


def assert_refused(r) -> None:
    assert r.code == 4, (r.code, r.stdout, r.stderr)
    doc = json.loads(r.stdout)
    check(doc, "error")
    assert doc["error"]["code"] == "anchor_mismatch", doc
    assert "accept-restore" in doc["error"]["message"], doc


# --- the failing-first case of the issue ---------------------------------------------------------

def test_a_restored_older_copy_plus_four_orders_never_rewrites_the_anchor(cli, home, ledger):
    db, old = ledger
    head = (home / "data" / "ledger.head").read_bytes()
    replace_db(home, old)
    before = count_orders(db)
    for n in range(10, 14):
        assert_refused(order(cli, n))
    assert count_orders(db) == before                                   # nothing recorded
    assert (home / "data" / "ledger.head").read_bytes() == head          # the evidence stays
    r = cli("ledger", "verify", "--json")
    assert r.code == 4 and any(p["kind"].startswith("anchor_") for p in r.json["problems"])


def test_restoring_the_whole_data_dir_is_caught_by_the_state_copy(cli, home, tmp_path):
    assert order(cli, 1).code in (0, 3)
    snapshot = tmp_path / "snap"
    shutil.copytree(home / "data", snapshot)                             # ledger.db + ledger.head together
    for n in range(2, 5):
        assert order(cli, n).code in (0, 3)
    shutil.rmtree(home / "data")
    shutil.copytree(snapshot, home / "data")
    for suffix in ("-wal", "-shm"):
        (home / "data" / f"ledger.db{suffix}").unlink(missing_ok=True)
    before = count_orders(home / "data" / "ledger.db")
    assert_refused(order(cli, 9))
    assert count_orders(home / "data" / "ledger.db") == before
    r = cli("ledger", "verify", "--json")
    assert r.code == 4 and any(p["kind"] == "anchor_ahead" and p["detail"] == "state" for p in r.json["problems"]), r.json


def test_deleting_the_anchor_of_a_new_ledger_is_caught(cli, home):
    """A new ledger is anchored at seq 0 before its first event: a missing ledger.head
    can only mean someone deleted it."""
    assert cli("ledger", "verify").code == 0                             # creates the ledger
    head = json.loads((home / "data" / "ledger.head").read_text())
    assert head["seq"] == 0
    (home / "data" / "ledger.head").unlink()
    assert_refused(order(cli, 1))
    assert last_seq(home / "data" / "ledger.db") == 0
    assert not (home / "data" / "ledger.head").exists()
    assert cli("ledger", "verify").code == 4


def test_deleting_the_anchor_is_not_undone_by_one_order(cli, home, ledger):
    db, _ = ledger
    (home / "data" / "ledger.head").unlink()
    assert_refused(order(cli, 20))
    assert not (home / "data" / "ledger.head").exists()
    assert cli("ledger", "verify").code == 4


def test_a_deleted_database_is_not_a_fresh_start(cli, home, ledger):
    db, _ = ledger
    for suffix in ("", "-wal", "-shm"):
        (home / "data" / f"ledger.db{suffix}").unlink(missing_ok=True)
    assert_refused(order(cli, 21))
    assert cli("ledger", "verify").code == 4


def test_reads_exports_and_unchained_writes_keep_working_while_refused(cli, home, ledger, tmp_path):
    db, old = ledger
    replace_db(home, old)
    assert cli("history", "--json").code == 0
    assert cli("export", "--format", "json", "-o", str(tmp_path / "out.json"), "--json").code == 0
    assert cli("catalog", "sync", "--json").code == 0
    assert cli("balance", "--json").code == 0
    assert cli("ledger", "backup", "--json").code == 0
    assert_refused(order(cli, 30))


# --- the one way on ------------------------------------------------------------------------------

def test_accept_restore_moves_on_and_verify_lists_the_reset(cli, home, ledger):
    db, old = ledger
    replace_db(home, old)
    restored_seq = last_seq(db)
    r = cli("--lang", "en", "ledger", "accept-restore", "--reason", "disk died, restored last night's backup")
    assert r.code == 0, r.stdout + r.stderr
    assert "kameng-tui reconcile --diff demo --since " in r.stdout
    assert "demo" in r.stdout and "cannot list" in r.stdout              # the demo supplier has no order list
    v = cli("ledger", "verify", "--json")
    assert v.code == 0, v.stdout
    check(v.json, "verify_doc")
    (reset,) = v.json["resets"]
    assert reset["reason"] == "disk died, restored last night's backup"
    assert reset["seq"] == restored_seq + 1 and reset["code"] == "accepted"
    assert reset["params"]["head_seq"] > restored_seq
    assert order(cli, 40).code in (0, 3)
    assert cli("ledger", "verify").code == 0


def test_accept_restore_json_names_each_supplier(cli, home, ledger):
    _, old = ledger
    replace_db(home, old)
    r = cli("ledger", "accept-restore", "--reason", "restored", "--json")
    assert r.code == 0, r.stdout + r.stderr
    doc = r.json
    check(doc, "restore_doc")
    (s,) = doc["suppliers"]
    assert s["supplier"] == "demo" and s["can_list"] is False
    assert s["command"].startswith("kameng-tui reconcile --diff demo --since ")
    assert doc["reset_seq"] > 0 and doc["old_anchor"]["head"]["seq"] > doc["chain_seq"]


def test_accept_restore_refuses_an_edited_chain(cli, home, ledger):
    db, old = ledger
    replace_db(home, old)
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("DROP TRIGGER IF EXISTS events_no_update")
    con.execute("UPDATE events SET body = replace(body, '13800000001', '13900000009') WHERE kind = 'created'")
    con.close()
    n = last_seq(db)
    r = cli("ledger", "accept-restore", "--reason", "trying to hide an edit", "--json")
    assert r.code == 4, r.stdout + r.stderr
    check(r.json, "error")
    assert r.json["error"]["code"] == "chain_broken"
    assert last_seq(db) == n                                             # no anchor_reset recorded
    assert cli("ledger", "verify").code == 4


def test_accept_restore_refuses_missing_events(cli, home, ledger):
    db, _ = ledger
    con = sqlite3.connect(db, isolation_level=None)
    con.execute("DROP TRIGGER IF EXISTS events_no_delete")
    con.execute("DELETE FROM events WHERE seq = 3")
    con.close()
    r = cli("ledger", "accept-restore", "--reason", "x", "--json")
    assert r.code == 4, r.stdout + r.stderr


def test_accept_restore_needs_a_reason(cli, home, ledger):
    _, old = ledger
    replace_db(home, old)
    r = cli("ledger", "accept-restore", "--reason", "   ", "--json")
    assert r.code == 2, r.stdout + r.stderr
    assert cli("ledger", "verify").code == 4


def test_ledger_restore_file_copies_resets_and_prints_the_commands(cli, home, ledger):
    db, old = ledger
    r = cli("--lang", "en", "ledger", "restore", str(old), "--reason", "moved to a new disk", "--json")
    assert r.code == 0, r.stdout + r.stderr
    assert r.json["suppliers"][0]["command"].startswith("kameng-tui reconcile --diff demo --since ")
    v = cli("ledger", "verify", "--json")
    assert v.code == 0 and [x["code"] for x in v.json["resets"]] == ["restored_file"], v.stdout
    assert order(cli, 50).code in (0, 3)


# --- the store itself: several processes, a lagging anchor, what stays writable ------------------

def _store(tmp_path):
    from kameng_tui.ledger.sqlite import open_ledger

    return open_ledger(tmp_path / "data", state_dir=tmp_path / "state")


def test_a_store_opened_before_the_tampering_refuses_too(tmp_path):
    """The check reads the anchor inside each write transaction, not once at open: a
    process that was already running (the TUI, a listener) is refused as well."""
    from kameng_tui.domain.errors import AnchorMismatch
    from tests.ledger.test_store import T0, intent

    first, second = _store(tmp_path), _store(tmp_path)
    try:
        first.create_intents([intent(1)], at=T0)
        second.create_intents([intent(2)], at=T0)
        (tmp_path / "state" / "ledger.head").unlink()
        for led, i in ((first, 3), (second, 4)):
            with pytest.raises(AnchorMismatch) as caught:
                led.create_intents([intent(i)], at=T0)
            assert caught.value.where == "state" and caught.value.reason == "missing"
            assert caught.value.exit_code == 4
        assert first.get(intent(3).order_no) is None and second.get(intent(4).order_no) is None
        head = json.loads((tmp_path / "data" / "ledger.head").read_text())
        (tmp_path / "state" / "ledger.head").write_text(json.dumps({**head, "hash": "f" * 64}))
        with pytest.raises(AnchorMismatch) as caught:
            first.record(None, "note", {"code": "x", "params": {}}, at=T0)
        assert caught.value.reason == "other_hash" and caught.value.anchored_seq == head["seq"]
    finally:
        first.close()
        second.close()


def test_a_lagging_anchor_is_valid_for_every_writer(tmp_path):
    """Inside a sending batch the anchor moves at most every ANCHOR_LAG_S: another
    process writing meanwhile sees an anchor behind the chain, which the chain holds."""
    from kameng_tui.ledger.anchor import read_anchor
    from tests.ledger.test_store import T0, intent

    sender, other = _store(tmp_path), _store(tmp_path)
    try:
        with sender.anchor_deferred():
            for i in range(1, 6):
                sender.create_intents([intent(i)], at=T0)
            lagging = read_anchor(tmp_path / "data" / "ledger.head")
            assert lagging is not None and lagging.seq < last_seq(tmp_path / "data" / "ledger.db")
            other.create_intents([intent(99)], at=T0)         # not refused
        assert sender.verify().ok
    finally:
        sender.close()
        other.close()


def test_unchained_writes_work_while_refused_and_never_move_the_anchor(tmp_path):
    from decimal import Decimal

    from kameng_tui.domain.errors import AnchorMismatch
    from tests.ledger.test_store import T0, intent

    led = _store(tmp_path)
    try:
        led.create_intents([intent(1)], at=T0)
        (tmp_path / "data" / "ledger.head").unlink()
        draft = led.save_draft(None, '{"rows": []}', at=T0)
        assert led.load_draft(draft) is not None
        led.record_balance("demo", Decimal("12.5"), at=T0)
        led.set_meta("something", "1")
        assert led.last_balance("demo") is not None
        assert not (tmp_path / "data" / "ledger.head").exists()
        problem = led.anchor_problem()
        assert isinstance(problem, AnchorMismatch) and problem.where == "head" and problem.reason == "missing"
    finally:
        led.close()


def test_an_upgraded_ledger_gets_its_state_copy_from_a_valid_head(tmp_path):
    """A ledger made before the state copy existed (or opened without a state dir) is
    not refused for lacking it: the copy is made from a ledger.head the chain holds."""
    from kameng_tui.ledger.sqlite import open_ledger
    from tests.ledger.test_store import T0, intent

    led = open_ledger(tmp_path / "data")
    led.create_intents([intent(1)], at=T0)
    led.close()
    led = _store(tmp_path)
    try:
        assert (tmp_path / "state" / "ledger.head").read_bytes() == (tmp_path / "data" / "ledger.head").read_bytes()
        led.create_intents([intent(2)], at=T0)
        assert led.verify().ok
    finally:
        led.close()


def test_no_money_leaves_while_refused_pending_orders_stay_pending(cli, home, tmp_path):
    """Orders recorded `pending` (a crash right after the intent), then the anchor is
    deleted: resuming the batch is refused before anything is sent; after accept-restore
    the same orders go out under their own numbers."""
    batch = tmp_path / "b.txt"
    batch.write_text("\n".join(ORDERS[:2]) + "\n", encoding="utf-8")
    r = cli("batch", "run", str(batch), "--yes", "--json", extra_env={"KAMENG_TUI_CRASH_AT": "after-intent"})
    assert r.code < 0                                                    # killed right after the intents
    demo = home / "data" / "demo-supplier.db"

    def sent() -> int:
        if not demo.exists():
            return 0
        with sqlite3.connect(f"file:{demo}?mode=ro", uri=True) as con:
            return con.execute("SELECT COUNT(*) FROM orders").fetchone()[0]

    before = sent()
    (home / "data" / "ledger.head").unlink()
    batch_id = str(cli("batch", "list", "--json").json["items"][0]["batch_id"])
    resumed = cli("batch", "resume", batch_id, "--yes", "--json")
    assert resumed.code == 4, resumed.stdout + resumed.stderr
    assert sent() == before
    assert {o["state"] for o in cli("history", "--json").json["items"]} == {"pending"}
    rec = cli("reconcile", "--json")
    assert rec.code == 4, rec.stdout + rec.stderr
    assert cli("ledger", "accept-restore", "--reason", "anchor deleted by a cleanup script").code == 0
    assert cli("batch", "resume", batch_id, "--yes", "--json").code in (0, 3)
    assert sent() == before + 2
    assert cli("ledger", "verify").code == 0
