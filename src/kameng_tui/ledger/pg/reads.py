"""The team ledger's reads: the SQL of ledger/reads.py and ledger/queries.py in
PostgreSQL's dialect, with the same results (same orderings, same keyset pages and
cursors, same totals). Money comes back as NUMERIC and is turned into the projection's
units at the row boundary, so `rows.to_order` and `chain.project` serve both stores.
Reads take no lock (READ COMMITTED: each statement sees what was committed before it).
"""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, Mapping, Sequence
from zoneinfo import ZoneInfo

from kameng_tui.domain.clock import from_utc_text, utc_text
from kameng_tui.domain.errors import BadInput
from kameng_tui.domain.history import Event, GroupTotals, HistoryFilter, Page, Totals
from kameng_tui.domain.models import Order
from kameng_tui.domain.money import COST_Q, from_units, to_units
from kameng_tui.domain.states import IN_FLIGHT, OrderState
from kameng_tui.ledger import chain, queries
from kameng_tui.ledger.pg.schema import MONEY_COLUMNS
from kameng_tui.ledger.attempts import LATEST_OF_LINE
from kameng_tui.ledger.rows import to_event, to_order, to_totals
from kameng_tui.ledger.values import Batch, GuardDuplicate, SealedCard
from kameng_tui.messages import Msg

COLUMNS = ", ".join(f"o.{c}" for c in chain.ROW_COLUMNS)
REPEAT_COUNTS = "o.state != 'cancelled' AND NOT (o.state = 'failed' AND o.charged <= o.refunded)"
EVENT_COLUMNS = "seq, order_no, kind, at, body, prev_hash, hash"
TOTALS = ("COUNT(*), COUNT(*) FILTER (WHERE o.state IN ('succeeded','refunded')), "
          "COUNT(*) FILTER (WHERE o.state = 'failed'), "
          "COUNT(*) FILTER (WHERE o.state IN ('submitted','unknown','processing')), COALESCE(SUM(o.revenue),0), "
          "COALESCE(SUM(o.total_cost),0), COALESCE(SUM(o.charged),0), COALESCE(SUM(o.refunded),0), "
          "COALESCE(SUM(o.profit),0)")
_MONEY_AT = tuple(i for i, c in enumerate(chain.ROW_COLUMNS) if c in MONEY_COLUMNS)


def units_row(r: Sequence[Any]) -> dict[str, Any]:
    """An orders row as the projection has it: NUMERIC yuan -> integer units."""
    row = dict(zip(chain.ROW_COLUMNS, r))
    for i in _MONEY_AT:
        name = chain.ROW_COLUMNS[i]
        row[name] = to_units(row[name])
    return row


def order_of(r: Sequence[Any]) -> Order:
    """An orders row (COLUMNS) as an Order straight from NUMERIC: the value
    `to_order(units_row(r))` gives, without going through units and back per column."""
    return to_order(dict(zip(chain.ROW_COLUMNS, r)), yuan=_yuan)


def _yuan(value: Decimal) -> Decimal:
    return value.quantize(COST_Q)


def money_args(row: Mapping[str, Any]) -> list[Any]:
    """The projection's row as column values for PostgreSQL: units -> Decimal yuan."""
    return [from_units(row[c]) if c in MONEY_COLUMNS else row[c] for c in chain.ROW_COLUMNS]


def _totals(r: Sequence[Any]) -> Totals:
    return to_totals(list(r[:4]) + [to_units(Decimal(v)) for v in r[4:9]])


