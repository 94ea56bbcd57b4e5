"""The team terminal's offline mirror and live updates (issue 20): each terminal keeps a
read-only copy of the team ledger in the local SQLite schema (FTS5 included), caught up
by seq and chain-checked; history and search read it with the server up or down; an
order placed on one terminal reaches the others within a second (NOTIFY as a hint, a
catch-up by seq as the truth). All against the real PostgreSQL of tests/pgkit.py."""

from __future__ import annotations

import time
from decimal import Decimal

import psycopg
import pytest

from kameng_tui.domain.errors import KamengError, StorageError
from kameng_tui.domain.history import HistoryFilter
from kameng_tui.domain.states import OrderState as S
from kameng_tui.ledger import chain
from kameng_tui.ledger.pg.mirror import MirrorDiverged
from kameng_tui.ledger.pg.reads import COLUMNS, units_row
from kameng_tui.ledger.pg.team import TeamLedger
from kameng_tui.ledger.sqlite import open_ledger
from kameng_tui.ledger.store import Transition
from kameng_tui.ledger.values import SealedCard
from kameng_tui.messages import render
from test_store import T0, intent

UNREACHABLE = "postgresql://nobody@/kameng?host=/nonexistent-kameng-socket-dir"


def open_team(url, home):
    return TeamLedger(url, local=open_ledger(home / "data"), state_dir=home / "state")


def mirror_file(home):
    """The mirror as a plain SQLite ledger file, opened on its own (not through the team store)."""
    return open_ledger(home / "data" / "mirror")


def wait_for(check, within_s: float) -> float:
    start = time.monotonic()
    while time.monotonic() - start < within_s:
        if check():
            return time.monotonic() - start
        time.sleep(0.01)
    raise AssertionError(f"not within {within_s} s")


def test_the_mirror_is_the_team_chain_with_history_and_search_in_the_local_schema(pg_url, tmp_path):
    a, b = open_team(pg_url, tmp_path / "a"), open_team(pg_url, tmp_path / "b")
    try:
        a.create_intents([intent(1, name="王者荣耀点券60元"), intent(2), intent(3, customer="老王")], at=T0)
        a.transition(intent(1).order_no, S.PENDING, S.SUBMITTED, at=T0)
        assert b.mirror.catch_up(b._conn, b.ledger_id) == 4
        page = b.history(HistoryFilter(search="王者荣耀"))
        assert [o.order_no for o in page.items] == [intent(1).order_no]
        assert page.items[0].state is S.SUBMITTED
        assert [o.order_no for o in b.history(HistoryFilter(search="老王")).items] == [intent(3).order_no]
    finally:
        a.close(), b.close()
    m = mirror_file(tmp_path / "b")
    try:
        with psycopg.connect(pg_url) as conn:
            server = conn.execute("SELECT seq, hash FROM events ORDER BY seq").fetchall()
        assert m._conn.execute("SELECT seq, hash FROM events ORDER BY seq").fetchall() == server
        with psycopg.connect(pg_url) as conn:
            server_rows = [units_row(r) for r in conn.execute(f"SELECT {COLUMNS} FROM orders o ORDER BY seq")]
        mirror_rows = [dict(zip(chain.ROW_COLUMNS, r)) for r in m._conn.execute(
            f"SELECT {', '.join(chain.ROW_COLUMNS)} FROM orders ORDER BY seq")]
        assert mirror_rows == server_rows, "the mirror's orders are the server's, column for column"
        assert m.ledger_id == a.ledger_id
        assert m.verify().ok, "the mirror file passes `ledger verify` as any local ledger does"
        assert [o.order_no for o in m.history(HistoryFilter(search="话费")).items] == [
            intent(3).order_no, intent(2).order_no]
    finally:
        m.close()


def test_cards_and_sealed_fields_reach_the_mirror_as_the_server_holds_them(pg_url, tmp_path):
    """Export and the order's detail read the mirror: a delivered 卡密 order's sealed rows too."""
    a, b = open_team(pg_url, tmp_path / "a"), open_team(pg_url, tmp_path / "b")
    try:
        no = intent(1).order_no
        a.create_intents([intent(1, quantity=2, sealed={"password": b"sealed-blob"})], at=T0)
        a.transition(no, S.PENDING, S.SUBMITTED, at=T0)
        a.transition(no, S.SUBMITTED, S.SUCCEEDED, Transition(charged=Decimal("197"), delivered_qty=2, cards=(
            SealedCard(0, b"n0", b"p0", "2027-01-01"), SealedCard(1, b"n1", b"p1"))), at=T0)
        assert b.cards(no) == [SealedCard(0, b"n0", b"p0", "2027-01-01"), SealedCard(1, b"n1", b"p1")]
        assert b.mirror.db.sealed_fields(no) == {"password": b"sealed-blob"}
        assert b.mirror.db.get(no).delivered_qty == 2
    finally:
        a.close(), b.close()


