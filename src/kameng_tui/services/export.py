"""Export exactly the filtered orders: CSV (UTF-8 with BOM, so Excel shows Chinese),
xlsx or JSON, with the ledger anchor in a trailer row (CSV/xlsx) or field (JSON).

Cells that start with = + - @ (or tab/CR) are neutralized with a leading apostrophe
(no formula injection); long digit strings — phone, card and order numbers — stay
text: in CSV a tab before the digits keeps Excel from turning them into 1.38E+10, in
xlsx the cell is typed as text. `--reveal` adds card secrets and writes the file 0600
(every export is 0600: our umask).
"""

from __future__ import annotations

import csv
import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

from kameng_tui.domain.errors import BadInput
from kameng_tui.domain.history import HistoryFilter
from kameng_tui.domain.models import Order
from kameng_tui.domain.money import fmt
from kameng_tui.messages import Msg
from kameng_tui.domain.reasons import reason_text
from kameng_tui.ledger.ports import OrderStore
from kameng_tui.services.cards import CardReader, reveal_cards
from kameng_tui.services.config_cell import ConfigCell


@dataclass(frozen=True)
class Exporter:
    """What an export reads: the ledger's history pages, the cards (for --reveal), the business zone."""

    ledger: OrderStore
    cards: CardReader
    config: ConfigCell


COLUMNS = ("order_no", "created_at", "state", "sku", "product_name", "category", "quantity", "account", "customer",
           "ref", "note", "unit_price", "total_price", "total_cost", "charged", "refunded", "customer_refunded",
           "revenue", "profit", "supplier", "supplier_order_no", "reason")
LONG_DIGITS = re.compile(r"^\d{8,}$")


def neutralize(value: str) -> str:
    if value and value[0] in "=+-@\t\r":
        return "'" + value
    return value


def rows(deps: Exporter, flt: HistoryFilter) -> Iterator[Order]:
    cursor = None
    while True:
        page = deps.ledger.history(flt, limit=1000, cursor=cursor)
        yield from page.items
        cursor = page.next_cursor
        if not cursor:
            return


def record(o: Order, zone: str, lang: str = "zh") -> dict[str, Any]:
    from zoneinfo import ZoneInfo

    return {
        "order_no": o.order_no, "created_at": o.created_at.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M:%S"),
        "state": o.state.value, "sku": o.sku, "product_name": o.product_name, "category": o.category,
        "quantity": o.quantity, "account": o.account_text, "customer": o.customer or "", "ref": o.ref or "",
        "note": o.note or "", "unit_price": fmt(o.unit_price), "total_price": fmt(o.total_price),
        "total_cost": fmt(o.total_cost), "charged": fmt(o.charged), "refunded": fmt(o.refunded),
        "customer_refunded": fmt(o.customer_refunded), "revenue": fmt(o.revenue), "profit": fmt(o.profit),
        "supplier": o.supplier, "supplier_order_no": o.supplier_order_no or "", "reason": reason_text(o.reason, lang) or "",
    }


def export(deps: Exporter, flt: HistoryFilter, fmt_name: str, dest: Path, reveal: bool = False,
           lang: str | None = None) -> int:
    """`lang`: the language reasons are written in (the configured one by default)."""
    if fmt_name not in ("csv", "xlsx", "json"):
        raise BadInput(Msg("err.export.format", format=repr(fmt_name)), field="format")
    zone = deps.config.current.general.timezone
    anchor = deps.ledger.anchor() if hasattr(deps.ledger, "anchor") else {}
    columns = COLUMNS + (("cards",) if reveal else ())
    items = []
    for o in rows(deps, flt):
        r = record(o, zone, lang or deps.config.current.general.language)
        if reveal:
            r["cards"] = "; ".join(f"{c['number']} {c['password']}" for c in reveal_cards(deps.cards, o, True))
        items.append(r)
    old = os.umask(0o077)
    try:
        if fmt_name == "json":
            dest.write_text(json.dumps({"version": 1, "items": items, "total": len(items), "anchor": anchor},
                                       ensure_ascii=False, indent=1), encoding="utf-8")
        elif fmt_name == "csv":
            with dest.open("w", encoding="utf-8-sig", newline="") as fh:
                w = csv.writer(fh)
                w.writerow(columns)
                for r in items:
                    w.writerow([_csv_cell(r[c]) for c in columns])
                w.writerow(["# ledger anchor", anchor.get("ledger_id", ""), anchor.get("seq", ""), anchor.get("hash", "")])
        else:
            _xlsx(dest, columns, items, anchor)
    finally:
        os.umask(old)
    os.chmod(dest, 0o600)
    return len(items)


def _csv_cell(value: Any) -> str:
    text = str(value)
    if LONG_DIGITS.match(text):
        return "\t" + text
    return neutralize(text)


def _xlsx(dest: Path, columns: Sequence[str], items: Sequence[Mapping[str, Any]], anchor: Mapping[str, Any]) -> None:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)      # a new workbook's one sheet
    ws.title = "orders"
    ws.append(list(columns))
    for r in items:
        ws.append([neutralize(str(r[c])) if isinstance(r[c], str) else r[c] for c in columns])
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
                cell.number_format = "@"
    ws.append(["# ledger anchor", anchor.get("ledger_id", ""), anchor.get("seq", ""), anchor.get("hash", "")])
    wb.save(dest)
