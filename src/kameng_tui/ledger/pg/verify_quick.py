"""`ledger verify --quick` on the team ledger: from this terminal's verified checkpoint on.

As on SQLite (ledger/verify_quick.py): a clean full verify keeps a checkpoint (the seq
and hash it verified up to) in this terminal's state dir, `ledger-pg.checkpoint` (beside
`ledger-pg.head`; the local file's own checkpoint is another); `--quick` then checks that
the server's chain still holds it, rehashes and links every event after it, and compares
the orders those events touched with the fold of all their events, plus the anchor. What
it leaves to the full verify: events at or before the checkpoint beyond its one stored
hash, orders no new event touched. With no checkpoint it verifies in full (`quick:
false`). Accepting a restore removes the checkpoint. Reads run in one REPEATABLE READ
snapshot, as the full verify's.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

from kameng_tui.ledger import chain
from kameng_tui.ledger import checkpoint as cp
from kameng_tui.ledger.anchor import problem, read_anchor
from kameng_tui.ledger.pg.checkpoint_file import checkpoint_path
from kameng_tui.ledger.pg.reads import units_row
from kameng_tui.ledger.pg.verify import event_problems, projection_problems, verify
from kameng_tui.ledger.problems import CHAIN_KINDS, Problem
from kameng_tui.ledger.values import VerifyReport
from kameng_tui.ledger.verify import MAX_PROBLEMS, _ANCHOR_KIND

def verify_checked(conn: Any, ledger_id: str, anchor_path: Path, *, quick: bool) -> VerifyReport:
    """`ledger verify [--quick]`: quick from a checkpoint when there is one, else in full;
    a clean full verify keeps the checkpoint."""
    path = checkpoint_path(anchor_path)
    held = cp.read_checkpoint(path) if quick else None
    if held is not None:
        return _quick(conn, ledger_id, anchor_path, held)
    report = verify(conn, ledger_id, anchor_path)
    if not report.ok or report.events == 0:
        return report
    row = conn.execute("SELECT hash FROM events WHERE seq = %s", (report.events,)).fetchone()
    from kameng_tui.domain.clock import SystemClock, utc_text

    made = cp.Checkpoint(ledger_id, report.events, str(row[0]) if row else "", utc_text(SystemClock().now()),
                         checked=("chain", "projection", "anchor"))
    written = cp.write_checkpoint(path, made)
    return dataclasses.replace(report, checkpoint=made.as_dict() if written else {})


def _quick(conn: Any, ledger_id: str, anchor_path: Path, held: cp.Checkpoint) -> VerifyReport:
    problems: list[Problem] = []
    touched: set[str] = set()
    with conn.transaction():
        conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")

        def hash_at(seq: int) -> str | None:
            r = conn.execute("SELECT hash FROM events WHERE seq = %s", (seq,)).fetchone()
            return None if r is None else str(r[0])

        why = problem(held.as_anchor(), ledger_id, True, hash_at)
        expected_seq = held.seq + 1
        if why is not None:
            problems.append(Problem("checkpoint_mismatch", seq=None if held.seq < 0 else held.seq, detail=why))
            r = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM events").fetchone()
            last_seq = int(r[0]) if r else 0
        else:
            prev = held.hash
            with conn.cursor() as cur:
                for seq, order_no, kind, at, body, prev_hash, h in cur.stream(
                        "SELECT seq, order_no, kind, at, body, prev_hash, hash FROM events WHERE seq > %s "
                        "ORDER BY seq", (held.seq,)):
                    seq = int(seq)
                    problems.extend(event_problems(expected_seq, prev, seq, order_no, kind, at, body, prev_hash, h))
                    if order_no is not None:
                        touched.add(str(order_no))
                    expected_seq, prev = seq + 1, h
            last_seq = expected_seq - 1
            if touched:
                nos = sorted(touched)
                events = [(o, k, a, b) for o, k, a, b in conn.execute(
                    "SELECT order_no, kind, at, body FROM events WHERE order_no = ANY(%s) ORDER BY seq", (nos,))]
                stored = {r[0]: units_row(r) for r in conn.execute(
                    f"SELECT {', '.join(chain.ROW_COLUMNS)} FROM orders WHERE order_no = ANY(%s)", (nos,)).fetchall()}
                try:
                    problems.extend(projection_problems(chain.project(events), stored))
                except (ValueError, KeyError, TypeError) as exc:
                    problems.append(Problem("projection_error", detail=str(exc)))
        anchored = read_anchor(anchor_path)
        anchor_why = problem(anchored, ledger_id, False, hash_at)
    intact = not problems
    if anchor_why is not None:
        problems.append(Problem(_ANCHOR_KIND[anchor_why], detail="state",
                                seq=None if anchored is None or anchored.seq < 0 else anchored.seq))
    first_bad = min((p.seq for p in problems if p.kind in CHAIN_KINDS and p.seq is not None), default=None)
    return VerifyReport(ok=not problems, events=last_seq, problems=tuple(problems[:MAX_PROBLEMS]),
                        first_bad_seq=first_bad, anchor={} if anchored is None else anchored.as_dict(),
                        intact=intact, quick=True, checkpoint=held.as_dict())
