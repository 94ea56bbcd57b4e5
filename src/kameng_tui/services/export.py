"""Export exactly the filtered orders: CSV (UTF-8 with BOM, so Excel shows Chinese),
xlsx or JSON. The ledger anchor goes with every export and is never a row among the
orders (DESIGN.md "Ledger"): a sidecar `<file>.anchor.json` beside a CSV, a sheet of its
own in xlsx, a field in JSON.

Headers and states are stable English keys and state codes, for programs (`kameng-tui
export`); `labels="zh"` or `"en"` writes them for people instead (the TUI's export, or
the CLI's explicit `--lang`). Cells that start with = + - @ (or tab/CR) are neutralized
with a leading apostrophe (no formula injection); long digit strings (phone, card and
order numbers) stay text: in CSV a tab before the digits keeps Excel from turning them
into 1.38E+10, in xlsx the cell is typed as text. `--reveal` adds card secrets. Every
file is written whole or not at all, 0600 (services/export_files.py).
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

from kameng_tui.domain.errors import BadInput
from kameng_tui.domain.history import HistoryFilter
from kameng_tui.domain.models import Order
from kameng_tui.domain.money import fmt
from kameng_tui.domain.reasons import reason_text
from kameng_tui.ledger.ports import OrderStore
from kameng_tui.messages import Msg, text
from kameng_tui.services.cards import CardReader, reveal_and_record
from kameng_tui.services.config_cell import ConfigCell
from kameng_tui.services.export_files import Writer, is_stream, make_parent, write_whole


@dataclass(frozen=True)
class Exporter:
    """What an export reads: the ledger's history pages, the cards (for --reveal), the business zone."""

    ledger: OrderStore
    cards: CardReader
    config: ConfigCell


FORMATS = ("csv", "xlsx", "json")
COLUMNS = ("order_no", "created_at", "state", "sku", "product_name", "category", "quantity", "account", "customer",
           "ref", "note", "unit_price", "total_price", "total_cost", "charged", "refunded", "customer_refunded",
           "revenue", "profit", "supplier", "supplier_order_no", "reason")
ANCHOR_KEYS = ("ledger_id", "seq", "hash")
LONG_DIGITS = re.compile(r"^\d{8,}$")


def anchor_path(dest: Path) -> Path:
    """Where a CSV's anchor goes: `<file>.anchor.json`."""
    return dest.with_name(dest.name + ".anchor.json")


def format_of(dest: Path) -> str:
    """The format a file name asks for by its extension (`x.csv` -> csv)."""
    ext = dest.suffix.lower().lstrip(".")
    if not dest.suffix:
        raise BadInput(Msg("err.export.no_extension", name=dest.name, formats=", ".join(FORMATS)), field="output")
    if ext not in FORMATS:
        raise BadInput(Msg("err.export.extension", ext=repr(dest.suffix), formats=", ".join(FORMATS)), field="output")
    return ext


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


def record(o: Order, zone: str, lang: str = "zh", labels: str | None = None) -> dict[str, Any]:
    """One order's cells by column key; `labels`: its state in that language, else the code."""
    from zoneinfo import ZoneInfo

    return {
        "order_no": o.order_no, "created_at": o.created_at.astimezone(ZoneInfo(zone)).strftime("%Y-%m-%d %H:%M:%S"),
        "state": text(f"state.{o.state.value}", labels) if labels else o.state.value,
        "sku": o.sku, "product_name": o.product_name, "category": o.category,
        "quantity": o.quantity, "account": o.account_text, "customer": o.customer or "", "ref": o.ref or "",
        "note": o.note or "", "unit_price": fmt(o.unit_price), "total_price": fmt(o.total_price),
        "total_cost": fmt(o.total_cost), "charged": fmt(o.charged), "refunded": fmt(o.refunded),
        "customer_refunded": fmt(o.customer_refunded), "revenue": fmt(o.revenue), "profit": fmt(o.profit),
        "supplier": o.supplier, "supplier_order_no": o.supplier_order_no or "", "reason": reason_text(o.reason, lang) or "",
    }


