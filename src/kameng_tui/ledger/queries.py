"""History and totals SQL: keyset pages, filters, FTS5 search.

Pages follow the order in which orders were recorded (their `seq`), newest first —
DESIGN.md: order follows the event sequence, never wall time — and continue from the
last row of the previous page (a cursor), so a deep page costs what the first does.
Every index ends in `seq`, so an equality filter walks its index in page order.
Text search drives an FTS5 index in seq order: trigrams for 3+ characters, a table
of 1- and 2-character Chinese grams for shorter Chinese text (话费, 加急); shorter
Latin or digit text scans the trigram table's text.
"""

from __future__ import annotations

import base64
import re
from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from kameng_tui.domain.clock import utc_text
from kameng_tui.domain.errors import BadInput
from kameng_tui.domain.history import HistoryFilter
from kameng_tui.messages import Msg


Bounds = tuple[int | None, int | None]


def where(flt: HistoryFilter, bounds: Bounds = (None, None)) -> tuple[str, list[Any]]:
    """The date range arrives as seq bounds (see SqliteLedger._bounds); the time test
    stays as a check (`+` keeps it off the index, so an equality index drives)."""
    clauses: list[str] = []
    args: list[object] = []
    lo, hi = bounds
    if lo is not None:
        clauses.append("o.seq >= ?")
        args.append(lo)
    if hi is not None:
        clauses.append("o.seq < ?")
        args.append(hi)
    if flt.since:
        clauses.append("+o.created_at >= ?")
        args.append(utc_text(flt.since))
    if flt.until:
        clauses.append("+o.created_at < ?")
        args.append(utc_text(flt.until))
    if flt.states:
        clauses.append(f"o.state IN ({','.join('?' * len(flt.states))})")
        args += [s.value for s in flt.states]
    for col, value in (("supplier", flt.supplier), ("account_main", flt.account), ("ref", flt.ref),
                       ("customer", flt.customer), ("sku", flt.sku), ("batch_id", flt.batch_id)):
        if value is not None and value != "":
            clauses.append(f"o.{col} = ?")
            args.append(value)
    if flt.order_nos is not None:
        clauses.append(f"o.order_no IN ({','.join('?' * len(flt.order_nos))})" if flt.order_nos else "0")
        args += list(flt.order_nos)
    if flt.exclude_suppliers:
        clauses.append(f"o.supplier NOT IN ({','.join('?' * len(flt.exclude_suppliers))})")
        args += list(flt.exclude_suppliers)
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", args


def source(flt: HistoryFilter) -> tuple[str, list[Any]]:
    """FROM clause: with a text search the FTS table drives the scan, in seq order."""
    text = (flt.search or "").strip()
    if not text:
        return "orders o", []
    if len(text) >= 3:
        return ("orders_fts f JOIN orders o ON o.seq = f.rowid AND f.orders_fts MATCH ?",
                ['"' + text.replace('"', '""') + '"'])
    if _CJK_RUN.fullmatch(text):
        return ("orders_grams f JOIN orders o ON o.seq = f.rowid AND f.orders_grams MATCH ?", [f'"{text}"'])
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return "orders_fts f JOIN orders o ON o.seq = f.rowid AND f.text LIKE ? ESCAPE '\\'", [f"%{escaped}%"]


_CJK_RUN = re.compile(r"[\u3400-\u9fff]+")


def grams(text: str) -> str:
    """1- and 2-character grams of the Chinese runs, as tokens: short Chinese queries
    (话费, 加急) are the common short ones; short Latin/digit text scans instead."""
    out: set[str] = set()
    for run in _CJK_RUN.findall(text):
        out.update(run)
        out.update(run[i:i + 2] for i in range(len(run) - 1))
    return " ".join(out)


def encode_cursor(seq: int) -> str:
    return base64.urlsafe_b64encode(f"s{seq}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> int:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if not raw.startswith("s"):
            raise ValueError(raw)
        return int(raw[1:])
    except (ValueError, UnicodeDecodeError):
        raise BadInput(Msg("err.ledger.cursor", cursor=repr(cursor)), field="cursor") from None


def page_sql(flt: HistoryFilter, limit: int, cursor: str | None, columns: str,
             bounds: Bounds = (None, None)) -> tuple[str, list[Any]]:
    frm, args = source(flt)
    sql, wargs = where(flt, bounds)
    args += wargs
    if cursor:
        sql += (" AND " if sql else " WHERE ") + "o.seq < ?"
        args.append(decode_cursor(cursor))
    order = "f.rowid" if flt.search and flt.search.strip() else "o.seq"
    return f"SELECT o.seq, {columns} FROM {frm}{sql} ORDER BY {order} DESC LIMIT ?", args + [limit + 1]


def count_sql(flt: HistoryFilter, select: str, bounds: Bounds = (None, None)) -> tuple[str, list[Any]]:
    frm, args = source(flt)
    sql, wargs = where(flt, bounds)
    return f"SELECT {select} FROM {frm}{sql}", args + wargs


TOTALS = ("COUNT(*), SUM(o.state IN ('succeeded','refunded')), SUM(o.state = 'failed'), "
          "SUM(o.state IN ('submitted','unknown','processing')), COALESCE(SUM(o.revenue),0), "
          "COALESCE(SUM(o.total_cost),0), COALESCE(SUM(o.charged),0), COALESCE(SUM(o.refunded),0), COALESCE(SUM(o.profit),0)")


def group_expr(by: str, zone: str, flt: HistoryFilter) -> str:
    if by == "day":
        # A fixed offset for the filtered span (exact for zones without DST, e.g. Asia/Shanghai).
        ref = flt.since or datetime.now(timezone.utc)
        offset = ZoneInfo(zone).utcoffset(ref.replace(tzinfo=None)) or timedelta(0)
        minutes = int(offset.total_seconds() // 60)
        return f"substr(datetime(substr(o.created_at, 1, 19), '{minutes:+d} minutes'), 1, 10)"
    if by == "category":
        return "o.category"
    if by == "supplier":
        return "o.supplier"
    if by == "customer":
        return "COALESCE(o.customer, '')"
    raise BadInput(Msg("err.ledger.group_by", by=repr(by)), field="by")
