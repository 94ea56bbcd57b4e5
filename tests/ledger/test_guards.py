"""The idempotency guards in the store (issue 14, point 1): checked inside the intent's
write transaction, enforced by PRIMARY KEYs, and the V4 migration that fills them for
an older ledger and lists the duplicates it already holds."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest

from kameng_tui.domain.errors import RefConflict, RefExists, RepeatBatch, RepeatBatchUnsettled, RepeatOrder
from kameng_tui.domain.idempotency import batch_identity_of, ref_fingerprint
from kameng_tui.domain.states import OrderState as S
from kameng_tui.ledger import guards, schema
from kameng_tui.ledger import sqlite as ledger_sqlite
from kameng_tui.ledger.sqlite import open_ledger
from kameng_tui.ledger.store import NewBatch, RepeatGuard, Transition
from kit import base_env, run_cli
from test_store import T0, intent

WINDOW = RepeatGuard(since=T0 - timedelta(minutes=10), window_s=600)


def count(led, table: str) -> int:
    return led._conn.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]


def test_a_ref_names_one_root_order(led):
    led.create_intents([intent(1, ref="TB-1")], at=T0)
    with pytest.raises(RefExists) as same:
        led.create_intents([intent(2, ref="TB-1", account={"account": "13800000001"}, customer="other")], at=T0)
    assert same.value.order_no == intent(1).order_no
    with pytest.raises(RefConflict) as other:
        led.create_intents([intent(3, ref="TB-1", quantity=2, account={"account": "13800000001"})], at=T0)
    assert other.value.order_no == intent(1).order_no and other.value.code == "ref_conflict"
    assert count(led, "orders") == 1, "a refused intent records nothing"
    # a retry on another offer shares the root's ref; the ref answers with the latest attempt
    led.transition(intent(1).order_no, S.PENDING, S.CANCELLED, at=T0)
    led.create_intents([intent(4, ref="TB-1", attempt_of=intent(1).order_no)], at=T0)
    assert led.by_ref("TB-1")[0].order_no == intent(4).order_no
    with pytest.raises(RefExists) as latest:
        led.create_intents([intent(5, ref="TB-1", account={"account": "13800000001"})], at=T0)
    assert latest.value.order_no == intent(4).order_no


def test_the_repeat_window_compares_every_account_field_and_skips_unpaid_orders(led):
    led.create_intents([intent(1, account={"account": "13800000001", "region": "north"})], at=T0, repeat=WINDOW)
    with pytest.raises(RepeatOrder) as err:
        led.create_intents([intent(2, account={"account": "13800000001", "region": "north"})], at=T0, repeat=WINDOW)
    assert err.value.previous == intent(1).order_no
    led.create_intents([intent(3, account={"account": "13800000001", "region": "south"})], at=T0, repeat=WINDOW)
    led.create_intents([intent(4, account={"account": "13800000001", "region": "north"})], at=T0)   # again: no guard
    # cancelled, and failed with nothing charged, do not count; failed with money taken does
    for no in (intent(1).order_no, intent(4).order_no):
        led.transition(no, S.PENDING, S.CANCELLED, at=T0)
    led.create_intents([intent(5, account={"account": "13800000001", "region": "north"})], at=T0, repeat=WINDOW)
    led.transition(intent(5).order_no, S.PENDING, S.SUBMITTED, at=T0)
    led.transition(intent(5).order_no, S.SUBMITTED, S.FAILED, Transition(charged=0), at=T0)
    led.create_intents([intent(6, account={"account": "13800000001", "region": "north"})], at=T0, repeat=WINDOW)
    led.transition(intent(6).order_no, S.PENDING, S.SUBMITTED, at=T0)
    led.transition(intent(6).order_no, S.SUBMITTED, S.FAILED, Transition(charged=98), at=T0)
    with pytest.raises(RepeatOrder):
        led.create_intents([intent(7, account={"account": "13800000001", "region": "north"})], at=T0, repeat=WINDOW)
    # outside the window it is a new order
    later = RepeatGuard(since=T0 + timedelta(seconds=1), window_s=600)
    led.create_intents([intent(8, account={"account": "13800000001", "region": "north"})],
                       at=T0 + timedelta(minutes=11), repeat=later)


def test_a_batch_line_repeating_an_earlier_line_is_refused_whole(led):
    lines = [intent(1), intent(2, account={"account": "13800000001"})]
    with pytest.raises(RepeatOrder) as err:
        led.create_intents(lines, NewBatch("id-x", "b.csv", 2), at=T0, repeat=WINDOW)
    assert err.value.previous == intent(1).order_no and err.value.line is None
    assert count(led, "orders") == 0 and count(led, "batches") == 0 and count(led, "batch_keys") == 0


def test_a_batch_runs_once_per_repeat_number(led):
    first = led.create_intents([intent(1)], NewBatch("id-1", "b.csv", 1), at=T0)
    with pytest.raises(RepeatBatch) as err:
        led.create_intents([intent(2)], NewBatch("id-1", "copy.csv", 1), at=T0)
    assert err.value.batch_id == first and err.value.code == "repeat_batch"
    with pytest.raises(RepeatBatchUnsettled) as unsettled:       # --again while line 1 is pending
        led.create_intents([intent(2)], NewBatch("id-1", "b.csv", 1, again=True), at=T0)
    assert unsettled.value.batch_id == first
    led.transition(intent(1).order_no, S.PENDING, S.CANCELLED, at=T0)
    second = led.create_intents([intent(2)], NewBatch("id-1", "b.csv", 1, again=True), at=T0)
    assert led._conn.execute("SELECT repeat_no, batch_id FROM batch_keys ORDER BY repeat_no").fetchall() == \
        [(0, first), (1, second)]
    assert led.batch_by_identity("id-1").batch_id == second
    assert count(led, "orders") == 2


# --- the V4 migration ------------------------------------------------------------------------


def legacy_ledger(tmp_path, monkeypatch):
    """A version-3 ledger as the code before the guards wrote it, holding the duplicates
    that code let through: two root orders under one ref, one batch run twice."""
    with monkeypatch.context() as m:
        m.setattr(ledger_sqlite, "MIGRATIONS", schema.MIGRATIONS[:3])
        m.setattr(ledger_sqlite, "LATEST", 3)
        m.setattr(guards, "guard_batch", lambda c, b: 0)
        m.setattr(guards, "record_batch_key", lambda *a: None)
        m.setattr(guards, "guard_ref", lambda c, n: None)
        m.setattr(ledger_sqlite, "guard_attempt", lambda c, n: None)      # nor the attempts (V7)
        led = open_ledger(tmp_path / "data")
        try:
            led.create_intents([intent(1, ref="TB-1")], at=T0)
            led.create_intents([intent(2, ref="TB-1", account={"account": "13800000001"})], at=T0)   # paid twice
            led.create_intents([intent(3, ref="TB-2")], at=T0)
            led.create_intents([intent(4, ref="TB-2", attempt_of=intent(3).order_no)], at=T0)       # an attempt
            b1 = led.create_intents([intent(5, note="a"), intent(6)], NewBatch("old-1", "b.csv", 2), at=T0)
            b2 = led.create_intents([intent(7, account={"account": "13800000006"}, note="b"),
                                     intent(8, account={"account": "13800000005"})], NewBatch("old-2", "b2.csv", 2), at=T0)
            b3 = led.create_intents([intent(9)], NewBatch("old-3", "c.csv", 1), at=T0)
            assert led._conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == 3
        finally:
            led.close()
    return b1, b2, b3


def test_migration_backfills_the_guards_and_lists_existing_duplicates(tmp_path, monkeypatch):
    b1, b2, b3 = legacy_ledger(tmp_path, monkeypatch)
    led = open_ledger(tmp_path / "data")                      # never refuses to open
    try:
        assert list((tmp_path / "data" / "backups").glob("*-v3.db")), "a backup before migrating"
        refs = dict((r[0], r[1:]) for r in led._conn.execute("SELECT ref, order_no, fingerprint FROM order_refs"))
        assert refs["TB-1"] == (intent(1).order_no, ref_fingerprint("demo:HF-CM-100", {"account": "13800000001"}, 1))
        assert refs["TB-2"][0] == intent(3).order_no
        same = batch_identity_of([("demo:HF-CM-100", {"account": "13800000005"}, 1),
                                  ("demo:HF-CM-100", {"account": "13800000006"}, 1)])
        keys = led._conn.execute("SELECT identity, repeat_no, batch_id FROM batch_keys ORDER BY batch_id").fetchall()
        assert keys[:2] == [(same, 0, b1), (same, 1, b2)] and keys[2][1:] == (0, b3)
        dups = led.guard_duplicates()
        assert [(d.kind, d.key, d.kept, d.duplicate) for d in dups] == [
            ("batch", same, str(b1), str(b2)), ("ref", "TB-1", intent(1).order_no, intent(2).order_no)]
        assert led.verify().ok
        # from now on the store holds them
        with pytest.raises(RefExists):
            led.create_intents([intent(10, ref="TB-1", account={"account": "13800000001"})], at=T0)
        with pytest.raises(RepeatBatch) as err:
            led.create_intents([intent(11)], NewBatch(same, "again.csv", 2), at=T0)
        assert err.value.batch_id == b2
    finally:
        led.close()


def test_claims_show_the_duplicates_the_migration_found(tmp_path, monkeypatch):
    home = tmp_path
    legacy_ledger(tmp_path, monkeypatch)
    env = base_env(home)
    r = run_cli(env, "claims", "--json")
    assert r.code == 0, r.stdout + r.stderr
    import jsonschema

    schema_doc = json.loads((Path(__file__).parents[1] / "engine" / "cli_schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(r.json, {**schema_doc, "$ref": "#/$defs/claims_list"})
    assert {(d["kind"], d["kept"], d["duplicate"]) for d in r.json["duplicates"]} >= {
        ("ref", intent(1).order_no, intent(2).order_no)}
    people = run_cli(env, "--lang", "en", "claims")
    assert "TB-1" in people.stdout and intent(2).order_no in people.stdout and "charged twice" in people.stdout
    assert json.loads(run_cli(env, "ledger", "verify", "--json").stdout)["ok"] is True


def test_migration_never_refuses_to_open_a_ledger_edited_by_hand(tmp_path, monkeypatch):
    import sqlite3

    legacy_ledger(tmp_path, monkeypatch)
    con = sqlite3.connect(tmp_path / "data" / "ledger.db")
    con.execute("UPDATE orders SET account = 'not json' WHERE order_no = ?", (intent(1).order_no,))
    con.commit()
    con.close()
    led = open_ledger(tmp_path / "data")
    try:
        assert led._conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == schema.LATEST
        assert count(led, "order_refs") == 2
        assert not led.verify().ok                      # the edit is still reported by verify
    finally:
        led.close()
