"""A batch's intents in one transaction (issue 19's 1,000-intent figure): on PostgreSQL the
rows go in a few statements when every guard passes, and intent by intent when one does
not. What a user sees must not depend on the path: the same chain as SQLite's, the same
refusal for the same line, nothing recorded by a refused batch."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kameng_tui.domain.errors import BadInput, RefConflict, RepeatOrder
from kameng_tui.ledger.store import NewBatch, RepeatGuard
from pgkit import open_backend
from test_guards import count
from test_store import T0, intent

WINDOW = RepeatGuard(since=T0 - timedelta(minutes=10), window_s=600)
LINES = 40                       # above the COPY threshold of ledger/pg/intents.py


def lines(start: int = 0) -> list:
    return [intent(start + i, ref=f"TB-{start + i}", customer=f"c{i % 3}", note="夜班" if i % 2 else None,
                   sealed={"address": bytes([i]) * 12} if i % 5 == 0 else {})
            for i in range(LINES)]


def test_a_batch_writes_the_same_chain_and_rows_on_both_backends(tmp_path, pg_url):
    books = {b: open_backend(b, tmp_path / b, lambda: pg_url) for b in ("sqlite", "pg")}
    try:
        for led in books.values():
            assert led.create_intents([intent(900, ref="ONE")], at=T0, repeat=WINDOW) is None
            led.create_intents(lines(), NewBatch("id-40", "b.csv", LINES), at=T0 + timedelta(seconds=1),
                               repeat=WINDOW)
            assert led.verify().ok
        sq, pg = books["sqlite"], books["pg"]
        hashes = "SELECT seq, kind, order_no, hash FROM events ORDER BY seq"
        assert [tuple(r) for r in pg._conn.execute(hashes).fetchall()] == \
            [tuple(r) for r in sq._conn.execute(hashes).fetchall()]
        for n in lines() + [intent(900)]:
            assert pg.get(n.order_no) == sq.get(n.order_no)
        assert [o.order_no for o in pg.by_ref("TB-7")] == [intent(7).order_no]
    finally:
        for led in books.values():
            led.close()


@pytest.mark.parametrize("clash", ["ref", "repeat", "order_no"])
def test_a_batch_with_one_refused_line_is_refused_for_that_line_and_records_nothing(led, clash):
    old = intent(500, ref="OLD")
    led.create_intents([old], at=T0)
    batch = lines()
    if clash == "ref":
        batch[25] = intent(25, ref="OLD", customer="x")
    elif clash == "repeat":
        batch[30] = intent(30, ref="TB-30", account=old.account)
    else:
        batch[20] = intent(500, ref="TB-20", account={"account": "13900000020"})
    before = count(led, "events")
    expected = {"ref": RefConflict, "repeat": RepeatOrder, "order_no": BadInput}[clash]
    with pytest.raises(expected) as err:
        led.create_intents(batch, NewBatch("id-x", "b.csv", LINES), at=T0, repeat=WINDOW)
    if clash != "order_no":
        assert getattr(err.value, "order_no" if clash == "ref" else "previous") == old.order_no
    assert (count(led, "orders"), count(led, "batches"), count(led, "order_refs"), count(led, "events")) == \
        (1, 0, 1, before)
    # the same batch without the clash goes through whole
    led.create_intents(lines(), NewBatch("id-x", "b.csv", LINES), at=T0, repeat=WINDOW)
    assert count(led, "orders") == 1 + LINES and led.verify().ok
