"""New intents on the team ledger in a few round trips instead of five per intent.

`create_intents` holds the head row's lock (ledger/pg/store.py): nobody else appends
until it commits, and under READ COMMITTED each statement sees every earlier commit. So
the guards (ref, order number, repeat window) can be asked for the whole set in two
read-only statements first: when none of them would refuse any intent, and no intent
is a failover attempt, the rows are written with one COPY per table (a few rows: one
pipelined executemany). Otherwise the caller runs the
per-intent path, which decides the refusal exactly as before (the same error for the
same first intent); the checks here only ever choose the path, never an answer.

The set queries run unprepared (`prepare=False`): a statement psycopg prepares (after a
few runs) gets a generic plan, made once for arrays of any length, possibly while the
tables were small; for a 1,000-element array on a grown table that plan compared every
row with every element (a batch's check took 85 ms, then 560 ms a few thousand orders
later). Planned each time, the server sees the array and probes the index (about 2 ms).

The chain is the same either way: each event's hash is computed here in seq order by
the store's own `_event` (ledger/chain.py's definition), only its INSERT is batched.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping, Sequence, Sized

from kameng_tui.domain.idempotency import ref_fingerprint
from kameng_tui.ledger import chain
from kameng_tui.ledger.guards import _fields
from kameng_tui.ledger.pg.reads import REPEAT_COUNTS
from kameng_tui.ledger.pg.schema import MONEY_COLUMNS
from kameng_tui.ledger.values import NewOrder

_REPEAT_SET = ("SELECT o.sku, o.account_main, o.account FROM unnest(%s::text[], %s::text[]) AS k(sku, main) "
               "JOIN orders o ON o.sku = k.sku AND o.account_main = k.main "
               f"WHERE o.created_at >= %s AND {REPEAT_COUNTS}")


def _claims(intents: Sequence[NewOrder]) -> list[NewOrder]:
    """The intents that claim a ref (guards.guard_ref: a ref and not an attempt)."""
    return [n for n in intents if n.ref and n.attempt_of is None]


def all_pass(c: Any, intents: Sequence[NewOrder], since_text: str | None) -> bool:
    """True when every guard would let every intent through (read-only; under the head
    lock, so the answer holds until commit). False sends the caller down the per-intent
    path, which raises the refusal the first failing intent gets."""
    if not intents or any(n.attempt_of is not None for n in intents):
        return False
    order_nos = [n.order_no for n in intents]
    refs = [n.ref for n in _claims(intents)]
    if len(set(order_nos)) != len(order_nos) or len(set(refs)) != len(refs):
        return False
    taken = c.execute("SELECT EXISTS (SELECT 1 FROM orders WHERE order_no = ANY(%s)) "
                      "OR EXISTS (SELECT 1 FROM order_refs WHERE ref = ANY(%s))", (order_nos, refs),
                      prepare=False).fetchone()
    if taken[0]:
        return False
    if since_text is None:
        return True
    want: dict[tuple[str, str], dict[str, str]] = {}
    for n in intents:
        main = n.account.get("account", "")
        for sku in dict.fromkeys((n.sku, *n.repeat_skus)):
            if (sku, main) in want:
                return False        # a later intent would meet an earlier one: let the per-intent path judge
            want[(sku, main)] = dict(n.account)
    keys = list(want)
    for sku, main, account in c.execute(_REPEAT_SET, ([k[0] for k in keys], [k[1] for k in keys], since_text),
                                        prepare=False).fetchall():
        if _fields(account) == want.get((sku, main)):
            return False
    return True


def ref_rows(intents: Sequence[NewOrder]) -> list[tuple[str, str, str]]:
    """order_refs rows, as guards.guard_ref inserts them."""
    return [(str(n.ref), n.order_no, n.fingerprint or ref_fingerprint(n.sku, n.account, n.quantity))
            for n in _claims(intents)]


_MONEY_AT = frozenset(i for i, c in enumerate(chain.ROW_COLUMNS) if c in MONEY_COLUMNS)


def units_text(units: int) -> str:
    """Integer ten-thousandths as NUMERIC(20,4) text ("98.5000"): what from_units gives,
    without a Decimal division per column (COPY's text format parses it server-side)."""
    sign, units = ("-", -units) if units < 0 else ("", units)
    return f"{sign}{units // 10_000}.{units % 10_000:04d}"


def copy_args(row: Mapping[str, Any]) -> list[Any]:
    """reads.money_args for a COPY: the projection's row, money as NUMERIC text."""
    return [units_text(row[c]) if i in _MONEY_AT else row[c] for i, c in enumerate(chain.ROW_COLUMNS)]


COPY_FROM = 16
"""From this many rows on, COPY (two round trips whatever the count); fewer go as one
pipelined executemany (one round trip, but the server runs each row as a statement)."""


def insert_rows(c: Any, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]],
                count: int | None = None) -> None:
    """`rows` into `table`: BEFORE INSERT triggers fire and constraints hold either way.
    `rows` may be a generator (`count` then says how many): a COPY sends each row as it
    comes, so the server works on the first while the client makes the next."""
    count = len(rows) if count is None and isinstance(rows, Sized) else count
    if not count:
        return
    with c.cursor() as cur:
        if count < COPY_FROM:
            cur.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})",
                            list(rows))
            return
        with cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
