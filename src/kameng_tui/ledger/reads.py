"""The ledger's reads: orders, history pages and totals, events, cards, batches.

A mixin of `SqliteLedger` (ledger/sqlite.py), kept apart from the writes. Each read
holds the connection's lock for its statements only and returns values, not rows.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from datetime import datetime
from decimal import Decimal
from typing import Any, Mapping, Sequence

from kameng_tui.domain.clock import from_utc_text, utc_text
from kameng_tui.domain.history import Event, GroupTotals, HistoryFilter, Page, Totals
from kameng_tui.domain.models import Order
from kameng_tui.domain.money import from_units
from kameng_tui.domain.states import IN_FLIGHT, OrderState
from kameng_tui.ledger import chain, queries
from kameng_tui.ledger.attempts import LATEST_OF_LINE
from kameng_tui.ledger.rows import to_event, to_order, to_totals
from kameng_tui.ledger.values import Batch, GuardDuplicate, SealedCard

COLUMNS = ", ".join(f"o.{c}" for c in chain.ROW_COLUMNS)
REPEAT_COUNTS = "o.state != 'cancelled' AND NOT (o.state = 'failed' AND o.charged <= o.refunded)"
"""Orders the repeat window counts: a cancelled one, or one failed with nothing charged, was never paid for."""


class LedgerReads:
    _lock: threading.RLock
    _conn: sqlite3.Connection

    def _orders(self, sql: str, args: Sequence[Any]) -> list[Order]:
        with self._lock:
            rows = self._conn.execute(sql, args).fetchall()
        return [to_order(dict(zip(chain.ROW_COLUMNS, r))) for r in rows]

    def get(self, order_no: str) -> Order | None:
        found = self._orders(f"SELECT {COLUMNS} FROM orders o WHERE o.order_no = ?", (order_no,))
        return found[0] if found else None

    def by_ref(self, ref: str) -> list[Order]:
        return self._orders(f"SELECT {COLUMNS} FROM orders o WHERE o.ref = ? ORDER BY o.seq DESC", (ref,))

    def last_for(self, sku: str, account: str, since: datetime, fields: Mapping[str, str] | None = None) -> Order | None:
        """The latest order of `sku` for `account` since `since` that counts for the repeat
        window (not cancelled, not failed with nothing charged); with `fields`, only one
        whose every account field is the same."""
        found = self._orders(f"SELECT {COLUMNS} FROM orders o WHERE o.sku = ? AND o.account_main = ? AND o.created_at >= ? "
                             f"AND {REPEAT_COUNTS} ORDER BY o.seq DESC", (sku, account, utc_text(since)))
        for order in found:
            if fields is None or dict(order.account) == dict(fields):
                return order
        return None

    def next_attempt(self, order_no: str) -> str | None:
        """The attempt that followed this order on the next offer (ledger/attempts.py), if any."""
        with self._lock:
            r = self._conn.execute("SELECT order_no FROM order_attempts WHERE attempt_of = ?", (order_no,)).fetchone()
        return None if r is None else str(r[0])

    def ref_fingerprint(self, ref: str) -> str | None:
        """What the ref's root order stands for (domain.idempotency.ref_fingerprint)."""
        with self._lock:
            r = self._conn.execute("SELECT fingerprint FROM order_refs WHERE ref = ?", (ref,)).fetchone()
        return None if r is None else r[0]

    def guard_duplicates(self) -> list[GuardDuplicate]:
        """Second orders under one ref and second runs of one batch that the V4 migration
        found (recorded before the store enforced the guards)."""
        with self._lock:
            rows = self._conn.execute("SELECT kind, key, kept, duplicate FROM guard_duplicates "
                                      "ORDER BY kind, rowid").fetchall()
        return [GuardDuplicate(*r) for r in rows]

    def in_state(self, states: Sequence[OrderState], supplier: str | None = None) -> list[Order]:
        sql = f"SELECT {COLUMNS} FROM orders o WHERE o.state IN ({','.join('?' * len(states))})"
        args: list[Any] = [s.value for s in states]
        if supplier:
            sql += " AND o.supplier = ?"
            args.append(supplier)
        return self._orders(sql + " ORDER BY o.seq", args)

    def needs_attention(self) -> list[Order]:
        """Charged but failed, unknown, delivered short, pending once submitted, or with an
        `anomaly` event: candidates for a claim (优先赔付)."""
        return self._orders(f"SELECT {COLUMNS} FROM orders o WHERE (o.state = 'failed' AND o.charged > o.refunded) "
                            "OR o.state = 'unknown' OR (o.state = 'succeeded' AND o.delivered_qty < o.quantity) "
                            "OR (o.state = 'pending' AND o.submitted_at IS NOT NULL) "
                            "OR o.order_no IN (SELECT e.order_no FROM events e WHERE e.kind = 'anomaly') "
                            "ORDER BY o.seq", ())

    def in_flight(self, supplier: str) -> bool:
        """Whether any order of this supplier may be at it now (one index seek)."""
        states = ",".join(f"'{s.value}'" for s in IN_FLIGHT)
        with self._lock:
            return self._conn.execute(f"SELECT 1 FROM orders WHERE state IN ({states}) AND +supplier = ? LIMIT 1",
                                      (supplier,)).fetchone() is not None

    def sent_since(self, supplier: str, since: datetime) -> list[Order]:
        """A supplier's orders an event touched since `since` (for balance drift; orders in
        flight are asked for by `in_flight`). Checked at every balance fetch, so it must not
        grow with the ledger: event times never go backwards along seq, so the events are
        read from the end until one is older than `since` (a balance snapshot is recent:
        a handful of rows), then those orders are fetched by number."""
        mark = utc_text(since)
        touched: set[str] = set()
        with self._lock:
            for at, order_no in self._conn.execute("SELECT at, order_no FROM events ORDER BY seq DESC"):
                if at < mark:
                    break
                if order_no is not None:
                    touched.add(order_no)
        return self._orders(f"SELECT {COLUMNS} FROM orders o WHERE o.order_no IN (SELECT value FROM json_each(?)) "
                            "AND +o.supplier = ? AND o.submitted_at IS NOT NULL "
                            "AND (o.settled_at IS NULL OR o.settled_at >= ?) ORDER BY o.seq",
                            (json.dumps(sorted(touched)), supplier, mark))

    def anomaly_orders(self) -> set[str]:
        """Orders with an `anomaly` event: marked in history, whatever their state."""
        with self._lock:
            rows = self._conn.execute("SELECT DISTINCT order_no FROM events WHERE kind = 'anomaly' "
                                      "AND order_no IS NOT NULL").fetchall()
        return {r[0] for r in rows}

    def ledger_anomalies(self) -> list[Event]:
        """`anomaly` events of no single order (a supplier's balance drift)."""
        with self._lock:
            rows = self._conn.execute("SELECT seq, order_no, kind, at, body, prev_hash, hash FROM events "
                                      "WHERE kind = 'anomaly' AND order_no IS NULL ORDER BY seq").fetchall()
        return [to_event(r) for r in rows]

    def find(self, states: Sequence[OrderState], since: datetime | None = None, category_prefix: str | None = None) -> list[Order]:
        """Orders in some states, optionally since a time and under a category (for suggestions)."""
        sql = f"SELECT {COLUMNS} FROM orders o WHERE o.state IN ({','.join('?' * len(states))})"
        args: list[Any] = [s.value for s in states]
        if since is not None:
            sql += " AND o.created_at >= ?"
            args.append(utc_text(since))
        if category_prefix:
            sql += " AND (o.category = ? OR o.category LIKE ? ESCAPE '\\')"
            args += [category_prefix, category_prefix.replace("%", "\\%").replace("_", "\\_") + "/%"]
        return self._orders(sql + " ORDER BY o.seq", args)

    def sku_counts(self, states: Sequence[OrderState], since: datetime | None = None) -> list[tuple[str, str, int]]:
        """(sku, product name, orders) for the reseller's most bought SKUs."""
        sql = f"SELECT sku, max(product_name), COUNT(*) AS n FROM orders WHERE state IN ({','.join('?' * len(states))})"
        args: list[Any] = [s.value for s in states]
        if since is not None:
            sql += " AND created_at >= ?"
            args.append(utc_text(since))
        with self._lock:
            return [tuple(r) for r in self._conn.execute(sql + " GROUP BY sku ORDER BY n DESC, sku LIMIT 50", args)]

    def unsettled_cost(self, supplier: str) -> Decimal:
        with self._lock:
            r = self._conn.execute("SELECT COALESCE(SUM(total_cost - charged), 0) FROM orders WHERE supplier = ? AND "
                                   "state IN ('pending','submitted','unknown','processing')", (supplier,)).fetchone()
        return from_units(max(0, r[0]))

    def _bounds(self, flt: HistoryFilter) -> tuple[int | None, int | None]:
        """A date range as a seq range (created_at never decreases with seq): two index seeks."""
        def first_at_or_after(when: datetime) -> int | None:
            r = self._conn.execute("SELECT seq FROM orders WHERE created_at >= ? ORDER BY created_at, seq LIMIT 1",
                                   (utc_text(when),)).fetchone()
            return None if r is None else r[0]

        with self._lock:
            lo = None
            if flt.since:
                lo = first_at_or_after(flt.since)
                if lo is None:
                    return 1, 1        # nothing that recent: an empty range
            hi = first_at_or_after(flt.until) if flt.until else None
        return lo, hi

    def history(self, flt: HistoryFilter, limit: int = 50, cursor: str | None = None, with_total: bool = False) -> Page:
        bounds = self._bounds(flt)
        sql, args = queries.page_sql(flt, limit, cursor, COLUMNS, bounds)
        with self._lock:
            rows = self._conn.execute(sql, args).fetchall()
        more = len(rows) > limit
        rows = rows[:limit]
        items = tuple(to_order(dict(zip(chain.ROW_COLUMNS, r[1:]))) for r in rows)
        nxt = queries.encode_cursor(rows[-1][0]) if more and rows else None
        total = None
        if with_total:
            sql, args = queries.count_sql(flt, "COUNT(*)", bounds)
            with self._lock:
                total = self._conn.execute(sql, args).fetchone()[0]
        return Page(items=items, next_cursor=nxt, total=total)

    def totals(self, flt: HistoryFilter) -> Totals:
        sql, args = queries.count_sql(flt, queries.TOTALS, self._bounds(flt))
        with self._lock:
            r = self._conn.execute(sql, args).fetchone()
        return to_totals(r)

    def grouped(self, flt: HistoryFilter, by: str, zone: str) -> list[GroupTotals]:
        expr = queries.group_expr(by, zone, flt)
        sql, args = queries.count_sql(flt, f"{expr} AS k, {queries.TOTALS}", self._bounds(flt))
        with self._lock:
            rows = self._conn.execute(f"{sql} GROUP BY k ORDER BY k", args).fetchall()
        return [GroupTotals(key=r[0], totals=to_totals(r[1:])) for r in rows]

    def events(self, order_no: str) -> list[Event]:
        with self._lock:
            rows = self._conn.execute("SELECT seq, order_no, kind, at, body, prev_hash, hash FROM events "
                                      "WHERE order_no = ? ORDER BY seq", (order_no,)).fetchall()
        return [to_event(r) for r in rows]

    def last_event(self, order_no: str, kind: str) -> Event | None:
        with self._lock:
            r = self._conn.execute("SELECT seq, order_no, kind, at, body, prev_hash, hash FROM events "
                                   "WHERE order_no = ? AND kind = ? ORDER BY seq DESC LIMIT 1", (order_no, kind)).fetchone()
        return None if r is None else to_event(r)

    def cards(self, order_no: str) -> list[SealedCard]:
        with self._lock:
            rows = self._conn.execute("SELECT idx, number_blob, password_blob, expires FROM cards WHERE order_no = ? "
                                      "ORDER BY idx", (order_no,)).fetchall()
        return [SealedCard(r[0], r[1], r[2], r[3]) for r in rows]

    def sealed_fields(self, order_no: str) -> dict[str, bytes]:
        with self._lock:
            rows = self._conn.execute("SELECT key, blob FROM order_secrets WHERE order_no = ?", (order_no,)).fetchall()
        return {k: b for k, b in rows}

    # --- batches ---------------------------------------------------------------------------------
    def _batch(self, r: tuple[Any, ...]) -> Batch:
        with self._lock:
            counts = dict(self._conn.execute(f"SELECT state, COUNT(*) FROM orders o WHERE batch_id = ? AND {LATEST_OF_LINE} GROUP BY state",
                                             (r[0],)).fetchall())
        return Batch(batch_id=r[0], identity=r[1], source=r[2], line_count=r[3], created_at=from_utc_text(r[4]), counts=counts)

    def batch_by_identity(self, identity: str) -> Batch | None:
        """The latest run of the batch with these lines (batch_keys, domain.idempotency)."""
        with self._lock:
            r = self._conn.execute("SELECT b.batch_id, b.identity, b.source, b.line_count, b.created_at FROM batch_keys k "
                                   "JOIN batches b ON b.batch_id = k.batch_id WHERE k.identity = ? "
                                   "ORDER BY k.repeat_no DESC LIMIT 1", (identity,)).fetchone()
        return None if r is None else self._batch(r)

    def get_batch(self, batch_id: int) -> Batch | None:
        with self._lock:
            r = self._conn.execute("SELECT batch_id, identity, source, line_count, created_at FROM batches "
                                   "WHERE batch_id = ?", (batch_id,)).fetchone()
        return None if r is None else self._batch(r)

    def list_batches(self, limit: int = 50) -> list[Batch]:
        with self._lock:
            rows = self._conn.execute("SELECT batch_id, identity, source, line_count, created_at FROM batches "
                                      "ORDER BY batch_id DESC LIMIT ?", (limit,)).fetchall()
        return [self._batch(r) for r in rows]

    def batch_orders(self, batch_id: int) -> list[Order]:
        return self._orders(f"SELECT {COLUMNS} FROM orders o WHERE o.batch_id = ? AND {LATEST_OF_LINE} ORDER BY o.line_id",
                            (batch_id,))
