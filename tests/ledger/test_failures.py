"""SQLite failures are told apart by SQLite's error code, never by the message text
(which differs between SQLite versions, builds and locales)."""

from __future__ import annotations

import sqlite3

import pytest

from kameng_tui.domain import errors
from kameng_tui.ledger.sqlite import open_ledger


def _error(text: str, code: int, name: str) -> sqlite3.OperationalError:
    exc = sqlite3.OperationalError(text)
    exc.sqlite_errorcode = code
    exc.sqlite_errorname = name
    return exc


@pytest.mark.parametrize("text,code,name,kind", [
    ("database is locked", 13, "SQLITE_FULL", "DiskFull"),              # the text lies; the code decides
    ("base de données verrouillée", 5, "SQLITE_BUSY", "LedgerBusy"),
    ("whatever", 5 | (1 << 8), "SQLITE_BUSY_RECOVERY", "LedgerBusy"),     # an extended code
    ("busy busy locked", 8 | (6 << 8), "SQLITE_READONLY_DIRECTORY", "ReadOnlyStorage"),
    ("locked", 10 | (3 << 8), "SQLITE_IOERR_WRITE", "StorageError"),
])
def test_a_failed_begin_is_classified_by_code(tmp_path, text, code, name, kind):
    ledger = open_ledger(tmp_path)
    try:
        got = ledger._busy(_error(text, code, name))
        assert type(got) is getattr(errors, kind)
    finally:
        ledger.close()


def test_a_failure_that_is_not_the_machines_stays_what_it_is(tmp_path):
    ledger = open_ledger(tmp_path)
    try:
        exc = _error("database is locked", 1, "SQLITE_ERROR")
        assert ledger._busy(exc) is exc
    finally:
        ledger.close()
