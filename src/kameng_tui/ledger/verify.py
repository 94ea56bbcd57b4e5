"""`ledger verify`: recompute the chain, rebuild the projection, check the anchor.

Each problem names where it is: a seq, an order and column, or the anchor. A chain
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

import hashlib
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
from typing import TYPE_CHECKING, Any, Callable, Mapping, Sequence, TypeVar

from kameng_tui.ledger import chain, verify_worker
from kameng_tui.ledger.anchor import Anchor, problem, read_anchor
from kameng_tui.ledger.projection_sql import (CREATING_EVENTS, MIDDLE, ORDERS_ONLY_SQL, TWICE_SQL, created_diff, diff_sql,
                                              later_diff)
from kameng_tui.ledger.values import VerifyReport

if TYPE_CHECKING:
    from kameng_tui.ledger.verify_worker import Task

log = logging.getLogger(__name__)
MAX_PROBLEMS = 50
T = TypeVar("T")
QUICK_CHECK_MMAP = 1 << 30
"""quick_check reads every page once: mapped, it skips a read() per page (about 20 %
less CPU at 100k orders). The other checks measured slower mapped."""

_CHAIN_ROWS_NAMED = f"SELECT seq, prev_hash, hash, {verify_worker.MESSAGE}, kind, order_no FROM events ORDER BY seq"


@dataclass(frozen=True)
class ChainResult:
    problems: list[tuple[int, str]]
    last_seq: int
    anchored_hash: str | None


def verify(conn: sqlite3.Connection, anchor_path: Path, ledger_id: str, *, parallel: bool = True,
           copies: Sequence[tuple[str, Path, bool]] | None = None) -> VerifyReport:
    """parallel=False runs the checks in turn on `conn` (the benchmark's baseline).
    `copies`: (where, path, required) of each copy of the anchor; by default
    ledger.head alone, required once the chain has events."""
    copies = [("head", anchor_path, False)] if copies is None else list(copies)
    found = {where: read_anchor(path) for where, path, _ in copies}
    anchor = found.get("head")
    anchor_seq = 0 if anchor is None else anchor.seq
    # A frozen build's executable is the app itself, not a Python to run the worker with.
    path = _file_of(conn) if parallel and not getattr(sys, "frozen", False) else None
    last_seq = conn.execute("SELECT COALESCE(max(seq), 0) FROM events").fetchone()[0]
    mid_row = conn.execute(MIDDLE).fetchone()
    mid = {"mid": None if mid_row is None else mid_row[0]}
    here: dict[str, Task] = {"quick": ["sql", "PRAGMA quick_check", {}]}
    away: list[dict[str, Task]] = [{"chain<": ["chain", 1, last_seq // 2]},
                                   {"chain>": ["chain", last_seq // 2 + 1, last_seq]}]
    for group, part in zip(away, ["<", ">="] if mid_row else [""]):
        group.update({f"created{part}": ["sql", created_diff(part), mid], f"later{part}": ["sql", later_diff(part), mid]})
    if path is None:                      # in turn, or an in-memory database: one connection
        done = _run(conn, here)
        for group in away:
            done.update(_run(conn, group))
    else:
        uri = path.as_uri() + "?mode=ro"
        workers = [_start(uri, group) for group in away]
        done = _read_only(uri, lambda c: _here(c, here))
        for w, group in zip(workers, away):
            done.update(_finish(w, uri, group))
    first_half, second_half, quick_r = done.pop("chain<"), done.pop("chain>"), done.pop("quick")
    quick = quick_r.get("error") or quick_r["rows"][0][0]
    chain_r = _chain(conn, anchor_seq, last_seq, first_half, second_half)
    diff_r = _projection(conn, list(done.values()), _created(first_half, second_half))

    problems = [text for _, text in chain_r.problems] + diff_r
    if quick != "ok":
        problems.append(f"quick_check: {quick}")
    intact = not problems
    problems += _copy_problems(conn, copies, found, ledger_id, chain_r)
    first_bad = min((seq for seq, _ in chain_r.problems), default=None)
    held = [a for a in found.values() if a is not None]
    shown = max(held, key=lambda a: a.seq) if held else None
    return VerifyReport(ok=not problems, events=chain_r.last_seq, problems=tuple(problems[:MAX_PROBLEMS]),
                        first_bad_seq=first_bad, anchor={} if shown is None else shown.as_dict(), quick_check=quick,
                        intact=intact, resets=_resets(conn, first_half, second_half, chain_r.last_seq))


Results = dict[str, dict[str, Any]]
"""Each named task's result (see verify_worker)."""


def _run(conn: sqlite3.Connection, tasks: dict[str, Task]) -> Results:
    return dict(zip(tasks, verify_worker.run(conn, list(tasks.values()), (sqlite3.Error,))))


def _here(conn: sqlite3.Connection, tasks: dict[str, Task]) -> Results:
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


def _start(uri: str, tasks: dict[str, Task]) -> subprocess.Popen[bytes] | None:
    try:
        proc = subprocess.Popen([sys.executable, "-I", "-S", verify_worker.__file__], stdin=subprocess.PIPE,
                                stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    except OSError:
        return None
    assert proc.stdin is not None
    try:
        proc.stdin.write(marshal.dumps({"uri": uri, "apsw": _apsw_dir(), "tasks": list(tasks.values())}))
        proc.stdin.close()
    except OSError:
        pass                              # it died at once: _finish sees that and runs the queries here
    return proc


def _finish(proc: subprocess.Popen[bytes] | None, uri: str, tasks: dict[str, Task]) -> Results:
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
                results = marshal.loads(out)
                if isinstance(results, list) and len(results) == len(tasks):
                    return dict(zip(tasks, results))
            except (ValueError, EOFError, TypeError):
                pass
            why = "its answer could not be read"
    log.warning("verify worker for %s: %s; its checks run in this process", ", ".join(tasks), why)
    return _read_only(uri, lambda c: _run(c, tasks))


def _chain(conn: sqlite3.Connection, anchor_seq: int, last_seq: int, first_half: dict[str, Any],
           second_half: dict[str, Any]) -> ChainResult:
    """The chain of events 1..last_seq from its two halves' fast checks; at a problem,
    a second pass that names it. Events appended since verify began are left for the
    next one."""
    if last_seq == 0:
        return ChainResult([], 0, None)
    if _joined(first_half, second_half):
        anchored = None
        if anchor_seq:
            row = conn.execute("SELECT hash FROM events WHERE seq = ?", (anchor_seq,)).fetchone()
            anchored = None if row is None else row[0]
        return ChainResult([], last_seq, anchored)
    return _chain_problems(conn, anchor_seq)


def _joined(first: dict[str, Any], second: dict[str, Any]) -> bool:
    """Both halves hold, the first starts at the genesis and the second where it ends."""
    if not (first["ok"] and second["ok"]):
        return False
    if first["last_hash"] is None:        # one event: the first half is empty
        return second["prev_of_first"] == chain.GENESIS
    return first["prev_of_first"] == chain.GENESIS and second["prev_of_first"] == first["last_hash"]


def _chain_problems(conn: sqlite3.Connection, anchor_seq: int) -> ChainResult:
    problems: list[tuple[int, str]] = []
    last_seq, last_hash, anchored = 0, chain.GENESIS, None
    sha256 = hashlib.sha256
    for seq, prev_hash, stored, message, kind, order_no in conn.execute(_CHAIN_ROWS_NAMED):
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


def _created(first: dict[str, Any], second: dict[str, Any]) -> int | None:
    """How many events created an order, as the chain's halves counted them (None if
    a half stopped at a problem)."""
    return first["created"] + second["created"] if first["ok"] and second["ok"] else None


def _projection(conn: sqlite3.Connection, results: list[dict[str, Any]], n_created: int | None) -> list[str]:
    """Orders whose row is not what their events make of it, each naming the column.
    `results` are the fast pass's: rows of (order_no, has an orders row), or the error
    that stopped a query (e.g. an event body edited into invalid JSON), to report."""
    try:
        for r in results:
            if "error" in r:
                raise sqlite3.OperationalError(r["error"])
        maybe = dict(row for r in results for row in r["rows"])
        if n_created is None:
            n_created = conn.execute(CREATING_EVENTS).fetchone()[0]
        n_orders = conn.execute("SELECT count(*) FROM orders").fetchone()[0]
        rows = []
        if maybe:
            rows = conn.execute(diff_sql(), {"only": json.dumps(list(maybe))}).fetchall()
        if n_orders + sum(1 for has_row in maybe.values() if not has_row) != n_created:
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


_WHERE = {"head": "ledger.head", "state": "the copy of ledger.head in the state directory"}


def _copy_problems(conn: sqlite3.Connection, copies: Sequence[tuple[str, Path, bool]],
                   found: Mapping[str, Anchor | None], ledger_id: str, chain_r: ChainResult) -> list[str]:
    """ledger.head as before (its texts are what people and scripts know); the other
    copies by the same rule as a chained write's check."""
    out: list[str] = []
    for where, path, required in copies:
        a = found[where]
        if where == "head":
            out += _anchor_problems(a, ledger_id, chain_r, required)
            continue
        def hash_at(seq: int) -> str | None:
            if seq > chain_r.last_seq:
                return None
            row = conn.execute("SELECT hash FROM events WHERE seq = ?", (seq,)).fetchone()
            return None if row is None else row[0]
        why = problem(a, ledger_id, required or chain_r.last_seq > 0, hash_at)
        if why is None:
            continue
        name = f"{_WHERE.get(where, where)} ({path})"
        if why == "missing":
            out.append(f"anchor: {name} is missing")
        elif why == "unreadable":
            out.append(f"anchor: {name} cannot be read")
        elif why == "other_ledger":
            out.append(f"anchor: {name} belongs to ledger {a.ledger_id if a else '?'}, this is {ledger_id}")
        elif why == "ahead":
            out.append(f"anchor: the chain ends at seq {chain_r.last_seq} but {name} says seq {a.seq if a else 0} "
                       "(events removed, or an older copy of the data directory restored)")
        else:
            out.append(f"anchor: the hash at seq {a.seq if a else 0} differs from the one {name} holds")
    return out


def _resets(conn: sqlite3.Connection, first: dict[str, Any], second: dict[str, Any], last_seq: int) -> tuple[dict[str, Any], ...]:
    """The accepted restores: {seq, at, code, params, reason} of each anchor_reset event."""
    if first["ok"] and second["ok"]:
        seqs = first["resets"] + second["resets"]
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


def _anchor_problems(anchor: Anchor | None, ledger_id: str, chain_r: ChainResult, required: bool = False) -> list[str]:
    if anchor is None:
        return ["anchor: ledger.head is missing"] if chain_r.last_seq or required else []
    if anchor.seq < 0:
        return ["anchor: ledger.head cannot be read"]
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


def _read_only(uri: str, check: Callable[[sqlite3.Connection], T]) -> T:
    conn = sqlite3.connect(uri, uri=True)
    try:
        conn.execute("PRAGMA busy_timeout = 5000")
        return check(conn)
    finally:
        conn.close()
