"""State changes on the team ledger in few round trips (issue 19's terminals figure).

A sending terminal's transaction is a compare-and-set per order (pending -> submitted,
submitted -> its answer), several orders at once when a batch's lines share a commit.
Each was five statements an order (the row, the event, the row's update, and the head's
lock and update around them): on a loaded two-core machine psycopg's cost per statement
and the round trips were a large share of the terminal's ledger CPU. Here, under the same head lock:

- the rows of every order the transaction moves are read in one statement (after the
  lock: READ COMMITTED, so it sees every earlier commit, as the one-row read did);
- each move is decided on that row as it stands after the transaction's earlier moves
  (the same order moved twice sees its own first move), hashed in seq order, and its
  INSERT/UPDATE queued on the head;
- the store's `_write` sends the queued statements and the head's update in one
  pipeline before COMMIT: a failing statement fails the transaction as before.

The decisions are the ones the one-at-a-time path made: the same expected-state check,
the same bodies and hashes (chain.apply on the row read), the sender's terminal id and
its liveness check before a `submitted` is recorded (once a transaction: they commit
together or not at all).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, ContextManager, Iterable, Mapping, Sequence

from kameng_tui.domain.states import IllegalTransition, OrderState, check_transition
from kameng_tui.ledger import chain
from kameng_tui.ledger.pg.reads import COLUMNS, money_args, units_row
from kameng_tui.ledger.rows import to_order, transition_body
from kameng_tui.ledger.values import Move, Transition

if TYPE_CHECKING:
    from kameng_tui.domain.models import Order
    from kameng_tui.ledger.pg.send_gate import AdvisoryGate

UPDATE = f"UPDATE orders SET {', '.join(f'{k} = %s' for k in chain.ROW_COLUMNS[1:])} WHERE order_no = %s"
EVENT_COLUMNS = ("seq", "order_no", "kind", "at", "body", "prev_hash", "hash")
EVENT = f"INSERT INTO events ({', '.join(EVENT_COLUMNS)}) VALUES ({', '.join(['%s'] * len(EVENT_COLUMNS))})"
CARD = ("INSERT INTO cards (order_no, idx, number_blob, password_blob, expires) VALUES (%s,%s,%s,%s,%s) "
        "ON CONFLICT (order_no, idx) DO UPDATE SET number_blob = excluded.number_blob, "
        "password_blob = excluded.password_blob, expires = excluded.expires")


def rows_of(c: Any, order_nos: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The orders rows (projection units) of `order_nos`, in one statement."""
    wanted = list(dict.fromkeys(order_nos))
    if len(wanted) == 1:
        found = c.execute(f"SELECT {COLUMNS} FROM orders o WHERE o.order_no = %s", (wanted[0],)).fetchall()
    else:
        # unprepared: a generic plan for arrays of any length may scan the table (see ledger/pg/intents.py)
        found = c.execute(f"SELECT {COLUMNS} FROM orders o WHERE o.order_no = ANY(%s)", (wanted,),
                          prepare=False).fetchall()
    return {str(r[0]): units_row(r) for r in found}


class PgTransitions:
    """transition / transition_many of PgLedger (the mixin keeps store.py to its transactions)."""

    if TYPE_CHECKING:
        terminal_id: str
        _gate: AdvisoryGate | None

        def _write(self, *, chained: bool = True) -> ContextManager[tuple[Any, Any]]: ...
        @staticmethod
        def _event(head: Any, order_no: str | None, kind: str, at: datetime | str,
                   body: Mapping[str, Any]) -> tuple[tuple[Any, ...], Any]: ...

    def transition(self, order_no: str, expected: OrderState, new: OrderState, change: Transition = Transition(), *,
                   at: datetime) -> bool:
        check_transition(expected, new)
        return self._moves([Move(order_no, expected, new, change)], at)[0] is not None

    def transition_many(self, moves: Sequence[Move], *, at: datetime) -> "list[Order | None]":
        for m in moves:
            check_transition(m.expected, m.new)
        return [None if r is None else to_order(r) for r in self._moves(moves, at)]

    def _moves(self, moves: Sequence[Move], at: datetime) -> list[dict[str, Any] | None]:
        if not moves:
            return []
        with self._write() as (c, head):
            rows: dict[str, dict[str, Any] | None] = dict(rows_of(c, (m.order_no for m in moves)))
            out = []
            for m in moves:
                updated = self._move(head, rows.get(m.order_no), m, at)
                if updated is not None:
                    rows[m.order_no] = updated
                out.append(updated)
            return out

    def _move(self, head: Any, row: dict[str, Any] | None, m: Move, at: datetime) -> dict[str, Any] | None:
        """One compare-and-set on `row` (as the transaction has it): the updated row, its
        statements queued on the head; None when the order is not in `m.expected`."""
        expected, new, order_no = m.expected, m.new, m.order_no
        if row is None or row["state"] != expected.value:
            return None
        if expected is OrderState.PENDING and new is OrderState.UNKNOWN and row["submitted_at"] is None:
            raise IllegalTransition(expected, new)
        body = transition_body(expected, new, m.change)
        if new is OrderState.SUBMITTED:
            # who sends: reconcile on another terminal touches this order only once it can
            # take this terminal's advisory lock (the sender is gone)
            body["terminal"] = self.terminal_id
            if self._gate is not None and not head.sender_checked:
                self._gate.check_alive()
                head.sender_checked = True
        args, stored = self._event(head, order_no, new.value, at, body)
        updated = chain.apply(row, new.value, head.at, stored)
        assert updated is not None
        head.queued.append((EVENT, args))
        head.queued.append((UPDATE, money_args(updated)[1:] + [order_no]))
        for k in m.change.cards:
            head.queued.append((CARD, (order_no, k.index, k.number_blob, k.password_blob, k.expires)))
        return updated
