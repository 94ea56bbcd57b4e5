"""Opening a SQLite ledger file: WAL under contention, migration statements."""

from __future__ import annotations

import sqlite3

from kameng_tui.domain.errors import LedgerBusy


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
            raise LedgerBusy("账本被另一个进程锁住，无法切换到 WAL 模式；请稍后再试",
                             message_en="the ledger is locked by another process (cannot switch to WAL); try again")
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
