"""`ledger verify`: recompute the chain, rebuild the projection, check the anchor.

Each problem names where it is: a seq, an order and column, or the anchor. A chain
can be rewritten whole by someone with file access; the anchor and earlier exports
are what catch a shortened chain or a restored older copy.

The checks are independent reads, so each runs on its own read-only connection in
its own thread: the projection diff (in two halves by order number) and quick_check
are C inside SQLite, which releases the GIL while a statement steps; the chain is
hashing in Python. On two cores the wall time is about half the sum, not the sum.
The anchor is read first, so a commit landing during verify can only put the chain
ahead of the anchor, which is allowed.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, TypeVar

from kameng_tui.ledger import chain
from kameng_tui.ledger.anchor import Anchor, read_anchor
from kameng_tui.ledger.projection_sql import COUNTS, MIDDLE, ORDERS_ONLY_SQL, TWICE_SQL, diff_sql, fast_diff
from kameng_tui.ledger.store import VerifyReport

MAX_PROBLEMS = 50
T = TypeVar("T")

_CHAIN_ROWS = """
SELECT seq, prev_hash, hash, kind, order_no,
       CAST(char(1) || prev_hash || char(31) || seq || char(31) || at || char(31) || kind || char(31)
            || COALESCE(order_no, '') || char(31) || body AS BLOB)
