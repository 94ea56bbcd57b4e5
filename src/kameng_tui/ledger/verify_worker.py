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

Reads {"uri": ..., "apsw": directory or None, "tasks": [...]} on stdin and writes one
result per task on stdout, in the wire forms below (plain tuples and dicts: marshal
carries nothing else). verify.py turns them into its typed tasks and results at the
boundary; only this file and that boundary see the wire forms.
"""

from __future__ import annotations

import marshal
import sys

TYPE_CHECKING = False
if TYPE_CHECKING:                         # typing costs the worker 5 ms to import
    from typing import Any, Literal, TypedDict

    SqlWire = tuple[Literal["sql"], str, dict[str, Any]]
    """A read-only query and its named parameters."""
    ChainWire = tuple[Literal["chain"], int, int, str]
    """Events first..last, and the SQL of their hashed message (chain.MESSAGE_SQL)."""
    TaskWire = SqlWire | ChainWire

    class RowsWire(TypedDict):
        rows: list[tuple[Any, ...]]

    class ErrorWire(TypedDict):
        error: str                        # SQLite's message: the query could not run

    class SegmentWire(TypedDict, total=False):
        ok: bool
        prev_of_first: str | None
        last_hash: str | None
        created: int
        resets: list[int]

    ResultWire = RowsWire | ErrorWire | SegmentWire


def segment(conn: Any, first: int, last: int, message_sql: str) -> SegmentWire:
    """Whether events first..last are all there, each hashing to its stored hash and
    linked to the one before; with the segment's ends, for joining it to the next, and
    how many events created an order and which seqs are accepted restores
    (`anchor_reset`), found here, not in another pass over the events. Only says
    whether: naming a problem is the caller's slower pass."""
    from hashlib import sha256            # only the chain's worker needs it
    sql = (f"SELECT seq, prev_hash, hash, {message_sql}, kind = 'created', kind = 'anchor_reset' FROM events "
           "WHERE seq BETWEEN ? AND ? ORDER BY seq")
    expected, prev_first, last_hash, created, resets = first, None, None, 0, []
    for seq, prev_hash, stored, message, creates, reset in conn.execute(sql, (first, last)):
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


def run(conn: Any, tasks: list[TaskWire], errors: tuple[type[Exception], ...]) -> list[ResultWire]:
    """`conn` is a sqlite3 or an apsw connection (the calls used here are the same);
    `errors` is its library's error class."""
    out: list[ResultWire] = []
    for task in tasks:
        if task[0] == "chain":
            out.append(segment(conn, task[1], task[2], task[3]))
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
