"""Manual offer links (issue 18) kept in the ledger: a correction changes what gets
ordered, so each link and unlink is a chained event beside its row, and survives reopening."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone

from kameng_tui.domain.offer_match import Link
from kameng_tui.ledger.ports import MatchStore
from kameng_tui.ledger.sqlite import open_ledger

T0 = datetime(2026, 12, 7, 4, 0, tzinfo=timezone.utc)


def test_links_and_splits_are_kept_chained_and_survive_reopening(tmp_path):
    led = open_ledger(tmp_path / "data")
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
        kinds = [r[0] for r in led._conn.execute("SELECT kind FROM events ORDER BY seq")]
        assert kinds == ["offer_link", "offer_link", "offer_link", "offer_unlink"]
    finally:
        led.close()
    again = open_ledger(tmp_path / "data")
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
