"""Manual offer links (issue 18) kept in the ledger: a correction changes what gets
ordered, so each link and unlink is a chained event beside its row, and survives reopening."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone

from kameng_tui.domain.offer_match import Link
from kameng_tui.ledger.ports import MatchStore
from kameng_tui.ledger.sqlite import open_ledger

from pgkit import open_backend

T0 = datetime(2026, 12, 7, 4, 0, tzinfo=timezone.utc)


def test_links_and_splits_are_kept_chained_and_survive_reopening(backend, tmp_path, request):
    """On both stores: the team ledger keeps the links on the server (issue 19 lists them)."""
    def url() -> str:
        return str(request.getfixturevalue("pg_url"))

    led = open_backend(backend, tmp_path, url)
    try:
        assert not [name for name in dir(MatchStore) if not name.startswith("_") and not hasattr(led, name)]
        assert led.offer_links() == []
        led.set_offer_link("ref:A1", "demo:GM-WZRY-60-D", at=T0)
        led.set_offer_link("ref:B2", None, at=T0)                       # a split: stands alone
        led.set_offer_link("ref:A1", "demo:GM-WZRY-68-D", at=T0)        # a second link replaces the first
        assert led.offer_links() == [Link("ref:A1", "demo:GM-WZRY-68-D"), Link("ref:B2", None)]
        assert led.remove_offer_link("ref:B2", at=T0) == Link("ref:B2", None)
        assert led.remove_offer_link("ref:B2", at=T0) is None           # nothing to unlink: no event
        report = led.verify()
        assert report.ok and report.events == 4
        assert [c.kind for c in led.changes_since(0)] == ["offer_link", "offer_link", "offer_link", "offer_unlink"]
    finally:
        led.close()
    again = open_backend(backend, tmp_path, url)
    try:
        assert again.offer_links() == [Link("ref:A1", "demo:GM-WZRY-68-D")]
    finally:
        again.close()


def test_a_link_edited_behind_the_ledgers_back_is_caught_by_verify(tmp_path):
    led = open_ledger(tmp_path / "data")
    try:
        led.set_offer_link("ref:A1", "demo:GM-WZRY-60-D", at=T0)
    finally:
        led.close()
    con = sqlite3.connect(tmp_path / "data" / "ledger.db")
    con.execute("UPDATE offer_links SET target = 'demo:GM-WZRY-648-D'")
    con.commit()
    con.close()
    led = open_ledger(tmp_path / "data")
    try:
        report = led.verify()
        assert not report.ok
    finally:
        led.close()


def test_a_link_edited_on_the_team_server_is_caught_by_verify(tmp_path, pg_url):
    import psycopg

    led = open_backend("pg", tmp_path, lambda: pg_url)
    try:
        led.set_offer_link("ref:A1", "demo:GM-WZRY-60-D", at=T0)
        assert led.verify().ok
        with psycopg.connect(pg_url, autocommit=True) as con:
            con.execute("UPDATE offer_links SET target = 'demo:GM-WZRY-648-D'")
        report = led.verify()
        assert not report.ok
        assert [p.kind for p in report.problems] == ["link_diff"]
    finally:
        led.close()
