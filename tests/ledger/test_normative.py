"""The event hash and the projection have one definition each, in chain.py: the
appender's `event_hash` and the fold `project` (over `apply`). `ledger verify`'s fast
paths are SQL forms of them (chain.MESSAGE_SQL in the workers, projection_sql.py);
here both are checked against the Python definitions on a ledger holding every kind
of event, so an SQL form that drifted would be caught before a clean ledger fails
verify or an edited one passes it.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta
from decimal import Decimal

import pytest

from kameng_tui.domain.states import OrderState as S
from kameng_tui.ledger import chain, projection_sql
from kameng_tui.ledger.sqlite import open_ledger
from kameng_tui.ledger.store import NewBatch, Transition

from tests.ledger.test_store import T0, intent

PATHS = {   # each order's states after pending, to visit every state kind
    1: [S.SUBMITTED, S.PROCESSING, S.SUCCEEDED, S.REFUNDED],
    2: [S.SUBMITTED, S.UNKNOWN, S.FAILED],
    3: [S.CANCELLED],
    4: [S.SUBMITTED, S.PENDING],
    5: [S.SUBMITTED, S.SUCCEEDED],
    6: [],
}


@pytest.fixture(scope="module")
def every_kind(tmp_path_factory):
    led = open_ledger(tmp_path_factory.mktemp("normative") / "data")
    at = T0
    led.create_intents([intent(i, note='引号" 😀 e\u0301') for i in (1, 2, 3)], at=at)
    led.create_intents([intent(i, customer="O'Brien") for i in (4, 5, 6)],
                       NewBatch(identity="b1", source="test", line_count=3), at=at)
    for i, path in PATHS.items():
        no, state = intent(i).order_no, S.PENDING
        for new in path:
            at += timedelta(seconds=1)
            change = Transition(charged=Decimal("98.5"), supplier_order_no=f"SO-{i}", delivered_qty=1) \
                if new is S.SUCCEEDED else Transition(refunded=Decimal("98.5")) if new is S.REFUNDED else \
                Transition(reason={"code": "wrong_account", "params": {"account": "1380"}}) if new is S.FAILED else \
                Transition(reason="供应商拒绝") if new is S.PENDING else Transition()
            led.transition(no, state, new, change, at=at)
            state = new
    led.customer_refund(intent(5).order_no, Decimal("20"), "补差价", at=at)
    led.record(intent(2).order_no, "anomaly", {"code": "overcharged", "params": {"charged": "999"}}, at=at)
    led.record(intent(4).order_no, "resend", {"state": "submitted"}, at=at)
    led.record(intent(6).order_no, "unsent", {"why": "stopped"}, at=at)
    led.accept_restore("test", at=at, code="restored_file", params={"file": "x.db"})
    yield led
    led.close()


def test_the_ledger_holds_every_kind_of_event(every_kind):
    kinds = {k for (k,) in every_kind._conn.execute("SELECT DISTINCT kind FROM events")}
    assert kinds >= chain.STATE_KINDS - {"pending"} | {"created", "customer_refund", "batch", "anchor_reset", "anomaly"}
    assert "pending" in kinds                         # submitted -> pending: refused before it was read


def test_the_sql_message_is_the_python_one_for_every_event(every_kind):
    rows = every_kind._conn.execute(
        f"SELECT prev_hash, seq, at, kind, order_no, body, hash, {chain.MESSAGE_SQL} FROM events ORDER BY seq").fetchall()
    assert len(rows) > 20
    for prev_hash, seq, at, kind, order_no, body, stored, message in rows:
        assert message == chain.event_message(prev_hash, seq, at, kind, order_no, body), seq
        assert hashlib.sha256(message).hexdigest() == chain.event_hash(prev_hash, seq, at, kind, order_no, body) == stored


def test_the_sql_projection_is_the_python_fold_for_every_order(every_kind):
    con = every_kind._conn
    folded = chain.project(con.execute("SELECT order_no, kind, at, body FROM events ORDER BY seq"))
    cur = con.execute(projection_sql.rebuilt())
    names = [d[0] for d in cur.description]
    rebuilt = {r["order_no"]: r for r in (dict(zip(names, row)) for row in cur.fetchall())}
    assert set(rebuilt) == set(folded) and len(folded) == len(PATHS)
    for order_no, row in folded.items():
        assert {c: rebuilt[order_no][c] for c in chain.ROW_COLUMNS} == row, order_no
    stored = {r[0]: dict(zip(chain.ROW_COLUMNS, r)) for r in con.execute(
        f"SELECT {', '.join(chain.ROW_COLUMNS)} FROM orders")}
    assert stored == folded                           # the appender wrote what the fold makes
    assert every_kind.verify().ok
