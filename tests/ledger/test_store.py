"""The SQLite store on real files: CAS, durability settings, paging, search, totals."""

from __future__ import annotations

import os
import stat
import threading
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st

from kameng_tui.domain.errors import BadInput
from kameng_tui.domain.history import HistoryFilter
from kameng_tui.domain.models import Delivery
from kameng_tui.domain.states import IllegalTransition, OrderState as S
from kameng_tui.ledger import chain
from kameng_tui.ledger.sqlite import open_ledger
from kameng_tui.ledger.store import NewBatch, NewOrder, Transition

T0 = datetime(2026, 11, 1, 4, 0, tzinfo=timezone.utc)


def intent(i: int, **kw) -> NewOrder:
    base = dict(order_no=f"KM261101120000TEST{i:06d}", sku="demo:HF-CM-100", supplier="demo", product_id="HF-CM-100",
                product_name=kw.pop("name", "移动话费100元 直充"), category="话费/中国移动", delivery=Delivery.DIRECT,
                quantity=1, account={"account": f"1380000{i:04d}"}, unit_cost=Decimal("98.5000"),
                unit_price=Decimal("100.00"), request_json="{}", ref=kw.pop("ref", None), customer=kw.pop("customer", None))
    base.update(kw)
    return NewOrder(**base)


def test_durability_settings_and_file_modes(sqlite_led, tmp_path):
    con = sqlite_led._conn
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert con.execute("PRAGMA synchronous").fetchone()[0] == 2
    assert stat.S_IMODE(os.stat(tmp_path / "data" / "ledger.db").st_mode) == 0o600


def test_cas_changes_once_and_records_one_event(led):
    led.create_intents([intent(1)], at=T0)
    no = intent(1).order_no
    assert led.transition(no, S.PENDING, S.SUBMITTED, at=T0)
    assert not led.transition(no, S.PENDING, S.SUBMITTED, at=T0)          # lost CAS: no event, no error
    assert [e.kind for e in led.events(no)] == ["created", "submitted"]
    with pytest.raises(IllegalTransition):
        led.transition(no, S.SUBMITTED, S.CANCELLED, at=T0)
    assert led.transition(no, S.SUBMITTED, S.SUCCEEDED, Transition(charged=Decimal("98.5")), at=T0)
    order = led.get(no)
    assert order.state is S.SUCCEEDED and order.charged == Decimal("98.5000")
    assert order.revenue == Decimal("100.0000") and order.profit == Decimal("1.5000")
    assert led.verify().ok