def where(flt: HistoryFilter, bounds: queries.Bounds = (None, None)) -> tuple[str, list[Any]]:
    """queries.where in PostgreSQL's dialect (same clauses, same arguments)."""
    clauses: list[str] = []
    args: list[Any] = []
    lo, hi = bounds
    if lo is not None:
        clauses.append("o.seq >= %s")
        args.append(lo)
    if hi is not None:
        clauses.append("o.seq < %s")
        args.append(hi)
    if flt.since:
        clauses.append("o.created_at >= %s")
        args.append(utc_text(flt.since))
    if flt.until:
        clauses.append("o.created_at < %s")
        args.append(utc_text(flt.until))
    if flt.states:
        clauses.append("o.state = ANY(%s)")
        args.append([s.value for s in flt.states])
    for col, value in (("supplier", flt.supplier), ("account_main", flt.account), ("ref", flt.ref),
                       ("customer", flt.customer), ("sku", flt.sku), ("batch_id", flt.batch_id)):
        if value is not None and value != "":
            clauses.append(f"o.{col} = %s")
            args.append(value)
    if flt.order_nos is not None:
        clauses.append("o.order_no = ANY(%s)")
        args.append(list(flt.order_nos))
    if flt.exclude_suppliers:
        clauses.append("NOT (o.supplier = ANY(%s))")
        args.append(list(flt.exclude_suppliers))
    text = (flt.search or "").strip()
    if text:
        # FTS5's trigram table matches case-insensitively anywhere in the text: ILIKE does
        escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        clauses.append("o.search ILIKE %s")
        args.append(f"%{escaped}%")
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", args


