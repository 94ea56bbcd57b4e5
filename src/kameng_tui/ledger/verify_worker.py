"""Runs some of `ledger verify`'s read-only checks in a process of its own.

Why a process and not a thread: SQLite serializes its threads on process-wide mutexes
(the memory allocator's statistics among them), so two verify queries on two threads
of one process ran slower than the same two in turn. Two processes share nothing and
use both cores. Started as `python -I -S verify_worker.py` by the same interpreter, so
it imports the standard library only (and apsw, from the directory it is given), and
speaks `marshal` (built in: json would import re and enum first): the process is up
in about 15 ms.

Why apsw: these checks are SQLite's JSON functions and record decoding, which SQLite
has made much faster since the 3.40 many systems' Python links to (3.45 rewrote JSON).
apsw ships a current SQLite on every platform; the same checks take about 30 % less
CPU on it. It reads here only, in a process that opens no other SQLite library: two
SQLite libraries in one process would undo each other's POSIX locks on the file.
Without apsw the worker uses the standard library's sqlite3, the same queries.

Reads {"uri": ..., "apsw": directory or None, "tasks": [...]} on stdin, each task
("sql", sql, params) or ("chain", first_seq, last_seq); writes one result per task on
stdout: {"rows": [...]} or {"error": "SQLite's message"} for a query, `segment()`'s
dict for a chain segment.
"""

from __future__ import annotations

import marshal
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:                         # typing costs the worker 5 ms to import
    from typing import Any

    Task = list[Any]                      # ("sql", sql, params) or ("chain", first, last)

MESSAGE = """CAST(char(1) || prev_hash || char(31) || seq || char(31) || at || char(31) || kind || char(31)
            || COALESCE(order_no, '') || char(31) || body AS BLOB)"""
"""The hashed message of each event (`chain.event_hash`'s), concatenated by SQLite:
Python only hashes and compares."""
SEGMENT = (f"SELECT seq, prev_hash, hash, {MESSAGE}, kind = 'created', kind = 'anchor_reset' FROM events "
           "WHERE seq BETWEEN ? AND ? ORDER BY seq")


def segment(conn: Any, first: int, last: int) -> dict[str, Any]:
    """Whether events first..last are all there, each hashing to its stored hash and
    linked to the one before; with the segment's ends, for joining it to the next, and
    how many events created an order and which seqs are accepted restores
    (`anchor_reset`), found here, not in another pass over the events. Only says
    whether: naming a problem is the caller's slower pass."""
    from hashlib import sha256            # only the chain's worker needs it
    expected, prev_first, last_hash, created, resets = first, None, None, 0, []
    for seq, prev_hash, stored, message, creates, reset in conn.execute(SEGMENT, (first, last)):
        if seq != expected or (last_hash is not None and prev_hash != last_hash) \
                or sha256(message).hexdigest() != stored:
            return {"ok": False}
        if prev_first is None:
            prev_first = prev_hash
        expected, last_hash, created = seq + 1, stored, created + creates
        if reset:
            resets.append(seq)
    if expected != last + 1:
        return {"ok": False}
    return {"ok": True, "prev_of_first": prev_first, "last_hash": last_hash, "created": created, "resets": resets}


def run(conn: Any, tasks: list[Task], errors: tuple[type[Exception], ...]) -> list[dict[str, Any]]:
    """`conn` is a sqlite3 or an apsw connection (the calls used here are the same);
    `errors` is its library's error class."""
    out: list[dict[str, Any]] = []
    for task in tasks:
        if task[0] == "chain":
            out.append(segment(conn, task[1], task[2]))
            continue
        try:
            out.append({"rows": conn.execute(task[1], task[2]).fetchall()})
        except errors as exc:   # e.g. an event body edited into invalid JSON: reported, not raised
            out.append({"error": str(exc)})
    return out


def main() -> None:
    """apsw is imported here only, when this file runs as the worker: the process that
    imports this module for `run` must stay on one SQLite library."""
    spec = marshal.loads(sys.stdin.buffer.read())
    conn: Any = None
    if spec.get("apsw") is not None:
        sys.path.append(spec["apsw"])     # after the standard library: nothing there shadows it
        try:
            import apsw
        except ImportError:
            pass
        else:
            conn = apsw.Connection(spec["uri"], flags=apsw.SQLITE_OPEN_URI | apsw.SQLITE_OPEN_READONLY)
            conn.set_busy_timeout(5000)
            errors: tuple[type[Exception], ...] = (apsw.Error,)
    if conn is None:
        import sqlite3
        conn = sqlite3.connect(spec["uri"], uri=True)
        conn.execute("PRAGMA busy_timeout = 5000")
        errors = (sqlite3.Error,)
    try:
        sys.stdout.buffer.write(marshal.dumps(run(conn, spec["tasks"], errors)))
    finally:
        conn.close()


if __name__ == "__main__":
    main()
