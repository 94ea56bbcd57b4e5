"""`ledger verify`: recompute the chain, rebuild the projection, check the anchor.

Each problem names where it is: a seq, an order and column, or the anchor. A chain
can be rewritten whole by someone with file access; the anchor and earlier exports
are what catch a shortened chain or a restored older copy.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from kameng_tui.ledger import chain
from kameng_tui.ledger.anchor import read_anchor
from kameng_tui.ledger.store import VerifyReport

MAX_PROBLEMS = 50


def verify(conn: sqlite3.Connection, anchor_path: Path, ledger_id: str) -> VerifyReport:
    problems: list[str] = []
    first_bad: int | None = None
    prev = chain.GENESIS
    expected_seq = 1
    hashes: dict[int, str] = {}
    events = []
    for seq, order_no, kind, at, body, prev_hash, h in conn.execute(
            "SELECT seq, order_no, kind, at, body, prev_hash, hash FROM events ORDER BY seq"):
        if seq != expected_seq:
            problems.append(f"seq {expected_seq}: missing (next event is seq {seq}); events were deleted")
            first_bad = first_bad or expected_seq
        if prev_hash != prev:
            problems.append(f"seq {seq}: prev_hash does not match the hash of the event before it")
            first_bad = first_bad or seq
        recomputed = chain.event_hash(prev_hash, seq, at, kind, order_no, body)
        if recomputed != h:
            problems.append(f"seq {seq}: content does not match its hash (edited {kind} event"
                            + (f" of order {order_no})" if order_no else ")"))
            first_bad = first_bad or seq
        hashes[seq] = h
        prev = h
        expected_seq = seq + 1
        events.append((order_no, kind, at, body))
    n_events = expected_seq - 1

    try:
        rebuilt = chain.project(events)
    except Exception as exc:  # a garbled body is itself the finding
        rebuilt = {}
        problems.append(f"projection: events cannot be replayed ({type(exc).__name__})")
    stored = {r[0]: dict(zip(chain.ROW_COLUMNS, r)) for r in conn.execute(
        f"SELECT {', '.join(chain.ROW_COLUMNS)} FROM orders")}
    for order_no in sorted(set(stored) | set(rebuilt)):
        a, b = stored.get(order_no), rebuilt.get(order_no)
        if a is None:
            problems.append(f"order {order_no}: in the events but missing from the orders table")
        elif b is None:
            problems.append(f"order {order_no}: in the orders table but no event created it")
        else:
            for col in chain.ROW_COLUMNS:
                if a[col] != b[col]:
                    problems.append(f"order {order_no}: column {col} is {a[col]!r} in the orders table, "
                                    f"{b[col]!r} by its events")
        if len(problems) > MAX_PROBLEMS:
            break

    anchor = read_anchor(anchor_path)
    anchor_doc: dict[str, object] = {}
    if anchor is None:
        if n_events:
            problems.append("anchor: ledger.head is missing")
    else:
        anchor_doc = anchor.as_dict()
        if anchor.ledger_id != ledger_id:
            problems.append(f"anchor: ledger.head belongs to ledger {anchor.ledger_id}, this is {ledger_id}")
        elif anchor.seq > n_events:
            problems.append(f"anchor: the chain ends at seq {n_events} but the anchor says seq {anchor.seq} "
                            "(events removed, or an older copy of the database restored)")
        elif anchor.seq > 0 and hashes.get(anchor.seq) != anchor.hash:
            problems.append(f"anchor: the hash at seq {anchor.seq} differs from the anchored one")

    quick = conn.execute("PRAGMA quick_check").fetchone()[0]
    if quick != "ok":
        problems.append(f"quick_check: {quick}")
    return VerifyReport(ok=not problems, events=n_events, problems=tuple(problems[:MAX_PROBLEMS]),
                        first_bad_seq=first_bad, anchor=anchor_doc, quick_check=quick)