def test_a_terminal_s_own_writes_are_in_its_history_at_once_and_in_its_mirror_when_it_closes(pg_url, tmp_path):
    """Its history shows a write when the call returns, and the mirror holds every write
    of the session once the terminal closes, for review offline."""
    a = open_team(pg_url, tmp_path / "a")
    try:
        assert a.history(HistoryFilter()).items == ()        # its history is open: the mirror is made
        a.create_intents([intent(1)], at=T0)
        a.transition(intent(1).order_no, S.PENDING, S.SUBMITTED, at=T0)
        assert [o.state for o in a.history(HistoryFilter()).items] == [S.SUBMITTED]
        a.create_intents([intent(2)], at=T0)
        a.transition(intent(2).order_no, S.PENDING, S.SUBMITTED, at=T0)
    finally:
        a.close()
    m = mirror_file(tmp_path / "a")
    try:
        assert m._conn.execute("SELECT max(seq) FROM events").fetchone()[0] == 4
        assert m.get(intent(2).order_no).state is S.SUBMITTED
    finally:
        m.close()


def test_a_read_whose_catch_up_failed_online_is_answered_by_the_server_with_the_own_unknown(pg_url, tmp_path,
                                                                                              monkeypatch):
    """The failover's "was it ever unknown?" reads the order's events: when the mirror's
    catch-up fails with the server still up (a statement timeout), the mirror lacks the
    terminal's own last writes, so the server answers; the `unknown` is never missed."""
    a = open_team(pg_url, tmp_path / "a")
    try:
        assert a.history(HistoryFilter()).items == ()        # its mirror is made (and just caught up)
        no = intent(1).order_no
        a.create_intents([intent(1)], at=T0)
        a.transition(no, S.PENDING, S.SUBMITTED, at=T0)
        a.transition(no, S.SUBMITTED, S.UNKNOWN, at=T0)
        a.transition(no, S.UNKNOWN, S.FAILED, at=T0)

        def timed_out(*args, **kw):
            raise psycopg.errors.QueryCanceled("canceling statement due to statement timeout")

        monkeypatch.setattr(a.mirror, "catch_up", timed_out)
        assert a.get(no).state is S.FAILED
        assert any(e.kind == "unknown" or e.body.get("state") == "unknown" for e in a.events(no))
    finally:
        monkeypatch.undo()
        a.close()


def test_a_server_chain_that_does_not_extend_the_mirror_stops_it(pg_url, tmp_path):
    import pgkit

    a = open_team(pg_url, tmp_path / "a")
    a.history(HistoryFilter())                       # its history was shown: it has a mirror
    a.create_intents([intent(1), intent(2)], at=T0)
    ledger_id = a.ledger_id
    a.close()
    other, name = pgkit.server().fresh()            # the same ledger id, another history
    try:
        with psycopg.connect(other, autocommit=True) as conn:
            conn.execute("UPDATE meta SET value = %s WHERE key = 'ledger_id'", (ledger_id,))
        w = open_team(other, tmp_path / "w")
        w.create_intents([intent(7), intent(8), intent(9)], at=T0)
        w.close()
        (tmp_path / "a" / "state" / "ledger-pg.head").unlink()      # the anchor alone would refuse writes first
        b = open_team(other, tmp_path / "a")
        try:
            with pytest.raises(MirrorDiverged) as err:
                b.mirror.catch_up(b._conn, b.ledger_id)
            assert err.value.held_seq == 2
            assert "副本" in render(err.value.msg, "zh") and "mirror" in render(err.value.msg, "en")
            assert b.mirror.problem is not None, "it stays stopped"
            assert b.mirror.last_seq() == 2, "what it held is kept as it was"
            assert [o.order_no for o in b.mirror.db.history(HistoryFilter()).items] == [
                intent(2).order_no, intent(1).order_no]
        finally:
            b.close()
    finally:
        pgkit.server().drop(name)


def test_offline_the_terminal_reads_its_mirror_and_refuses_to_order(pg_url, tmp_path):
    a = open_team(pg_url, tmp_path / "a")
    a.history(HistoryFilter())                       # its history was shown: it has a mirror
    a.create_intents([intent(1, name="腾讯视频会员月卡"), intent(2)], at=T0)
    a.set_offer_link("demo:HF-CM-30", "demo:HF-CM-50", at=T0)   # the catalog's products offline too
    a.close()
    off = open_team(UNREACHABLE, tmp_path / "a")
    try:
        status = off.team_status()
        assert not status.online and status.synced_at is not None
        assert [o.order_no for o in off.history(HistoryFilter(search="腾讯视频")).items] == [intent(1).order_no]
        assert off.get(intent(2).order_no) is not None
        assert [(k.sku, k.target) for k in off.offer_links()] == [("demo:HF-CM-30", "demo:HF-CM-50")]
        with pytest.raises(StorageError) as err:
            off.create_intents([intent(3)], at=T0)
        zh, en = render(err.value.msg, "zh"), render(err.value.msg, "en")
        assert "无法连接" in zh and "未记下" in zh and "unreachable" in en and "nothing was recorded" in en
    finally:
        off.close()
    back = open_team(pg_url, tmp_path / "a")
    try:
        assert back.get(intent(3).order_no) is None, "nothing was queued behind the user's back"
        assert back.team_status().online
    finally:
        back.close()


