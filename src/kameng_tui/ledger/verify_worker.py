"""Runs some of `ledger verify`'s read-only queries in a process of its own.

Why a process and not a thread: SQLite serializes its threads on process-wide mutexes
(the memory allocator's statistics among them), so two verify queries on two threads
of one process ran slower than the same two in turn. Two processes share nothing and
use both cores. Started as `python -I -S verify_worker.py`, so it imports the standard
library only: the interpreter is up in about 10 ms.

Reads {"uri": ..., "queries": [[sql, params], ...]} as JSON on stdin; writes one
result per query as JSON on stdout: {"rows": [...]} or {"error": "SQLite's message"}.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from typing import Any


Query = tuple[str, dict[str, Any]]


def run(conn: sqlite3.Connection, queries: list[Query]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for sql, params in queries:
        try:
            out.append({"rows": conn.execute(sql, params).fetchall()})
        except sqlite3.Error as exc:   # e.g. an event body edited into invalid JSON: reported, not raised
            out.append({"error": str(exc)})
    return out


def main() -> None:
    spec = json.load(sys.stdin)
    conn = sqlite3.connect(spec["uri"], uri=True)
    try:
        conn.execute("PRAGMA busy_timeout = 5000")
        json.dump(run(conn, spec["queries"]), sys.stdout)
    finally:
        conn.close()


if __name__ == "__main__":
    main()
