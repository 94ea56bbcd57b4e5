"""The team ledger's anchor (issue 19): a terminal keeps the highest (seq, hash) it has
seen in its state dir and refuses chained writes (AnchorMismatch, exit 4) when the
server's chain no longer holds it: an older dump restored, events removed."""

from __future__ import annotations

from decimal import Decimal

import psycopg
import pytest
from hypothesis import given, settings, strategies as st

from kameng_tui.domain.errors import AnchorMismatch
from kameng_tui.domain.states import OrderState as S
from kameng_tui.ledger.anchor import read_anchor
from kameng_tui.ledger.pg.team import TeamLedger
from kameng_tui.ledger.sqlite import open_ledger
from test_store import T0, intent


def open_team(url, tmp_path):
    return TeamLedger(url, local=open_ledger(tmp_path / "data"), state_dir=tmp_path / "state")


def test_a_server_chain_shorter_than_the_terminals_anchor_refuses_chained_writes(pg_url, tmp_path):
    import pgkit

    led = open_team(pg_url, tmp_path)
    led.create_intents([intent(i) for i in range(3)], at=T0)
    led.transition(intent(0).order_no, S.PENDING, S.SUBMITTED, at=T0)
    assert read_anchor(led.anchor_path).seq == 4
    led.close()
    # the team's database replaced by an older copy: same ledger, two events
    older, name = pgkit.server().fresh()
    try:
        with psycopg.connect(older, autocommit=True) as conn:
            conn.execute("UPDATE meta SET value = %s WHERE key = 'ledger_id'", (led.ledger_id,))
        old = open_team(older, tmp_path)
        try:
            with pytest.raises(AnchorMismatch) as err:
                old.create_intents([intent(11)], at=T0)
            assert err.value.reason == "ahead" and err.value.anchored_seq == 4 and err.value.exit_code == 4
            assert old.get(intent(11).order_no) is None, "a refused write records nothing"
            assert old.anchor_problem() is not None and not old.verify().ok
            old.save_draft(None, "{}", at=T0)                  # unchained, local: still works
            reset = old.accept_restore("restored last night's dump", at=T0)
            assert reset.chain_seq == 0 and old.anchor_problem() is None
            old.create_intents([intent(12)], at=T0)
            assert old.verify().ok
        finally:
            old.close()
    finally:
        pgkit.server().drop(name)


def test_events_are_append_only_by_the_servers_own_rules(pg_url, tmp_path):
    """Even the table's owner: UPDATE, DELETE and TRUNCATE of events are refused by
    triggers (SQLSTATE 42501), and the chain stays as it was."""
    led = open_team(pg_url, tmp_path)
    try:
        led.create_intents([intent(1)], at=T0)
        with psycopg.connect(pg_url, autocommit=True) as conn:
            for sql in ("UPDATE events SET body = '{}' WHERE seq = 1", "DELETE FROM events WHERE seq = 1",
                        "TRUNCATE events"):
                with pytest.raises(psycopg.Error) as err:
                    conn.execute(sql)
                assert err.value.sqlstate == "42501", sql
        assert led.verify().ok and led.verify().events == 1
    finally:
        led.close()


def test_both_stores_hash_the_same_events_to_the_same_chain(pg_url, tmp_path):
    """ledger/chain.py is the one definition of the event hash: the same intents, batch,
    cancel and anomaly at the same times give the same (seq, kind, hash) on both stores."""
    from kameng_tui.ledger.store import NewBatch

    def story(led):
        led.create_intents([intent(1), intent(2, ref="TB-9", customer="张三")], at=T0)
        led.create_intents([intent(3, line_id=1)], NewBatch("same-id", "b.csv", 1), at=T0)
        led.transition(intent(2).order_no, S.PENDING, S.CANCELLED, at=T0)
        led.record(intent(1).order_no, "anomaly", {"why": "余额不符"}, at=T0)
        return [(e.seq, e.kind, e.hash) for no in (intent(1).order_no, intent(2).order_no, intent(3).order_no)
                for e in led.events(no)]

    local = open_ledger(tmp_path / "sqlite")
    team = open_team(pg_url, tmp_path / "t")
    try:
        assert story(local) == story(team)
    finally:
        local.close()
        team.close()


amounts = st.decimals(min_value=Decimal("0"), max_value=Decimal("999.9999"), places=4)


@settings(max_examples=12, deadline=None)
@given(steps=st.lists(st.tuples(st.sampled_from(["submitted", "processing", "succeeded", "failed", "unknown",
                                                 "cancelled", "refunded"]), amounts), min_size=1, max_size=8))
def test_team_projection_in_numeric_is_the_fold_of_its_events(tmp_path_factory, steps):
    """Money as NUMERIC on the server: the orders row read back (in units) is exactly
    `chain.project` of the events, whatever amounts the transitions carry."""
    import pgkit

    from kameng_tui.domain.states import IllegalTransition
    from kameng_tui.ledger import chain
    from kameng_tui.ledger.store import Transition

    gen = pgkit.fresh_database()
    url = next(gen)
    led = open_team(url, tmp_path_factory.mktemp("p"))
    try:
        led.create_intents([intent(1)], at=T0)
        no = intent(1).order_no
        for state, amount in steps:
            try:
                led.transition(no, led.get(no).state, S(state), Transition(charged=amount, refunded=amount / 2), at=T0)
            except IllegalTransition:
                continue
        events = led._conn.execute("SELECT order_no, kind, at, body FROM events ORDER BY seq").fetchall()
        from kameng_tui.ledger.pg.reads import COLUMNS, units_row

        stored = units_row(led._conn.execute(f"SELECT {COLUMNS} FROM orders o").fetchone())
        assert chain.project(events)[no] == stored
        o = led.get(no)
        assert o.profit == o.revenue - (o.charged - o.refunded)
        assert led.verify().ok
    finally:
        led.close()
        next(gen, None)