def export(deps: Exporter, flt: HistoryFilter, fmt_name: str, dest: Path, reveal: bool = False,
           lang: str | None = None, labels: str | None = None, create_dir: bool = False) -> int:
    """Write the orders `flt` selects to `dest`; returns how many. `lang`: the language
    reasons are written in (the configured one by default); `labels`: write headers and
    states for people in that language; `create_dir`: make a missing directory (the
    TUI's default place) instead of refusing it."""
    if fmt_name not in FORMATS:
        raise BadInput(Msg("err.export.format", format=repr(fmt_name)), field="format")
    zone = deps.config.current.general.timezone
    anchor = deps.ledger.anchor() if hasattr(deps.ledger, "anchor") else {}
    columns = COLUMNS + (("cards",) if reveal else ())
    items = []
    for o in rows(deps, flt):
        r = record(o, zone, lang or deps.config.current.general.language, labels)
        if reveal:
            r["cards"] = "; ".join(card_cell(c, lang or deps.config.current.general.language)
                                   for c in reveal_and_record(deps.cards, o, "export"))
        items.append(r)
    header = [text(f"export.col.{c}", labels) if labels else c for c in columns]
    if create_dir:
        make_parent(dest)
    files: list[tuple[Path, Writer]]
    if fmt_name == "json":
        body = json.dumps({"version": 1, "items": items, "total": len(items), "anchor": anchor}, ensure_ascii=False, indent=1)
        files = [(dest, lambda p: p.write_text(body, encoding="utf-8"))]
    elif fmt_name == "csv":
        if is_stream(dest):          # the anchor goes beside the file, and a stream has no beside
            raise BadInput(Msg("err.export.csv_stream", path=str(dest)), field="output")
        content = _csv(header, columns, items).encode("utf-8-sig")
        sidecar = {"version": 1, "file": dest.name, "format": "csv", "rows": len(items),
                   "sha256": hashlib.sha256(content).hexdigest(), "anchor": anchor}
        files = [(dest, lambda p: p.write_bytes(content)),
                 (anchor_path(dest), lambda p: p.write_text(json.dumps(sidecar, ensure_ascii=False, indent=1) + "\n",
                                                             encoding="utf-8"))]
    else:
        files = [(dest, lambda p: _xlsx(p, header, columns, items, anchor, labels))]
    write_whole(files)
    return len(items)


def card_cell(card: Mapping[str, Any], lang: str) -> str:
    """A card as an export writes it: number and password, or why it cannot be opened here."""
    if card.get("locked"):
        return text(f"card.locked.{card['locked']}", lang, key_id=card.get("key_id") or "")
    return f"{card['number']} {card['password']}"


def _csv(header: Sequence[str], columns: Sequence[str], items: Sequence[Mapping[str, Any]]) -> str:
    import io

    buf = io.StringIO(newline="")
    w = csv.writer(buf)
    w.writerow(header)
    for r in items:
        w.writerow([_csv_cell(r[c]) for c in columns])
    return buf.getvalue()


def _csv_cell(value: Any) -> str:
    text = str(value)
    if LONG_DIGITS.match(text):
        return "\t" + text
    return neutralize(text)


def _xlsx(dest: Path, header: Sequence[str], columns: Sequence[str], items: Sequence[Mapping[str, Any]],
          anchor: Mapping[str, Any], labels: str | None) -> None:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

    wb = Workbook()
    ws = wb.active
    assert isinstance(ws, Worksheet)      # a new workbook's one sheet
    ws.title = text("export.sheet.orders", labels) if labels else "orders"
    ws.append(list(header))
    for r in items:
        ws.append([neutralize(str(r[c])) if isinstance(r[c], str) else r[c] for c in columns])
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                cell.data_type = "s"
                cell.number_format = "@"
    sheet = wb.create_sheet(text("export.sheet.anchor", labels) if labels else "anchor")
    sheet.append([text(f"export.col.{k}", labels) if labels else k for k in ANCHOR_KEYS])
    sheet.append([anchor.get(k, "") for k in ANCHOR_KEYS])
    with dest.open("wb") as fh:
        wb.save(fh)
