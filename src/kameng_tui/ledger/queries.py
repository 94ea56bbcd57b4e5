"""History and totals SQL: keyset pages, filters, FTS5 search.

Pages are ordered by (created_at, order_no) descending and continue from the last
row of the previous page (a cursor), so a deep page costs what the first does.
Text search uses the trigram FTS5 index for 3+ characters; shorter text falls back
to a LIKE scan of the same table.
"""

from __future__ import annotations

import base64
from datetime import datetime, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from kameng_tui.domain.clock import utc_text
from kameng_tui.domain.errors import BadInput
from kameng_tui.domain.history import HistoryFilter


def where(flt: HistoryFilter) -> tuple[str, list[Any]]:
    clauses, args = [], []
    if flt.since:
        clauses.append("o.created_at >= ?")
        args.append(utc_text(flt.since))
    if flt.until:
        clauses.append("o.created_at < ?")
        args.append(utc_text(flt.until))
    if flt.states:
        clauses.append(f"o.state IN ({','.join('?' * len(flt.states))})")
        args += [s.value for s in flt.states]
    for col, value in (("supplier", flt.supplier), ("account_main", flt.account), ("ref", flt.ref),
                       ("customer", flt.customer), ("sku", flt.sku), ("batch_id", flt.batch_id)):
        if value is not None and value != "":
            clauses.append(f"o.{col} = ?")
            args.append(value)
    if flt.search and flt.search.strip():
        text = flt.search.strip()
        if len(text) >= 3:
            clauses.append("o.rowid IN (SELECT rowid FROM orders_fts WHERE orders_fts MATCH ?)")
            args.append('"' + text.replace('"', '""') + '"')
        else:
            clauses.append("o.rowid IN (SELECT rowid FROM orders_fts WHERE text LIKE ? ESCAPE '\\')")
            args.append("%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%")
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", args


def encode_cursor(created_at: str, order_no: str) -> str:
    return base64.urlsafe_b64encode(f"{created_at}|{order_no}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[str, str]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        created_at, order_no = raw.split("|", 1)
        return created_at, order_no
    except (ValueError, UnicodeDecodeError):
        raise BadInput(f"无效的翻页游标 {cursor!r}", message_en=f"invalid cursor {cursor!r}", field="cursor") from None


def page_sql(flt: HistoryFilter, limit: int, cursor: str | None, columns: str) -> tuple[str, list[Any]]:
    sql, args = where(flt)
    if cursor:
        created_at, order_no = decode_cursor(cursor)
        sql += (" AND " if sql else " WHERE ") + "(o.created_at, o.order_no) < (?, ?)"
        args += [created_at, order_no]
    return f"SELECT {columns} FROM orders o{sql} ORDER BY o.created_at DESC, o.order_no DESC LIMIT ?", args + [limit + 1]


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
    raise BadInput(f"--by 只能是 day/category/supplier/customer，收到 {by!r}",
                   message_en=f"--by must be day, category, supplier or customer, got {by!r}", field="by")
