"""Failover attempts in the store (issue 18): `order_attempts(attempt_of PK, order_no
UNIQUE)`, written in the same transaction as the attempt's intent, so a failed order is
followed by at most one next attempt even when two terminals fail it over at once; and
only an order that holds nothing may be followed: failed (the caller decides whether it
failed with nothing created) or cancelled, never pending, submitted, processing,
unknown or succeeded, whose supplier may still deliver.

One definition for both stores: the SQL differs only by its placeholder. `ledger
verify` rebuilds the table from the `created` events (`attempt_problems`). A ledger
written before the table (V7 SQLite, V4 team) is filled from its orders by the
migration, the earliest attempt per order kept, later ones listed in guard_duplicates.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any, Iterable, Mapping

from kameng_tui.domain.failover_errors import attempt_refused, attempt_taken
from kameng_tui.ledger.problems import Problem
from kameng_tui.ledger.values import NewOrder

FOLLOWABLE = ("failed", "cancelled")
"""States after which a next attempt may be recorded: the supplier holds nothing to deliver."""

def ddl(table_options: str = "") -> str:
    """The migration (both stores): the table, an index for "the attempt after this one",
    and the backfill of an older ledger. `table_options`: SQLite's STRICT."""
    return DDL.replace("TABLE_OPTIONS", table_options)


DDL = """
CREATE TABLE order_attempts (
    attempt_of TEXT PRIMARY KEY,   -- the failed (or cancelled) order
    order_no TEXT NOT NULL UNIQUE  -- its one next attempt, on the next offer
)TABLE_OPTIONS;
CREATE INDEX orders_attempt_of ON orders (attempt_of) WHERE attempt_of IS NOT NULL;
INSERT INTO order_attempts (attempt_of, order_no)
    SELECT o.attempt_of, o.order_no FROM orders o
    WHERE o.attempt_of IS NOT NULL
      AND NOT EXISTS (SELECT 1 FROM orders e WHERE e.attempt_of = o.attempt_of AND e.seq < o.seq);
INSERT INTO guard_duplicates (kind, key, kept, duplicate)
    SELECT 'attempt', o.attempt_of, a.order_no, o.order_no FROM orders o
    JOIN order_attempts a ON a.attempt_of = o.attempt_of WHERE a.order_no <> o.order_no;
"""
LATEST_OF_LINE = "NOT EXISTS (SELECT 1 FROM orders n WHERE n.attempt_of = o.order_no AND n.batch_id = o.batch_id)"
"""A batch line's current order (alias `o`): no later attempt of it on the same line."""


def guard_attempt(c: Any, n: NewOrder, ph: str = "?") -> None:
    """Inside the intent's transaction: `n.attempt_of` names an order that holds nothing
    and that no other attempt follows yet; claims it. AttemptRefused / AttemptTaken."""
    if n.attempt_of is None:
        return
    row = c.execute(f"SELECT state FROM orders WHERE order_no = {ph}", (n.attempt_of,)).fetchone()
    if row is None or row[0] not in FOLLOWABLE:
        raise attempt_refused(n.attempt_of, None if row is None else str(row[0]))
    taken = c.execute(f"SELECT order_no FROM order_attempts WHERE attempt_of = {ph}", (n.attempt_of,)).fetchone()
    if taken is not None:
        raise attempt_taken(n.attempt_of, str(taken[0]))
    c.execute(f"INSERT INTO order_attempts (attempt_of, order_no) VALUES ({ph}, {ph})", (n.attempt_of, n.order_no))


def fold_attempts(created: Iterable[tuple[str, str]], duplicates: Iterable[str] = ()) -> dict[str, str]:
    """attempt_of -> its attempt, from the `created` events' bodies in seq order (the
    first per order; one the migration listed as a duplicate is not in the table)."""
    skip = set(duplicates)
    out: dict[str, str] = {}
    for order_no, body in created:
        prior = json.loads(body).get("attempt_of")
        if prior is not None and order_no not in skip and prior not in out:
            out[str(prior)] = str(order_no)
    return out


def diff_attempts(want: Mapping[str, str], have: Mapping[str, str]) -> list[Problem]:
    """A row of `order_attempts` that is not what the events make of it."""
    return [Problem("attempt_diff", order_no=want.get(k) or have.get(k),
                    detail=f"{k}: {have.get(k, '-')} / {want.get(k, '-')}")
            for k in sorted(set(want) | set(have)) if want.get(k, "-") != have.get(k, "-")]


def attempt_problems(conn: Any, ph: str = "?") -> list[Problem]:
    """verify's check of the attempts (either store; `conn` inside verify's snapshot)."""
    try:
        have = {str(a): str(o) for a, o in conn.execute("SELECT attempt_of, order_no FROM order_attempts").fetchall()}
        dups = [str(d) for (d,) in conn.execute(
            f"SELECT duplicate FROM guard_duplicates WHERE kind = {ph}", ("attempt",)).fetchall()]
        want = fold_attempts(((str(o), str(b)) for o, b in conn.execute(
            f"SELECT order_no, body FROM events WHERE kind = {ph} ORDER BY seq", ("created",)).fetchall()), dups)
    except (ValueError, KeyError, sqlite3.Error) as exc:
        return [Problem("projection_error", detail=str(exc))]
    return diff_attempts(want, have)