def test_threads_writing_at_once_lose_nothing(led):
    led.create_intents([intent(i) for i in range(200)], at=T0)

    def worker(lo: int) -> None:
        for i in range(lo, lo + 50):
            led.transition(intent(i).order_no, S.PENDING, S.SUBMITTED, at=T0)
            led.transition(intent(i).order_no, S.PENDING, S.SUBMITTED, at=T0)   # racing duplicate

    threads = [threading.Thread(target=worker, args=(lo,)) for lo in (0, 0, 50, 100, 150)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert len(led.in_state([S.SUBMITTED])) == 200
    report = led.verify()
    assert report.ok and report.events == 400


def test_history_pages_concatenate_to_the_filtered_set(led):
    led.create_intents([intent(i) for i in range(0, 60)], at=T0)
    led.create_intents([intent(i) for i in range(60, 130)], at=T0 + timedelta(hours=1))
    seen, cursor = [], None
    while True:
        page = led.history(HistoryFilter(), limit=17, cursor=cursor)
        seen += [o.order_no for o in page.items]
        cursor = page.next_cursor
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == 130
    assert seen[:70] == sorted((intent(i).order_no for i in range(60, 130)), reverse=True)
    assert led.history(HistoryFilter(since=T0 + timedelta(minutes=30)), with_total=True).total == 70
    with pytest.raises(BadInput):
        led.history(HistoryFilter(), cursor="not-a-cursor!!")


def test_text_search_finds_chinese_and_accounts(led):
    led.create_intents([intent(1, name="王者荣耀点券60元"), intent(2, name="腾讯视频VIP会员月卡 卡密"),
                        intent(3, ref="TB2026001", customer="张三")], at=T0)
    names = lambda q: {o.product_name for o in led.history(HistoryFilter(search=q)).items}  # noqa: E731
    assert names("王者荣耀") == {"王者荣耀点券60元"}
    assert names("视频") == {"腾讯视频VIP会员月卡 卡密"}           # 2 characters: the LIKE path
    assert len(led.history(HistoryFilter(search="13800000002")).items) == 1
    assert len(led.history(HistoryFilter(search="TB2026001")).items) == 1
    assert led.history(HistoryFilter(search="没有这个")).items == ()
    assert len(led.history(HistoryFilter(account="13800000003")).items) == 1


def test_customer_refund_reduces_revenue_and_is_bounded(led):
    led.create_intents([intent(1)], at=T0)
    no = intent(1).order_no
    led.transition(no, S.PENDING, S.SUBMITTED, at=T0)
    led.transition(no, S.SUBMITTED, S.SUCCEEDED, Transition(charged=Decimal("98.5")), at=T0)
    after = led.customer_refund(no, Decimal("20"), "客户申请", at=T0)
    assert after.revenue == Decimal("80.0000") and after.profit == Decimal("-18.5000")
    with pytest.raises(BadInput):
        led.customer_refund(no, Decimal("80.01"), "too much", at=T0)
    assert led.verify().ok


def test_batch_intents_in_one_transaction(led):
    batch_id = led.create_intents([intent(i, line_id=i + 1) for i in range(5)],
                                  NewBatch(identity="abc", source="x.csv", line_count=5), at=T0)
    assert [o.line_id for o in led.batch_orders(batch_id)] == [1, 2, 3, 4, 5]
    assert led.batch_by_identity("abc").counts == {"pending": 5}
    with pytest.raises(BadInput):   # a duplicate number rolls the whole batch back
        led.create_intents([intent(10), intent(1)], NewBatch(identity="def", source="y", line_count=2), at=T0)
    assert led.get(intent(10).order_no) is None and led.batch_by_identity("def") is None


def test_migration_of_an_existing_ledger_takes_a_backup(tmp_path, monkeypatch):
    led = open_ledger(tmp_path / "data")
    led.create_intents([intent(1)], at=T0)
    led.close()
    import kameng_tui.ledger.sqlite as mod

    nxt = mod.LATEST + 1
    monkeypatch.setattr(mod, "MIGRATIONS", mod.MIGRATIONS + ((nxt, "CREATE TABLE extra (x INTEGER) STRICT;"),))
    monkeypatch.setattr(mod, "LATEST", nxt)
    led2 = open_ledger(tmp_path / "data")
    try:
        backups = list((tmp_path / "data" / "backups").glob(f"ledger-*-v{nxt - 1}.db"))
        assert len(backups) == 1 and stat.S_IMODE(os.stat(backups[0]).st_mode) == 0o600
        assert led2._conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == nxt
        assert led2.get(intent(1).order_no) is not None and led2.verify().ok
    finally:
        led2.close()


amounts = st.decimals(min_value=Decimal("0"), max_value=Decimal("999.9999"), places=4)


@settings(max_examples=40, deadline=None)
@given(steps=st.lists(st.tuples(st.sampled_from(["submitted", "processing", "succeeded", "failed", "unknown",
                                                 "cancelled", "refunded"]), amounts), min_size=1, max_size=8))
def test_projection_rebuilt_from_events_equals_orders(tmp_path_factory, steps):
    led = open_ledger(tmp_path_factory.mktemp("p"))
    try:
        led.create_intents([intent(1)], at=T0)
        no = intent(1).order_no
        for state, amount in steps:
            current = led.get(no).state
            try:
                led.transition(no, current, S(state), Transition(charged=amount, refunded=amount / 2), at=T0)
            except IllegalTransition:
                continue
        rows = chain.project((r[0], r[1], r[2], r[3]) for r in led._conn.execute(
            "SELECT order_no, kind, at, body FROM events ORDER BY seq"))
        stored = dict(zip(chain.ROW_COLUMNS, led._conn.execute(
            f"SELECT {', '.join(chain.ROW_COLUMNS)} FROM orders").fetchone()))
        assert rows[no] == stored
        assert led.verify().ok          # the SQL rebuild in verify agrees with chain.apply
        o = led.get(no)
        assert o.profit == o.revenue - (o.charged - o.refunded)
    finally:
        led.close()


def test_two_processes_creating_one_new_ledger_both_get_wal(tmp_path):
    """A fresh file opened by two processes at once: neither fails, both are in WAL."""
    import subprocess
    import sys

    code = ("import sys; from pathlib import Path; from kameng_tui.ledger.sqlite import open_ledger; "
            "l = open_ledger(Path(sys.argv[1])); print(l._conn.execute('PRAGMA journal_mode').fetchone()[0]); l.close()")
    for i in range(12):
        d = tmp_path / f"r{i}"
        procs = [subprocess.Popen([sys.executable, "-c", code, str(d)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True) for _ in range(2)]
        outs = [p.communicate(timeout=60) for p in procs]
        assert [o.strip() for o, _ in outs] == ["wal", "wal"], outs


def test_anchor_deferred_lags_then_catches_up_and_verifies(led):
    """A sending batch moves the anchor at most every ANCHOR_LAG_S: a lagging anchor
    still verifies, and the anchor reaches the head when the batch block ends."""
    from kameng_tui.ledger.anchor import read_anchor

    led.create_intents([intent(i) for i in range(20)], at=T0)
    head = read_anchor(led.anchor_path).seq
    with led.anchor_deferred():
        for i in range(20):
            led.transition(f"KM261101120000TEST{i:06d}", S.PENDING, S.SUBMITTED, at=T0)
        lagging = read_anchor(led.anchor_path).seq
        assert head <= lagging < head + 20          # moved at most once in 20 fast commits
        assert led.verify().ok                     # a lagging anchor is not tampering
    assert read_anchor(led.anchor_path).seq == head + 20
    assert led.verify().ok
    led.transition("KM261101120000TEST000000", S.SUBMITTED, S.SUCCEEDED, Transition(charged=Decimal("98.5")), at=T0)
    assert read_anchor(led.anchor_path).seq == head + 21     # outside the block: after every commit
