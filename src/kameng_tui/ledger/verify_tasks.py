"""`ledger verify`'s checks as typed tasks and results (verify.py runs them here or in
a worker process), and their wire forms, which only verify_worker.py speaks.

A task is the key of its own result: by identity (eq=False), as two tasks may be equal
(the two halves of an empty chain) and a query's parameters are a dict.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping, Union

from kameng_tui.ledger import chain

if TYPE_CHECKING:
    from kameng_tui.ledger.verify_worker import TaskWire


@dataclass(frozen=True, eq=False)
class SqlTask:
    """A read-only query: its rows, or SQLite's error (reported, not raised)."""
    sql: str
    params: Mapping[str, object]


@dataclass(frozen=True, eq=False)
class ChainTask:
    """Events first..last: all there, each hashing to its stored hash, linked."""
    first: int
    last: int


Task = Union[SqlTask, ChainTask]


@dataclass(frozen=True)
class Rows:
    rows: list[tuple[Any, ...]]


@dataclass(frozen=True)
class QueryFailed:
    error: str


@dataclass(frozen=True)
class Segment:
    """A chain task's answer. When `ok`: the prev_hash of its first event and the hash
    of its last (None when it held no event), to join it to its neighbours; how many
    events created an order; the seqs of accepted restores."""
    ok: bool
    prev_of_first: str | None = None
    last_hash: str | None = None
    created: int = 0
    resets: tuple[int, ...] = ()


Result = Union[Rows, QueryFailed, Segment]


def wire(task: Task) -> TaskWire:
    if isinstance(task, ChainTask):
        return ("chain", task.first, task.last, chain.MESSAGE_SQL)
    return ("sql", task.sql, dict(task.params))


def unwire(task: Task, raw: Any) -> Result:
    """A worker's answer to `task` as its typed result; ValueError if it is not one."""
    if not isinstance(raw, dict):
        raise ValueError("not a result")
    if isinstance(task, ChainTask):
        if not raw.get("ok"):
            return Segment(False)
        return Segment(True, raw["prev_of_first"], raw["last_hash"], int(raw["created"]), tuple(raw["resets"]))
    if "error" in raw:
        return QueryFailed(str(raw["error"]))
    return Rows(list(raw["rows"]))
