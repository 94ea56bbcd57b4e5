"""Failover attempts in the store (issue 18): a failed order is followed by at most one
next attempt (`order_attempts`, written in the intent's transaction), only after a
settled order that holds nothing (failed or cancelled), never after an unknown; an
attempt shares the root's ref, keeps its batch line, is exempt from the repeat window,
and `ledger verify` rebuilds the attempts from the chain. Both stores."""

from __future__ import annotations

import sqlite3
from datetime import timedelta

import pytest

from kameng_tui.domain.failover_errors import AttemptRefused, AttemptTaken
from kameng_tui.domain.errors import RepeatOrder
from kameng_tui.domain.states import OrderState as S
from kameng_tui.ledger.store import NewBatch, RepeatGuard, Transition
from test_store import T0, intent

WINDOW = RepeatGuard(since=T0 - timedelta(minutes=10), window_s=600)
ACCOUNT = {"account": "13800000001"}


def fail(led, no: str, charged: int = 0) -> None:
    led.transition(no, S.PENDING, S.SUBMITTED, at=T0)
    led.transition(no, S.SUBMITTED, S.FAILED, Transition(charged=charged), at=T0)


def test_a_failed_order_has_one_next_attempt_sharing_its_ref(led):
    led.create_intents([intent(1, ref="TB-9", account=ACCOUNT)], at=T0)
    root = intent(1).order_no
    fail(led, root)
    led.create_intents([intent(2, ref="TB-9", account=ACCOUNT, sku="refb:R1", supplier="refb", attempt_of=root)],
                       at=T0, repeat=WINDOW)
    assert [o.order_no for o in led.by_ref("TB-9")] == [intent(2).order_no, root]
    assert led.get(intent(2).order_no).attempt_of == root
    with pytest.raises(AttemptTaken) as taken:        # another terminal failed it over first
        led.create_intents([intent(3, ref="TB-9", account=ACCOUNT, attempt_of=root)], at=T0)
    assert taken.value.order_no == intent(2).order_no
    assert led.get(intent(3).order_no) is None, "a refused attempt records nothing"
    assert led.verify().ok


def test_no_attempt_after_an_order_that_may_still_deliver(led):
    led.create_intents([intent(1, account=ACCOUNT)], at=T0)
    root = intent(1).order_no
    led.transition(root, S.PENDING, S.SUBMITTED, at=T0)
    led.transition(root, S.SUBMITTED, S.UNKNOWN, at=T0)
    with pytest.raises(AttemptRefused) as refused:
        led.create_intents([intent(2, account=ACCOUNT, attempt_of=root)], at=T0)
    assert refused.value.state == "unknown" and refused.value.exit_code == 3
    with pytest.raises(AttemptRefused):
        led.create_intents([intent(3, account=ACCOUNT, attempt_of="KM-NO-SUCH-ORDER")], at=T0)
    assert led.get(intent(2).order_no) is None and led.get(intent(3).order_no) is None


def test_attempts_of_one_chain_are_exempt_from_the_repeat_window(led):
    led.create_intents([intent(1, account=ACCOUNT)], at=T0)              # an earlier order, still open
    led.create_intents([intent(2, account=ACCOUNT)], at=T0)              # `--again`: the person said yes
    fail(led, intent(2).order_no)
    led.create_intents([intent(3, account=ACCOUNT, attempt_of=intent(2).order_no)], at=T0, repeat=WINDOW)
    with pytest.raises(RepeatOrder):                                     # anything else still asks
        led.create_intents([intent(4, account=ACCOUNT)], at=T0, repeat=WINDOW)


def test_a_batch_line_holds_its_attempts_and_shows_the_latest(led):
    batch_id = led.create_intents([intent(1, line_id=1), intent(2, line_id=2)], NewBatch("id-a", "b.csv", 2), at=T0)
    first = intent(1, line_id=1).order_no
    fail(led, first)
    led.create_intents([intent(3, line_id=1, batch_id=batch_id, attempt_of=first, sku="refb:R1", supplier="refb")],
                       at=T0)
    lines = led.batch_orders(batch_id)
    assert [o.order_no for o in lines] == [intent(3).order_no, intent(2).order_no]
    assert [o.state for o in lines] == [S.PENDING, S.PENDING]
    assert lines[0].batch_id == batch_id and lines[0].line_id == 1
    assert led.get_batch(batch_id).counts == {"pending": 2}
    assert led.verify().ok


def test_verify_rebuilds_the_attempts_from_the_chain(led, backend, tmp_path, request):
    led.create_intents([intent(1, account=ACCOUNT)], at=T0)
    fail(led, intent(1).order_no)
    led.create_intents([intent(2, account=ACCOUNT, attempt_of=intent(1).order_no)], at=T0)
    assert led.verify().ok
    sql = "UPDATE order_attempts SET order_no = 'KM-SOMETHING-ELSE'"
    if backend == "sqlite":
        con = sqlite3.connect(tmp_path / "data" / "ledger.db")
        con.execute(sql)
        con.commit()
        con.close()
    else:
        import psycopg

        with psycopg.connect(request.getfixturevalue("pg_url"), autocommit=True) as con:
            con.execute(sql)
    report = led.verify()
    assert not report.ok
    assert [p.kind for p in report.problems] == ["attempt_diff"]
    assert report.problems[0].order_no == intent(2).order_no