FROM events ORDER BY seq
"""
"""The hashed message of each event (`chain.event_hash`'s), concatenated by SQLite:
Python only hashes and compares."""


@dataclass(frozen=True)
class ChainResult:
    problems: list[tuple[int, str]]
    last_seq: int
    anchored_hash: str | None


def verify(conn: sqlite3.Connection, anchor_path: Path, ledger_id: str, *, threads: bool = True) -> VerifyReport:
    """threads=False runs the checks in turn on `conn` (the benchmark's baseline)."""
    anchor = read_anchor(anchor_path)
    anchor_seq = 0 if anchor is None else anchor.seq
    path = _file_of(conn) if threads else None
    mid_row = conn.execute(MIDDLE).fetchone()
    parts = [("<", mid_row[0]), (">=", mid_row[0])] if mid_row else [("", None)]
    if path is None:                      # an in-memory or temporary database: one connection, in turn
        chain_r = _chain(conn, anchor_seq)
        halves = [_maybe_differ(conn, part, mid) for part, mid in parts]
        quick = _quick_check(conn)
    else:
        with ThreadPoolExecutor(max_workers=2 + len(parts), thread_name_prefix="verify") as pool:
            chain_f = pool.submit(_read_only, path, lambda c: _chain(c, anchor_seq))
            part_fs = [pool.submit(_read_only, path, lambda c, p=part, m=mid: _maybe_differ(c, p, m))
                       for part, mid in parts]
            quick_f = pool.submit(_read_only, path, _quick_check)
            chain_r, quick = chain_f.result(), quick_f.result()
            halves = [f.result() for f in part_fs]
    diff_r = _projection(conn, halves)

    problems = [text for _, text in chain_r.problems] + diff_r
    problems += _anchor_problems(anchor, ledger_id, chain_r)
    if quick != "ok":
        problems.append(f"quick_check: {quick}")
    first_bad = min((seq for seq, _ in chain_r.problems), default=None)
    return VerifyReport(ok=not problems, events=chain_r.last_seq, problems=tuple(problems[:MAX_PROBLEMS]),
                        first_bad_seq=first_bad, anchor={} if anchor is None else anchor.as_dict(), quick_check=quick)


def _chain(conn: sqlite3.Connection, anchor_seq: int) -> ChainResult:
    problems: list[tuple[int, str]] = []
    last_seq, last_hash, anchored = 0, chain.GENESIS, None
    sha256 = hashlib.sha256
    for seq, prev_hash, stored, kind, order_no, message in conn.execute(_CHAIN_ROWS):
        if seq != last_seq + 1:
            problems.append((last_seq + 1, f"seq {last_seq + 1}: missing (next event is seq {seq}); events were deleted"))
        if prev_hash != last_hash:
            problems.append((seq, f"seq {seq}: prev_hash does not match the hash of the event before it"))
        if sha256(message).hexdigest() != stored:
            problems.append((seq, f"seq {seq}: content does not match its hash (edited {kind} event"
                                  + (f" of order {order_no})" if order_no else ")")))
        if seq == anchor_seq:
            anchored = stored
        last_seq, last_hash = seq, stored
        if len(problems) > MAX_PROBLEMS:
            last_seq = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM events").fetchone()[0]
            if anchored is None and anchor_seq:
                row = conn.execute("SELECT hash FROM events WHERE seq = ?", (anchor_seq,)).fetchone()
                anchored = None if row is None else row[0]
            break
    return ChainResult(problems, last_seq, anchored)


def _maybe_differ(conn: sqlite3.Connection, part: str, mid: str | None) -> list[tuple[str, int]] | Exception:
    """(order_no, has an orders row) of the orders that may differ, or the error that
    stopped the query (e.g. an event body edited into invalid JSON), to report."""
    try:
        return conn.execute(fast_diff(part), {"mid": mid}).fetchall()
    except sqlite3.OperationalError as exc:
        return exc


def _projection(conn: sqlite3.Connection, halves: list[list[tuple[str, int]] | Exception]) -> list[str]:
    """Orders whose row is not what their events make of it, each naming the column."""
    try:
        for half in halves:
            if isinstance(half, Exception):
                raise half
        maybe = [row for half in halves for row in half]
        n_orders, n_created = conn.execute(COUNTS).fetchone()
        rows = []
        if maybe:
            rows = conn.execute(diff_sql(), {"only": json.dumps([no for no, _ in maybe])}).fetchall()
        if n_orders + sum(1 for _, has_row in maybe if not has_row) != n_created:
            rows += conn.execute(ORDERS_ONLY_SQL).fetchall() + conn.execute(TWICE_SQL).fetchall()
    except sqlite3.OperationalError as exc:
        return [f"projection: cannot be rebuilt from the events ({exc}); see the chain problems"]
    out = []
    for order_no, what, column, values in rows:
        if what == "orders_only":
            out.append(f"order {order_no}: in the orders table but no event created it")
        elif what == "twice":
            out.append(f"order {order_no}: created by more than one event")
        elif what == "events_only":
            out.append(f"order {order_no}: in the events but missing from the orders table")
        else:
            out.append(f"order {order_no}: column {column} differs (orders table / events: {values})")
    return out


def _quick_check(conn: sqlite3.Connection) -> str:
    return conn.execute("PRAGMA quick_check").fetchone()[0]


def _anchor_problems(anchor: Anchor | None, ledger_id: str, chain_r: ChainResult) -> list[str]:
    if anchor is None:
        return ["anchor: ledger.head is missing"] if chain_r.last_seq else []
    if anchor.ledger_id != ledger_id:
        return [f"anchor: ledger.head belongs to ledger {anchor.ledger_id}, this is {ledger_id}"]
    if anchor.seq > chain_r.last_seq:
        return [f"anchor: the chain ends at seq {chain_r.last_seq} but the anchor says seq {anchor.seq} "
                "(events removed, or an older copy of the database restored)"]
    if anchor.seq > 0 and chain_r.anchored_hash != anchor.hash:
        return [f"anchor: the hash at seq {anchor.seq} differs from the anchored one"]
    return []


def _file_of(conn: sqlite3.Connection) -> Path | None:
    for _, name, file in conn.execute("PRAGMA database_list"):
        if name == "main":
            return Path(file) if file else None
    return None


def _read_only(path: Path, check: Callable[[sqlite3.Connection], T]) -> T:
    conn = sqlite3.connect(path.as_uri() + "?mode=ro", uri=True, check_same_thread=False)
    try:
        conn.execute("PRAGMA busy_timeout = 5000")
        return check(conn)
    finally:
        conn.close()
