"""Opening a SQLite ledger file: WAL under contention, migration statements."""

from __future__ import annotations

import sqlite3

from kameng_tui.domain.errors import LedgerBusy
from kameng_tui.messages import Msg


def enable_wal(conn: sqlite3.Connection, timeout_s: float) -> None:
    """Switch to WAL. Two processes creating the same new file at once get
    "database is locked" right away (the busy handler does not cover this lock), so
    retry within the busy timeout, then insist: without WAL readers and writers block."""
    import time

    deadline = time.monotonic() + timeout_s
    while True:
        try:
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            mode = None
        if mode == "wal":
            return
        if time.monotonic() > deadline:
            raise LedgerBusy(Msg("err.ledger.wal_locked"))
        time.sleep(0.02)


def statements(sql: str) -> list[str]:
    """Split a migration into statements (triggers contain `;` inside BEGIN..END)."""
    out, buf = [], []
    for line in sql.strip().splitlines():
        buf.append(line)
        joined = "\n".join(buf).strip()
        if joined.endswith(";") and sqlite3.complete_statement(joined):
            out.append(joined)
            buf = []
    return out
