"""Batch drafts: their own table, outside the hash chain; a draft is never an order."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timezone

from kameng_tui.ledger.schema import LATEST
from kameng_tui.ledger.sqlite import open_ledger

T0 = datetime(2026, 11, 1, 4, 0, tzinfo=timezone.utc)


def test_drafts_save_load_delete_and_stay_out_of_the_chain(led):
    """On the team ledger too: drafts stay in the terminal's local file."""
    a = led.save_draft(None, '{"rows": [1]}', at=T0)
    b = led.save_draft(None, '{"rows": [2]}', at=T0)
    assert led.load_draft() == (b, '{"rows": [2]}')            # the newest by default
    assert led.save_draft(a, '{"rows": [3]}', at=T0.replace(hour=5)) == a
    assert led.load_draft() == (a, '{"rows": [3]}')
    led.delete_draft(a)
    assert led.load_draft(a) is None and led.load_draft() == (b, '{"rows": [2]}')
    assert led.save_draft(999, "{}", at=T0) != 999                # a vanished draft is saved anew
    report = led.verify()
    assert report.ok and report.events == 0


def test_a_version_2_ledger_gains_the_drafts_table(tmp_path):
    from kameng_tui.ledger import schema

    data = tmp_path / "data"
    data.mkdir()
    con = sqlite3.connect(data / "ledger.db")
    con.execute("CREATE TABLE schema_version (version INTEGER NOT NULL) STRICT")
    for version, sql in schema.MIGRATIONS[:2]:
        con.executescript(sql)
        con.execute("INSERT INTO schema_version (version) VALUES (?)", (version,))
    con.commit()
    con.close()
    led = open_ledger(data)
    try:
        assert LATEST >= 3
        assert led.save_draft(None, "{}", at=T0) == 1
        assert list((data / "backups").glob("*-v2.db"))             # a backup before migrating
    finally:
        led.close()
