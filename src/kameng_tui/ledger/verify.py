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
from kameng_tui.ledger.projection_sql import CHAIN_SQL, diff_sql
from kameng_tui.ledger.store import VerifyReport

MAX_PROBLEMS = 50


def verify(conn: sqlite3.Connection, anchor_path: Path, ledger_id: str) -> VerifyReport:
    problems: list[str] = []
    first_bad: int | None = None
    anchor = read_anchor(anchor_path)
    conn.create_function("km_event_hash", 1, chain.content_hash, deterministic=True)
    for seq, kind, order_no, gap, badlink, badhash in conn.execute(CHAIN_SQL, {"genesis": chain.GENESIS}):
        if gap != 1:
            problems.append(f"seq {seq - gap + 1}: missing (next event is seq {seq}); events were deleted")
            first_bad = first_bad or seq - gap + 1
        if badlink:
            problems.append(f"seq {seq}: prev_hash does not match the hash of the event before it")
            first_bad = first_bad or seq
        if badhash:
            problems.append(f"seq {seq}: content does not match its hash (edited {kind} event"
                            + (f" of order {order_no})" if order_no else ")"))
            first_bad = first_bad or seq
    n_events = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM events").fetchone()[0]
    anchored = None if anchor is None else conn.execute("SELECT hash FROM events WHERE seq = ?", (anchor.seq,)).fetchone()
    anchored_hash = None if anchored is None else anchored[0]

    for order_no, what, column, values in conn.execute(diff_sql()):
        if what == "orders_only":
            problems.append(f"order {order_no}: in the orders table but no event created it")
        elif what == "events_only":
            problems.append(f"order {order_no}: in the events but missing from the orders table")
        else:
            problems.append(f"order {order_no}: column {column} differs (orders table / events: {values})")

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
        elif anchor.seq > 0 and anchored_hash != anchor.hash:
            problems.append(f"anchor: the hash at seq {anchor.seq} differs from the anchored one")

    quick = conn.execute("PRAGMA quick_check").fetchone()[0]
    if quick != "ok":
        problems.append(f"quick_check: {quick}")
    return VerifyReport(ok=not problems, events=n_events, problems=tuple(problems[:MAX_PROBLEMS]),
                        first_bad_seq=first_bad, anchor=anchor_doc, quick_check=quick)
