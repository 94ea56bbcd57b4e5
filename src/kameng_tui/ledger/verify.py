"""`ledger verify`: recompute the chain, rebuild the projection, check the anchor.

Each problem is a value (ledger/problems.py) naming where it is: a seq, an order and
column, or a copy of the anchor; it is put in words only when shown. The event hash and
the projection are defined once, in chain.py; the fast pass here runs their SQL forms
(chain.MESSAGE_SQL, projection_sql.py), tested against them (tests/ledger/
test_normative.py), and the naming pass calls `chain.event_hash` itself. A clean run is
kept as the checkpoint `ledger verify --quick` starts from (ledger/checkpoint.py,
verify_quick.py). A chain
can be rewritten whole by someone with file access; the anchor and earlier exports
are what catch a shortened chain or a restored older copy.

The checks are independent reads, spread over two worker processes (`verify_worker`:
threads of one process serialize inside SQLite), each with half of the chain and half
of the projection diff (two queries, the orders split by number), while this process
runs quick_check. The workers read with apsw's SQLite when it is installed (about 30 %
less CPU than the system's 3.40 for these checks; see verify_worker), this process
with the standard library's, which is also faster at quick_check (newer SQLite checks
the FTS5 tables' contents too). The machine's cores are the limit: fewer processes
measured faster than one per check. A clean ledger takes the fast path of each check;
only a problem pays for a second pass that names it.
The anchor is read first, so a commit landing during verify can only put the chain
ahead of the anchor, which is allowed. Both copies of it (ledger.head and the state
directory's) are checked the way a chained write checks them (ledger/anchor.py).
Accepted restores (`anchor_reset` events) are listed in `resets`: the chain's workers
note their seqs on the way, so listing them costs no pass of its own.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import json
import logging
import marshal
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Mapping, Sequence, TypeVar

from kameng_tui.ledger import chain, verify_worker
from kameng_tui.ledger.anchor import Anchor, problem, read_anchor
from kameng_tui.ledger.attempts import attempt_problems
from kameng_tui.ledger.offer_links import link_problems
from kameng_tui.ledger.problems import CHAIN_KINDS, Problem, ProblemKind
from kameng_tui.ledger.projection_sql import (CREATING_EVENTS, MIDDLE, ORDERS_ONLY_SQL, TWICE_SQL, created_diff, diff_sql,
                                              later_diff)
from kameng_tui.ledger.values import VerifyReport
from kameng_tui.ledger.verify_tasks import (ChainTask, QueryFailed, Result, Rows, Segment, SqlTask, Task, unwire,
                                            wire)

if TYPE_CHECKING:
    from kameng_tui.ledger.verify_worker import ResultWire

log = logging.getLogger(__name__)
MAX_PROBLEMS = 50
T = TypeVar("T")
QUICK_CHECK_MMAP = 1 << 30
"""quick_check reads every page once: mapped, it skips a read() per page (about 20 %
less CPU at 100k orders). The other checks measured slower mapped."""

_CHAIN_ROWS = "SELECT seq, prev_hash, hash, at, kind, order_no, body FROM events WHERE seq > ? ORDER BY seq"


@dataclass(frozen=True)
class ChainResult:
    problems: list[Problem]
    last_seq: int


@dataclass(frozen=True)
class Checks:
    """verify's checks by name: where each runs is `_run_all`'s business."""
    quick: SqlTask
    first_half: ChainTask
    second_half: ChainTask
    diffs: tuple[SqlTask, ...]            # the projection's fast pass, two queries per half


Copy = tuple[str, Path, bool]
"""(where, path, required) of one copy of the anchor."""


def verify(conn: sqlite3.Connection, anchor_path: Path, ledger_id: str, *, parallel: bool = True,
           copies: Sequence[Copy] | None = None) -> VerifyReport:
    """parallel=False runs the checks in turn on `conn` (the benchmark's baseline).
    `copies`: (where, path, required) of each copy of the anchor; by default
    ledger.head alone, required once the chain has events."""
    copies = [("head", anchor_path, False)] if copies is None else list(copies)
    found = {where: read_anchor(path) for where, path, _ in copies}
    last_seq = conn.execute("SELECT COALESCE(max(seq), 0) FROM events").fetchone()[0]
    mid_row = conn.execute(MIDDLE).fetchone()
    mid = {"mid": None if mid_row is None else mid_row[0]}
    parts = ["<", ">="] if mid_row else [""]
    checks = Checks(SqlTask("PRAGMA quick_check", {}), ChainTask(1, last_seq // 2), ChainTask(last_seq // 2 + 1, last_seq),
                    tuple(SqlTask(q(part), mid) for part in parts for q in (created_diff, later_diff)))
    # A frozen build's executable is the app itself, not a Python to run the worker with.
    path = _file_of(conn) if parallel and not getattr(sys, "frozen", False) else None
    done = _run_all(conn, path, checks)
    first, second, quick_r = done[checks.first_half], done[checks.second_half], done[checks.quick]
    assert isinstance(first, Segment) and isinstance(second, Segment)
    quick = quick_r.error if isinstance(quick_r, QueryFailed) else str(quick_r.rows[0][0]) \
        if isinstance(quick_r, Rows) else "?"
    chain_r = _chain(conn, last_seq, first, second)
    diff_r = _projection(conn, [done[t] for t in checks.diffs], _created(first, second))

    problems = chain_r.problems + diff_r + link_problems(conn) + attempt_problems(conn)
    if quick != "ok":
        problems.append(Problem("quick_check", detail=quick))
    intact = not problems
    problems += copy_problems(conn, copies, found, ledger_id, chain_r.last_seq)
    held = [a for a in found.values() if a is not None]
    shown = max(held, key=lambda a: a.seq) if held else None
    return VerifyReport(ok=not problems, events=chain_r.last_seq, problems=tuple(problems[:MAX_PROBLEMS]),
                        first_bad_seq=first_bad(chain_r.problems), anchor={} if shown is None else shown.as_dict(), quick_check=quick,
                        intact=intact, resets=_resets(conn, first, second, chain_r.last_seq))


def _run_all(conn: sqlite3.Connection, path: Path | None, checks: Checks) -> dict[Task, Result]:
    """quick_check here, each half of the chain and of the projection diff in a worker
    process (`path` None: everything here, in turn, on `conn`)."""
    here: list[Task] = [checks.quick]
    away: list[list[Task]] = [[checks.first_half, *checks.diffs[:2]], [checks.second_half, *checks.diffs[2:]]]
    if path is None:                      # in turn, or an in-memory database: one connection
        done = _run(conn, here)
        for group in away:
            done.update(_run(conn, group))
        return done
    uri = path.as_uri() + "?mode=ro"
    workers = [_start(uri, group) for group in away]
    done = _read_only(uri, lambda c: _here(c, here))
    for w, group in zip(workers, away):
        done.update(_finish(w, uri, group))
    return done


def _run(conn: sqlite3.Connection, tasks: list[Task]) -> dict[Task, Result]:
    results = verify_worker.run(conn, [wire(t) for t in tasks], (sqlite3.Error,))
    return {t: unwire(t, r) for t, r in zip(tasks, results)}


def _here(conn: sqlite3.Connection, tasks: list[Task]) -> dict[Task, Result]:
    """This process's share: quick_check, on a mapped file."""
    conn.execute(f"PRAGMA mmap_size = {QUICK_CHECK_MMAP}")
    return _run(conn, tasks)


@cache
def _apsw_dir() -> str | None:
    """Where apsw is installed, for a worker started without site-packages; found, not
    imported: this process keeps to one SQLite library."""
    spec = importlib.util.find_spec("apsw")
    if spec is None or not spec.origin or not spec.origin.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES)):
        return None                       # not installed, or not the compiled module (a stray folder)
    origin = Path(spec.origin)
    return str(origin.parent.parent if origin.name.startswith("__init__.") else origin.parent)