def group_expr(by: str, zone: str, flt: HistoryFilter) -> str:
    if by == "day":
        ref = flt.since or datetime.now(timezone.utc)
        offset = ZoneInfo(zone).utcoffset(ref.replace(tzinfo=None)) or timedelta(0)
        minutes = int(offset.total_seconds() // 60)
        return (f"to_char(to_timestamp(substr(o.created_at, 1, 19), 'YYYY-MM-DD\"T\"HH24:MI:SS') "
                f"+ interval '{minutes} minutes', 'YYYY-MM-DD')")
    if by in ("category", "supplier"):
        return f"o.{by}"
    if by == "customer":
        return "COALESCE(o.customer, '')"
    raise BadInput(Msg("err.ledger.group_by", by=repr(by)), field="by")


class PgReads:
    _lock: threading.RLock
    _conn: Any

    def _all(self, sql: str, args: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        with self._lock:
            return list(self._conn.execute(sql, args).fetchall())

    def _one(self, sql: str, args: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        with self._lock:
            r = self._conn.execute(sql, args).fetchone()
        return None if r is None else tuple(r)

    def _orders(self, sql: str, args: Sequence[Any] = ()) -> list[Order]:
        return [order_of(r) for r in self._all(sql, args)]

    def get(self, order_no: str) -> Order | None:
        found = self._orders(f"SELECT {COLUMNS} FROM orders o WHERE o.order_no = %s", (order_no,))
        return found[0] if found else None

    def by_ref(self, ref: str) -> list[Order]:
        return self._orders(f"SELECT {COLUMNS} FROM orders o WHERE o.ref = %s ORDER BY o.seq DESC", (ref,))

    def last_for(self, sku: str, account: str, since: datetime, fields: Mapping[str, str] | None = None) -> Order | None:
        found = self._orders(f"SELECT {COLUMNS} FROM orders o WHERE o.sku = %s AND o.account_main = %s "
                             f"AND o.created_at >= %s AND {REPEAT_COUNTS} ORDER BY o.seq DESC",
                             (sku, account, utc_text(since)))
        for order in found:
            if fields is None or dict(order.account) == dict(fields):
                return order
        return None

    def next_attempt(self, order_no: str) -> str | None:
        r = self._one("SELECT order_no FROM order_attempts WHERE attempt_of = %s", (order_no,))
        return None if r is None else str(r[0])

    def ref_fingerprint(self, ref: str) -> str | None:
        r = self._one("SELECT fingerprint FROM order_refs WHERE ref = %s", (ref,))
        return None if r is None else str(r[0])

    def guard_duplicates(self) -> list[GuardDuplicate]:
        return [GuardDuplicate(*r) for r in self._all("SELECT kind, key, kept, duplicate FROM guard_duplicates "
                                                      "ORDER BY kind, duplicate")]

    def in_state(self, states: Sequence[OrderState], supplier: str | None = None) -> list[Order]:
        sql = f"SELECT {COLUMNS} FROM orders o WHERE o.state = ANY(%s)"
        args: list[Any] = [[s.value for s in states]]
        if supplier:
            sql += " AND o.supplier = %s"
            args.append(supplier)
        return self._orders(sql + " ORDER BY o.seq", args)

    def needs_attention(self) -> list[Order]:
        return self._orders(f"SELECT {COLUMNS} FROM orders o WHERE (o.state = 'failed' AND o.charged > o.refunded) "
                            "OR o.state = 'unknown' OR (o.state = 'succeeded' AND o.delivered_qty < o.quantity) "
                            "OR (o.state = 'pending' AND o.submitted_at IS NOT NULL) "
                            "OR o.order_no IN (SELECT e.order_no FROM events e WHERE e.kind = 'anomaly') "
                            "ORDER BY o.seq")

    def in_flight(self, supplier: str) -> bool:
        return self._one("SELECT 1 FROM orders WHERE state = ANY(%s) AND supplier = %s LIMIT 1",
                         ([s.value for s in IN_FLIGHT], supplier)) is not None

    def sent_since(self, supplier: str, since: datetime) -> list[Order]:
        """As the SQLite store: the events read back from the end until one is older than
        `since`, then those orders by number."""
        mark = utc_text(since)
        touched: set[str] = set()
        with self._lock:
            with self._conn.cursor() as cur:
                for at, order_no in cur.stream("SELECT at, order_no FROM events ORDER BY seq DESC"):
                    if at < mark:
                        break
                    if order_no is not None:
                        touched.add(order_no)
        return self._orders(f"SELECT {COLUMNS} FROM orders o WHERE o.order_no = ANY(%s) AND o.supplier = %s "
                            "AND o.submitted_at IS NOT NULL AND (o.settled_at IS NULL OR o.settled_at >= %s) "
                            "ORDER BY o.seq", (sorted(touched), supplier, mark))

    def anomaly_orders(self) -> set[str]:
        return {r[0] for r in self._all("SELECT DISTINCT order_no FROM events WHERE kind = 'anomaly' "
                                        "AND order_no IS NOT NULL")}

    def ledger_anomalies(self) -> list[Event]:
        return [to_event(r) for r in self._all(f"SELECT {EVENT_COLUMNS} FROM events WHERE kind = 'anomaly' "
                                               "AND order_no IS NULL ORDER BY seq")]

    def find(self, states: Sequence[OrderState], since: datetime | None = None,
             category_prefix: str | None = None) -> list[Order]:
        sql = f"SELECT {COLUMNS} FROM orders o WHERE o.state = ANY(%s)"
        args: list[Any] = [[s.value for s in states]]
        if since is not None:
            sql += " AND o.created_at >= %s"
            args.append(utc_text(since))
        if category_prefix:
            sql += " AND (o.category = %s OR o.category LIKE %s)"
            args += [category_prefix, category_prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "/%"]
        return self._orders(sql + " ORDER BY o.seq", args)

    def sku_counts(self, states: Sequence[OrderState], since: datetime | None = None) -> list[tuple[str, str, int]]:
        sql = "SELECT sku, max(product_name), COUNT(*) AS n FROM orders WHERE state = ANY(%s)"
        args: list[Any] = [[s.value for s in states]]
        if since is not None:
            sql += " AND created_at >= %s"
            args.append(utc_text(since))
        return [(r[0], r[1], int(r[2])) for r in self._all(sql + " GROUP BY sku ORDER BY n DESC, sku LIMIT 50", args)]

    def unsettled_cost(self, supplier: str) -> Decimal:
        r = self._one("SELECT COALESCE(SUM(total_cost - charged), 0) FROM orders WHERE supplier = %s AND "
                      "state IN ('pending','submitted','unknown','processing')", (supplier,))
        return from_units(max(0, to_units(Decimal(r[0] if r else 0))))

    def _bounds(self, flt: HistoryFilter) -> queries.Bounds:
        def first_at_or_after(when: datetime) -> int | None:
            r = self._one("SELECT seq FROM orders WHERE created_at >= %s ORDER BY created_at, seq LIMIT 1",
                          (utc_text(when),))
            return None if r is None else int(r[0])

        lo = None
        if flt.since:
            lo = first_at_or_after(flt.since)
            if lo is None:
                return 1, 1
        hi = first_at_or_after(flt.until) if flt.until else None
        return lo, hi

    def history(self, flt: HistoryFilter, limit: int = 50, cursor: str | None = None, with_total: bool = False) -> Page:
        bounds = self._bounds(flt)
        sql, args = where(flt, bounds)
        if cursor:
            sql += (" AND " if sql else " WHERE ") + "o.seq < %s"
            args.append(queries.decode_cursor(cursor))
        rows = self._all(f"SELECT o.seq, {COLUMNS} FROM orders o{sql} ORDER BY o.seq DESC LIMIT %s", args + [limit + 1])
        more = len(rows) > limit
        rows = rows[:limit]
        items = tuple(order_of(r[1:]) for r in rows)
        nxt = queries.encode_cursor(rows[-1][0]) if more and rows else None
        total = None
        if with_total:
            csql, cargs = where(flt, bounds)
            r = self._one(f"SELECT COUNT(*) FROM orders o{csql}", cargs)
            total = int(r[0]) if r else 0
        return Page(items=items, next_cursor=nxt, total=total)

    def totals(self, flt: HistoryFilter) -> Totals:
        sql, args = where(flt, self._bounds(flt))
        r = self._one(f"SELECT {TOTALS} FROM orders o{sql}", args)
        assert r is not None
        return _totals(r)

    def grouped(self, flt: HistoryFilter, by: str, zone: str) -> list[GroupTotals]:
        expr = group_expr(by, zone, flt)
        sql, args = where(flt, self._bounds(flt))
        rows = self._all(f"SELECT {expr} AS k, {TOTALS} FROM orders o{sql} GROUP BY k ORDER BY k", args)
        return [GroupTotals(key=r[0], totals=_totals(r[1:])) for r in rows]

    def events(self, order_no: str) -> list[Event]:
        return [to_event(r) for r in self._all(f"SELECT {EVENT_COLUMNS} FROM events WHERE order_no = %s ORDER BY seq",
                                               (order_no,))]

    def last_event(self, order_no: str, kind: str) -> Event | None:
        r = self._one(f"SELECT {EVENT_COLUMNS} FROM events WHERE order_no = %s AND kind = %s ORDER BY seq DESC LIMIT 1",
                      (order_no, kind))
        return None if r is None else to_event(r)

    def cards(self, order_no: str) -> list[SealedCard]:
        return [SealedCard(r[0], bytes(r[1]), bytes(r[2]), r[3]) for r in self._all(
            "SELECT idx, number_blob, password_blob, expires FROM cards WHERE order_no = %s ORDER BY idx", (order_no,))]

    def sealed_fields(self, order_no: str) -> dict[str, bytes]:
        return {k: bytes(b) for k, b in self._all("SELECT key, blob FROM order_secrets WHERE order_no = %s", (order_no,))}

    # --- batches ---------------------------------------------------------------------------------
    def _batch(self, r: Sequence[Any]) -> Batch:
        counts = {s: int(n) for s, n in self._all(f"SELECT state, COUNT(*) FROM orders o WHERE batch_id = %s "
                                                   f"AND {LATEST_OF_LINE} GROUP BY state", (r[0],))}
        return Batch(batch_id=int(r[0]), identity=r[1], source=r[2], line_count=r[3], created_at=from_utc_text(r[4]),
                     counts=counts)

    def batch_by_identity(self, identity: str) -> Batch | None:
        r = self._one("SELECT b.batch_id, b.identity, b.source, b.line_count, b.created_at FROM batch_keys k "
                      "JOIN batches b ON b.batch_id = k.batch_id WHERE k.identity = %s "
                      "ORDER BY k.repeat_no DESC LIMIT 1", (identity,))
        return None if r is None else self._batch(r)

    def get_batch(self, batch_id: int) -> Batch | None:
        r = self._one("SELECT batch_id, identity, source, line_count, created_at FROM batches WHERE batch_id = %s",
                      (batch_id,))
        return None if r is None else self._batch(r)

    def list_batches(self, limit: int = 50) -> list[Batch]:
        return [self._batch(r) for r in self._all("SELECT batch_id, identity, source, line_count, created_at "
                                                  "FROM batches ORDER BY batch_id DESC LIMIT %s", (limit,))]

    def batch_orders(self, batch_id: int) -> list[Order]:
        return self._orders(f"SELECT {COLUMNS} FROM orders o WHERE o.batch_id = %s AND {LATEST_OF_LINE} ORDER BY o.line_id",
                            (batch_id,))
