"""Opening a SQLite ledger file: WAL under contention, migration statements, and what a
failure of SQLite or of the disk means (by SQLite's error code and errno, never by
message text, which changes between versions and languages)."""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any, Callable, TypeVar
from urllib.parse import quote

from kameng_tui.domain.errors import DiskFull, KamengError, LedgerBusy, ReadOnlyStorage, StorageError
from kameng_tui.domain.os_failure import os_failure
from kameng_tui.ledger.typed_errors import typed_errors
from kameng_tui.messages import Msg

T = TypeVar("T")

# SQLite's primary result codes (https://sqlite.org/rescode.html); `sqlite_errorcode` is
# the extended code, whose low byte is the primary one.
SQLITE_PERM, SQLITE_BUSY, SQLITE_LOCKED, SQLITE_READONLY = 3, 5, 6, 8
SQLITE_IOERR, SQLITE_CORRUPT, SQLITE_FULL, SQLITE_CANTOPEN = 10, 11, 13, 14


def sqlite_code(exc: sqlite3.Error) -> int:
    """The primary result code of a sqlite3 error (0 when Python set none)."""
    return (exc.sqlite_errorcode or 0) & 0xFF


def is_busy(exc: sqlite3.Error) -> bool:
    return sqlite_code(exc) in (SQLITE_BUSY, SQLITE_LOCKED)


def storage_failure(exc: BaseException, where: Path | str | None = None) -> KamengError | None:
    """The typed error for a SQLite or OS failure of the machine (busy, disk full,
    read-only, I/O error), or None when `exc` is not one (a bug stays a bug).

    `where`: the data dir or file the caller was writing, for the message; an OSError's
    own filename wins."""
    if isinstance(exc, sqlite3.Error):
        code, path = sqlite_code(exc), None if where is None else str(where)
        if code in (SQLITE_BUSY, SQLITE_LOCKED):
            return LedgerBusy(Msg("err.ledger.busy"))
        if code == SQLITE_FULL:
            return DiskFull(Msg("err.storage.full", path=path or "?"), path=path)
        if code in (SQLITE_READONLY, SQLITE_PERM):
            return ReadOnlyStorage(Msg("err.storage.read_only", path=path or "?"), path=path)
        if code in (SQLITE_IOERR, SQLITE_CANTOPEN, SQLITE_CORRUPT):
            return StorageError(Msg("err.storage.io", path=path or "?", detail=exc.sqlite_errorname or str(code)),
                                path=path)
        return None
    return os_failure(exc, where)


def open_read_only(path: Path, timeout_s: float) -> sqlite3.Connection:
    """A connection that never writes, for a ledger in a dir (or a file) we cannot write.

    `mode=ro` first: it sees everything committed, WAL included. If SQLite cannot set up
    read-only WAL access there (no -shm and no way to make one), `immutable=1`, which
    reads the main file only: right only when no WAL holds committed pages, so with a
    non-empty -wal left behind we refuse rather than show an older ledger."""
    uri = "file:" + quote(str(path))
    try:
        conn = sqlite3.connect(uri + "?mode=ro", uri=True, isolation_level=None, timeout=timeout_s,
                               check_same_thread=False)
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.Error as exc:
        if is_busy(exc):
            raise LedgerBusy(Msg("err.ledger.busy")) from None
        wal = path.with_name(path.name + "-wal")
        if wal.exists() and wal.stat().st_size > 0:
            raise ReadOnlyStorage(Msg("err.storage.read_only_wal", path=str(path.parent)),
                                  path=str(path.parent)) from None
    conn = sqlite3.connect(uri + "?immutable=1", uri=True, isolation_level=None, check_same_thread=False)
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    return conn


def enable_wal(conn: sqlite3.Connection, timeout_s: float) -> None:
    """Switch to WAL. Two processes creating the same new file at once get
    "database is locked" right away (the busy handler does not cover this lock), so
    retry within the busy timeout, then insist: without WAL readers and writers block."""
    import time

    if conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal":
        return                                   # already: a read takes no lock
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        except sqlite3.OperationalError as exc:
            if not is_busy(exc):
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


def typed_storage_errors(where: Callable[[Any], Path], skip: tuple[str, ...] = ()) -> Callable[[type[T]], type[T]]:
    """Class decorator: every public method of the class (its own and inherited) turns a
    sqlite3 error that is a failure of the machine into its typed error (storage_failure);
    `where(self)`: the data dir, for the message (ledger/typed_errors.py)."""
    return typed_errors(lambda: sqlite3.Error, storage_failure, where, skip)


class Reading:
    """`with reading as conn:` holds the connection's lock for a few read statements
    (a plain class: it is entered on every catalog row shown, a generator costs more)."""

    __slots__ = ("_lock", "_conn")

    def __init__(self, lock: Any, conn: sqlite3.Connection) -> None:
        self._lock, self._conn = lock, conn

    def __enter__(self) -> sqlite3.Connection:
        self._lock.acquire()
        return self._conn

    def __exit__(self, *exc: object) -> None:
        self._lock.release()


def can_write(path: Path) -> bool:
    """Whether this process may write the ledger file and create files beside it (the
    -wal, -shm and the anchor). Root may always: it ignores file modes."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)


def cap_pages_for_tests(conn: sqlite3.Connection) -> None:
    """Test hook, like KAMENG_TUI_CRASH_AT: `KAMENG_TUI_TEST_MAX_PAGES=N` caps the file at
    N pages (never below its size now), so the next write that needs a page fails with a
    real SQLITE_FULL, as on a full disk."""
    pages = os.environ.get("KAMENG_TUI_TEST_MAX_PAGES")
    if pages and pages.isdigit():
        conn.execute(f"PRAGMA max_page_count = {int(pages)}")