def _start(uri: str, tasks: list[Task]) -> subprocess.Popen[bytes] | None:
    try:
        proc = subprocess.Popen([sys.executable, "-I", "-S", verify_worker.__file__], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    except OSError:
        return None
    assert proc.stdin is not None
    try:
        proc.stdin.write(marshal.dumps({"uri": uri, "apsw": _apsw_dir(), "tasks": [wire(t) for t in tasks]}))
        proc.stdin.close()
    except OSError:
        pass                              # it died at once: _finish sees that and runs the queries here
    return proc


def _finish(proc: subprocess.Popen[bytes] | None, uri: str, tasks: list[Task]) -> dict[Task, Result]:
    """The worker's results, or the same tasks run here if it could not give them (slower,
    so the log says why)."""
    why = "it could not be started"
    if proc is not None:
        assert proc.stdout is not None
        out = proc.stdout.read()
        proc.stdout.close()
        code = proc.wait()
        why = f"it exited with {code}"
        if code == 0:
            try:
                results: list[ResultWire] = marshal.loads(out)
                if isinstance(results, list) and len(results) == len(tasks):
                    return {t: unwire(t, r) for t, r in zip(tasks, results)}
            except (ValueError, EOFError, TypeError, KeyError):
                pass
            why = "its answer could not be read"
    log.warning("verify worker for %d checks: %s; its checks run in this process", len(tasks), why)
    return _read_only(uri, lambda c: _run(c, tasks))


def _chain(conn: sqlite3.Connection, last_seq: int, first_half: Segment, second_half: Segment) -> ChainResult:
    """The chain of events 1..last_seq from its two halves' fast checks; at a problem,
    a second pass that names it. Events appended since verify began are left for the
    next one."""
    if last_seq == 0 or _joined(first_half, second_half):
        return ChainResult([], last_seq)
    problems, last, _ = chain_problems(conn, 0, chain.GENESIS)
    return ChainResult(problems, last)


def _joined(first: Segment, second: Segment) -> bool:
    """Both halves hold, the first starts at the genesis and the second where it ends."""
    if not (first.ok and second.ok):
        return False
    if first.last_hash is None:           # one event: the first half is empty
        return second.prev_of_first == chain.GENESIS
    return first.prev_of_first == chain.GENESIS and second.prev_of_first == first.last_hash


def chain_problems(conn: sqlite3.Connection, after: int, after_hash: str) -> tuple[list[Problem], int, list[str]]:
    """The events after seq `after` (whose hash is `after_hash`), each rehashed with
    `chain.event_hash` and linked: its problems, the last seq, and the order numbers
    the events name (for `--quick`'s projection check). The naming pass of a full
    verify (after=0, from the genesis) and the whole chain pass of `--quick`."""
    problems: list[Problem] = []
    last_seq, last_hash, orders = after, after_hash, []
    for seq, prev_hash, stored, at, kind, order_no, body in conn.execute(_CHAIN_ROWS, (after,)):
        if seq != last_seq + 1:
            problems.append(Problem("event_missing", seq=last_seq + 1, detail=str(seq)))
        if prev_hash != last_hash:
            problems.append(Problem("chain_break", seq=seq))
        if chain.event_hash(prev_hash, seq, at, kind, order_no, body) != stored:
            problems.append(Problem("hash_mismatch", seq=seq, order_no=order_no, detail=kind))
        if order_no is not None:
            orders.append(order_no)
        last_seq, last_hash = seq, stored
        if len(problems) > MAX_PROBLEMS:
            last_seq = conn.execute("SELECT COALESCE(MAX(seq), 0) FROM events").fetchone()[0]
            break
    return problems, last_seq, orders


def hash_at(conn: sqlite3.Connection, seq: int) -> str | None:
    row = conn.execute("SELECT hash FROM events WHERE seq = ?", (seq,)).fetchone()
    return None if row is None else str(row[0])


def _created(first: Segment, second: Segment) -> int | None:
    """How many events created an order, as the chain's halves counted them (None if
    a half stopped at a problem)."""
    return first.created + second.created if first.ok and second.ok else None


def _projection(conn: sqlite3.Connection, results: Iterable[Result], n_created: int | None) -> list[Problem]:
    """Orders whose row is not what their events make of it, each naming the column.
    `results` are the fast pass's: rows of (order_no, has an orders row), or the error
    that stopped a query (e.g. an event body edited into invalid JSON), to report."""
    maybe: dict[str, bool] = {}
    for r in results:
        if isinstance(r, QueryFailed):
            return [Problem("projection_error", detail=r.error)]
        if isinstance(r, Rows):
            maybe.update((str(no), bool(has_row)) for no, has_row in r.rows)
    try:
        if n_created is None:
            n_created = conn.execute(CREATING_EVENTS).fetchone()[0]
        n_orders = conn.execute("SELECT count(*) FROM orders").fetchone()[0]
        rows = named_diffs(conn, maybe)
        if n_orders + sum(1 for has_row in maybe.values() if not has_row) != n_created:
            rows += conn.execute(ORDERS_ONLY_SQL).fetchall() + conn.execute(TWICE_SQL).fetchall()
    except sqlite3.OperationalError as exc:
        return [Problem("projection_error", detail=str(exc))]
    return [diff_problem(*row) for row in rows]


def named_diffs(conn: sqlite3.Connection, orders: Iterable[str]) -> list[tuple[Any, ...]]:
    """`diff_sql`'s rows for these orders: (order_no, what, column, values)."""
    only = list(dict.fromkeys(orders))
    return conn.execute(diff_sql(), {"only": json.dumps(only)}).fetchall() if only else []


_WHAT: dict[str, ProblemKind] = {"orders_only": "order_unfounded", "twice": "order_created_twice",
                                 "events_only": "order_missing", "differs": "projection_diff"}


def diff_problem(order_no: str, what: str, column: str | None, values: str | None) -> Problem:
    return Problem(_WHAT[what], order_no=order_no, column=column, detail=values)


_ANCHOR_KIND: dict[str, ProblemKind] = {"missing": "anchor_missing", "unreadable": "anchor_unreadable",
                                        "other_ledger": "anchor_other_ledger", "ahead": "anchor_ahead",
                                        "other_hash": "anchor_mismatch"}


def copy_problems(conn: sqlite3.Connection, copies: Sequence[Copy], found: Mapping[str, Anchor | None],
                  ledger_id: str, last_seq: int) -> list[Problem]:
    """Each copy of the anchor by the rule a chained write checks it by (anchor.problem),
    on the chain as verify read it (up to `last_seq`)."""
    def held(seq: int) -> str | None:
        return None if seq > last_seq else hash_at(conn, seq)

    out: list[Problem] = []
    for where, _, required in copies:
        a = found[where]
        why = problem(a, ledger_id, required or last_seq > 0, held)
        if why is not None:
            seq = None if a is None or a.seq < 0 else a.seq
            out.append(Problem(_ANCHOR_KIND[why], seq=seq, detail=where))
    return out


def _resets(conn: sqlite3.Connection, first: Segment, second: Segment, last_seq: int) -> tuple[dict[str, Any], ...]:
    """The accepted restores: {seq, at, code, params, reason} of each anchor_reset event."""
    if first.ok and second.ok:
        seqs: list[int] = [*first.resets, *second.resets]
    else:                                 # a broken chain: its slow path already read every event
        seqs = [r[0] for r in conn.execute("SELECT seq FROM events WHERE kind = 'anchor_reset' AND seq <= ?", (last_seq,))]
    out = []
    for seq in seqs:
        row = conn.execute("SELECT seq, at, body FROM events WHERE seq = ?", (seq,)).fetchone()
        try:
            body = json.loads(row[2])
        except (TypeError, ValueError):
            body = {}
        if not isinstance(body, dict):
            body = {}
        out.append({"seq": row[0], "at": row[1], "code": body.get("code"), "params": body.get("params") or {},
                    "reason": body.get("reason")})
    return tuple(out)


def first_bad(problems: Iterable[Problem]) -> int | None:
    return min((p.seq for p in problems if p.kind in CHAIN_KINDS and p.seq is not None), default=None)


def _file_of(conn: sqlite3.Connection) -> Path | None:
    for _, name, file in conn.execute("PRAGMA database_list"):
        if name == "main":
            return Path(file) if file else None
    return None


def _read_only(uri: str, check: Callable[[sqlite3.Connection], T]) -> T:
    conn = sqlite3.connect(uri, uri=True)
    try:
        conn.execute("PRAGMA busy_timeout = 5000")
        return check(conn)
    finally:
        conn.close()