def test_a_terminal_never_synced_refuses_to_open_offline(tmp_path):
    with pytest.raises(KamengError):
        open_team(UNREACHABLE, tmp_path / "n")


def test_an_order_on_one_terminal_reaches_another_within_a_second(pg_url, tmp_path):
    a, b = open_team(pg_url, tmp_path / "a"), open_team(pg_url, tmp_path / "b")
    try:
        b.others_wrote()                                   # an open face starts watching
        a.create_intents([intent(1)], at=T0)
        took = wait_for(b.others_wrote, 1.0)               # what the face's feed polls
        assert b.mirror.db.get(intent(1).order_no) is not None, "in the mirror when the feed wakes"
        assert [c.order_no for c in b.changes_since(0)] == [intent(1).order_no]
        assert took < 1.0
    finally:
        a.close(), b.close()


def test_the_listener_catches_up_after_its_connection_was_cut(pg_url, tmp_path):
    a, b = open_team(pg_url, tmp_path / "a"), open_team(pg_url, tmp_path / "b")
    try:
        b.others_wrote()
        wait_for(lambda: b.listening(), 2.0)
        with psycopg.connect(pg_url, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                          "WHERE application_name = 'kameng-tui-listen' AND datname = current_database()")
        a.create_intents([intent(1)], at=T0)               # its NOTIFY may reach no one
        wait_for(lambda: b.mirror.db.get(intent(1).order_no) is not None, 3.0)
    finally:
        a.close(), b.close()


def test_the_server_going_away_and_coming_back_mid_session(pg_url, tmp_path):
    """The listener notices, the status says offline, reads go on from the mirror, an order
    is refused and nothing is queued; once the server takes connections again the terminal
    reconnects by itself and writes again."""
    db = pg_url.split("?")[0].rsplit("/", 1)[1]
    a = open_team(pg_url, tmp_path / "a")
    try:
        a.create_intents([intent(1)], at=T0)
        a.others_wrote()                                        # the open app: listener on
        wait_for(lambda: a.listening() and a.mirror.last_seq() == 1, 2.0)     # and caught up
        with psycopg.connect(pg_url.replace(f"/{db}", "/postgres"), autocommit=True) as admin:
            admin.execute(f'ALTER DATABASE "{db}" ALLOW_CONNECTIONS false')
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (db,))
            try:
                wait_for(lambda: not a.team_status().online, 3.0)
                assert [o.order_no for o in a.history(HistoryFilter()).items] == [intent(1).order_no]
                with pytest.raises(StorageError) as err:
                    a.create_intents([intent(2)], at=T0)
                assert "nothing was recorded" in render(err.value.msg, "en")
            finally:
                admin.execute(f'ALTER DATABASE "{db}" ALLOW_CONNECTIONS true')
        wait_for(lambda: a.team_status().online, 8.0)
        a.create_intents([intent(3)], at=T0)
        assert a.get(intent(2).order_no) is None, "the refused order was not queued"
        assert [o.order_no for o in a.history(HistoryFilter()).items] == [intent(3).order_no, intent(1).order_no]
    finally:
        a.close()


def test_a_mirror_of_a_failover_and_a_match_link_passes_verify(pg_url, tmp_path):
    """The mirror holds the side tables `ledger verify` rebuilds from the events: a failed
    order's next attempt (order_attempts) and a match link (offer_links). Without them a
    mirror verified clean on the server reads as tampered (found by review)."""
    from datetime import datetime, timezone

    team = open_team(pg_url, tmp_path / "a")
    try:
        team.create_intents([intent(1)], at=T0)
        root = intent(1).order_no
        team.transition(root, S.PENDING, S.SUBMITTED, at=T0)
        team.transition(root, S.SUBMITTED, S.FAILED, Transition(charged=Decimal("0")), at=T0)
        team.create_intents([intent(2, attempt_of=root)], at=T0)
        now = datetime(2026, 11, 1, 5, 0, tzinfo=timezone.utc)
        team.set_offer_link("demo:HF-CM-100", "demo:HF-CM-50", at=now)
        team.set_offer_link("demo:HF-CM-30", None, at=now)
        team.history(HistoryFilter())             # a read catches the mirror up
    finally:
        team.close()
    mirror = mirror_file(tmp_path / "a")
    try:
        report = mirror.verify()
        assert report.ok, [(p.kind, p.detail) for p in report.problems]
    finally:
        mirror.close()
