"""`ledger verify --quick`: from the verified checkpoint on (ledger/checkpoint.py).

What it checks: that the chain still holds the checkpoint (its stored hash at the
checkpoint's seq), every event after it (rehashed with `chain.event_hash` and linked,
from the checkpoint's hash), the orders those events touched (the projection diff for
those orders only), and every copy of the anchor. What it leaves to the full verify:
the events at or before the checkpoint's seq beyond that one stored hash (an edit that
kept the hash column as it was), orders no new event touched, and SQLite's
quick_check of the whole file. So exit 0 of `--quick` says "nothing changed since the
last full verify, as far as the chain can tell", not "all of it checked".
"""

from __future__ import annotations

import sqlite3
from typing import Sequence

from kameng_tui.ledger.anchor import problem, read_anchor
from kameng_tui.ledger.checkpoint import Checkpoint
from kameng_tui.ledger.problems import Problem
from kameng_tui.ledger.values import VerifyReport
from kameng_tui.ledger.verify import (MAX_PROBLEMS, Copy, diff_problem, chain_problems, copy_problems, first_bad, hash_at,
                                      named_diffs)


def verify_quick(conn: sqlite3.Connection, ledger_id: str, copies: Sequence[Copy],
                 checkpoint: Checkpoint) -> VerifyReport:
    found = {where: read_anchor(path) for where, path, _ in copies}
    why = problem(checkpoint.as_anchor(), ledger_id, True, lambda seq: hash_at(conn, seq))
    problems: list[Problem] = []
    if why is not None:
        seq = None if checkpoint.seq < 0 else checkpoint.seq
        problems.append(Problem("checkpoint_mismatch", seq=seq, detail=why))
        last_seq = conn.execute("SELECT COALESCE(max(seq), 0) FROM events").fetchone()[0]
    else:
        chain_found, last_seq, orders = chain_problems(conn, checkpoint.seq, checkpoint.hash)
        problems += chain_found
        try:
            problems += [diff_problem(*row) for row in named_diffs(conn, orders)]
        except sqlite3.OperationalError as exc:
            problems.append(Problem("projection_error", detail=str(exc)))
    intact = not problems
    problems += copy_problems(conn, copies, found, ledger_id, last_seq)
    held = [a for a in found.values() if a is not None]
    shown = max(held, key=lambda a: a.seq) if held else None
    return VerifyReport(ok=not problems, events=last_seq, problems=tuple(problems[:MAX_PROBLEMS]),
                        first_bad_seq=first_bad(problems), anchor={} if shown is None else shown.as_dict(),
                        quick_check="", intact=intact, quick=True,
                        checkpoint=checkpoint.as_dict() if why is None else {})

