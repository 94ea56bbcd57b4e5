"""`ledger verify` on the team ledger: the chain recomputed by ledger/chain.py (the one
definition of the event hash), the projection folded by `chain.project` and compared
with the orders rows, the head row and this terminal's anchor. One pass in Python over
a REPEATABLE READ snapshot (a consistent view while other terminals write)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kameng_tui.ledger import chain
from kameng_tui.ledger.anchor import problem, read_anchor
from kameng_tui.ledger.attempts import attempt_problems
from kameng_tui.ledger.pg.offer_links import pg_link_problems
from kameng_tui.ledger.pg.reads import units_row
from kameng_tui.ledger.problems import CHAIN_KINDS, Problem
from kameng_tui.ledger.values import VerifyReport
from kameng_tui.ledger.verify import MAX_PROBLEMS, _ANCHOR_KIND


def verify(conn: Any, ledger_id: str, anchor_path: Path) -> VerifyReport:
    problems: list[Problem] = []
    resets: list[dict[str, Any]] = []
    events: list[tuple[str, str, str, str]] = []
    hashes: dict[int, str] = {}
    with conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        expected_seq, prev = 1, chain.GENESIS
        with conn.cursor() as cur:
            for seq, order_no, kind, at, body, prev_hash, h in cur.stream(
                    "SELECT seq, order_no, kind, at, body, prev_hash, hash FROM events ORDER BY seq"):
                seq = int(seq)
                problems.extend(event_problems(expected_seq, prev, seq, order_no, kind, at, body, prev_hash, h))
                if kind == "anchor_reset":
                    resets.append({"seq": seq, "at": at, "body": body})
                hashes[seq] = h
                events.append((order_no, kind, at, body))
                expected_seq, prev = seq + 1, h
        last_seq = expected_seq - 1
        try:
            projected = chain.project(events)
        except (ValueError, KeyError, TypeError) as exc:
            projected = None
            problems.append(Problem("projection_error", detail=str(exc)))
        problems.extend(pg_link_problems(conn))
        problems.extend(attempt_problems(conn, "%s"))
        stored = {r[0]: units_row(r) for r in conn.execute(
            f"SELECT {', '.join(chain.ROW_COLUMNS)} FROM orders ORDER BY seq").fetchall()}
    if projected is not None:
        problems.extend(projection_problems(projected, stored))
    intact = not problems
    a = read_anchor(anchor_path)
    why = problem(a, ledger_id, False, lambda seq: hashes.get(seq))
    if why is not None:
        problems.append(Problem(_ANCHOR_KIND[why], seq=None if a is None or a.seq < 0 else a.seq, detail="state"))
    first_bad = min((p.seq for p in problems if p.kind in CHAIN_KINDS and p.seq is not None), default=None)
    return VerifyReport(ok=not problems, events=last_seq, problems=tuple(problems[:MAX_PROBLEMS]),
                        first_bad_seq=first_bad, anchor={} if a is None else a.as_dict(), intact=intact,
                        resets=tuple(_reset(r) for r in resets))


def event_problems(expected_seq: int, prev: str, seq: int, order_no: str | None, kind: str, at: str, body: str,
                   prev_hash: str, h: str) -> list[Problem]:
    """One stored event against the chain so far: its place, its link, its own hash."""
    found = []
    if seq != expected_seq:
        found.append(Problem("event_missing", seq=expected_seq, detail=str(seq)))
    elif prev_hash != prev:
        found.append(Problem("chain_break", seq=seq))
    if chain.event_hash(prev_hash, seq, at, kind, order_no, body) != h:
        found.append(Problem("hash_mismatch", seq=seq, order_no=order_no, detail=kind))
    return found


def projection_problems(projected: dict[str, Any], stored: dict[str, Any]) -> list[Problem]:
    """The orders rows against the fold of their events."""
    found = []
    for order_no in sorted(set(projected) | set(stored)):
        want, have = projected.get(order_no), stored.get(order_no)
        if want is None:
            found.append(Problem("order_unfounded", order_no=order_no))
        elif have is None:
            found.append(Problem("order_missing", order_no=order_no))
        else:
            for col in chain.ROW_COLUMNS:
                if want[col] != have[col]:
                    found.append(Problem("projection_diff", order_no=order_no, column=col,
                                         detail=f"{have[col]} / {want[col]}"))
    return found


def _reset(r: dict[str, Any]) -> dict[str, Any]:
    import json

    try:
        body = json.loads(r["body"])
    except ValueError:
        body = {}
    body = body if isinstance(body, dict) else {}
    return {"seq": r["seq"], "at": r["at"], "code": body.get("code"), "params": body.get("params") or {},
            "reason": body.get("reason")}
