"""Batch files as resellers write them, parsed without touching anything.

Two formats: a CSV whose header names the columns (BOM and CRLF tolerated), or
pasted lines `SKU ACCOUNT [QTY] [key=value ...]` (spaces, or tabs from an Excel
copy). Bad input never raises: every problem is collected with its line number.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Mapping, Sequence

from kameng_tui.domain.idempotency import batch_identity_of
from kameng_tui.domain.money import AmountError, parse_amount, price
from kameng_tui.domain.order_text import LIMITS, text_problem
from kameng_tui.messages import HasMsg, Msg

ACCOUNT_KEYS = ("account", "region", "server", "role", "charge_type", "address")
COLUMNS = ("sku", "quantity", "ref", "customer", "note", "price", "allow_loss") + ACCOUNT_KEYS
# Column names resellers write in Chinese headers: input words, not words we show.
ALIASES = {"qty": "quantity", "数量": "quantity", "账号": "account", "商品": "sku"}
MAX_QTY = 10_000
ALLOW_LOSS = {"yes": True, "y": True, "true": True, "1": True, "是": True,
              "no": False, "n": False, "false": False, "0": False, "否": False, "": False}
"""The `allow_loss` column: a line whose `price` is below the cost is refused unless it
says yes here (a sale at a loss is a decision per line, as `--allow-loss` is per order)."""


@dataclass(frozen=True)
class LineError(HasMsg):
    line: int
    field: str | None
    msg: Msg
    code: str = "bad_line"


@dataclass(frozen=True)
class BatchLine:
    line_no: int
    sku: str
    fields: Mapping[str, str]          # account fields by key
    quantity: int = 1
    ref: str | None = None
    customer: str | None = None
    note: str | None = None
    price: Decimal | None = None
    allow_loss: bool = False

    def normalized(self) -> str:
        acct = ",".join(f"{k}={v}" for k, v in sorted(self.fields.items()))
        return "|".join([self.sku.lower(), acct, str(self.quantity), self.ref or "", self.customer or "",
                         self.note or "", "" if self.price is None else f"{self.price:.2f}"]) + \
            ("|allow_loss" if self.allow_loss else "")


@dataclass(frozen=True)
class ParsedBatch:
    lines: tuple[BatchLine, ...] = ()
    errors: tuple[LineError, ...] = field(default_factory=tuple)


def _clean(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def _bad_chars(text: str) -> bool:
    return any(unicodedata.category(c) == "Cc" and c not in "\t" for c in text)


def _build(line_no: int, cells: dict[str, str], errors: list[LineError]) -> BatchLine | None:
    before = len(errors)

    def err(key: str, fld: str | None, code: str = "bad_line", /, **params: object) -> None:
        errors.append(LineError(line_no, fld, Msg(key, **params), code))

    sku = cells.get("sku", "")
    if not sku:
        err("err.batch.missing_sku", "sku", "missing_sku")
    if not cells.get("account"):
        err("err.batch.missing_account", "account", "missing_account")
    qty = 1
    if cells.get("quantity"):
        q = cells["quantity"]
        if not q.isdigit() or int(q) <= 0 or int(q) > MAX_QTY:
            err("err.batch.bad_quantity", "quantity", "bad_quantity", value=repr(q))
        else:
            qty = int(q)
    p = None
    if cells.get("price"):
        try:
            p = price(parse_amount(cells["price"]))
        except AmountError as exc:
            err("err.batch.price", "price", "bad_price", reason=exc.msg)
    for key in LIMITS:
        problem = text_problem(key, cells.get(key))
        if problem is not None:
            errors.append(LineError(line_no, key, problem, "bad_text"))
    allow = cells.get("allow_loss", "").lower()
    if allow not in ALLOW_LOSS:
        err("err.batch.allow_loss", "allow_loss", "bad_allow_loss", value=repr(cells["allow_loss"]))
    if len(errors) > before:
        return None
    return BatchLine(line_no=line_no, sku=sku, quantity=qty, price=p, allow_loss=ALLOW_LOSS[allow],
                     fields={k: cells[k] for k in ACCOUNT_KEYS if cells.get(k)},
                     ref=cells.get("ref") or None, customer=cells.get("customer") or None, note=cells.get("note") or None)


def lines_of(typed: Sequence[tuple[int, Mapping[str, str]]]) -> ParsedBatch:
    """Lines typed cell by cell (the app's grid), each with its line number: every cell
    cleaned and checked as a file's cell is, but never written into text and split
    again, so a comma, a quote or a line separator in a cell reaches the order as typed."""
    errors: list[LineError] = []
    lines: list[BatchLine] = []
    for line_no, cells in typed:
        values = {k: _clean(v) for k, v in cells.items() if k in COLUMNS}
        if any(_bad_chars(v) for v in values.values()):
            errors.append(LineError(line_no, None, Msg("err.batch.control_chars"), "control_chars"))
            continue
        built = _build(line_no, values, errors)
        if built:
            lines.append(built)
    return ParsedBatch(lines=tuple(lines), errors=tuple(errors))


def parse_batch_bytes(data: bytes) -> ParsedBatch:
    try:
        return parse_batch(data.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return ParsedBatch(errors=(LineError(line, None, Msg("err.batch.not_utf8", line=line), "encoding"),))


def parse_batch(text: str) -> ParsedBatch:
    text = text.lstrip("\ufeff")
    if not text.strip():
        return ParsedBatch(errors=(LineError(1, None, Msg("err.batch.empty"), "empty"),))
    open_at = unclosed_quote_line(text)
    if open_at is not None:
        return ParsedBatch(errors=(LineError(open_at, None, Msg("err.batch.unclosed_quote"), "unclosed_quote"),))
    first = text.lstrip().splitlines()[0]
    first_cell = _clean(first.replace("\t", ",").split(",")[0]).lower()
    if first_cell == "sku":
        return _parse_csv(text)
    return _parse_lines(text)


def is_csv(text: str) -> bool:
    """A header naming the columns (`sku,...`): read as CSV, else as pasted lines."""
    lines = text.lstrip("\ufeff").lstrip().splitlines()
    return bool(lines) and _clean(lines[0].replace("\t", ",").split(",")[0]).lower() == "sku"


def unclosed_quote_line(text: str) -> int | None:
    """The 1-based line where a quote opens and never closes, or None.

    CSV (a `sku` header): a cell that starts with `"` runs, `""` included, to the next
    lone `"`, over line ends if need be; one still open at the end of the text opened
    on the line returned (csv.reader would swallow every line after it into that cell).
    Pasted lines have no quoting: a line with an odd number of `"` is one.
    """
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if not is_csv(text):
        return next((n for n, line in enumerate(text.split("\n"), start=1) if line.count('"') % 2), None)
    header = text.lstrip().split("\n", 1)[0]
    delimiter = "\t" if "\t" in header else ","
    opened: int | None = None
    at_cell_start = True
    line, i = 1, 0
    while i < len(text):
        ch = text[i]
        if opened is not None:
            if ch == '"':
                if text[i + 1:i + 2] == '"':
                    i += 1
                else:
                    opened = None
            elif ch == "\n":
                line += 1
        elif ch == '"' and at_cell_start:
            opened = line
        elif ch == "\n":
            line += 1
        at_cell_start = opened is None and ch in (delimiter, "\n")
        i += 1
    return opened


def _parse_csv(text: str) -> ParsedBatch:
    errors: list[LineError] = []
    lines: list[BatchLine] = []
    rows = text.splitlines()
    header_idx = next(i for i, r in enumerate(rows) if r.strip())
    delimiter = "\t" if "\t" in rows[header_idx] else ","
    try:
        parsed = list(csv.reader(io.StringIO("\n".join(rows)), delimiter=delimiter))
    except csv.Error as exc:
        return ParsedBatch(errors=(LineError(0, None, Msg("err.batch.csv", error=str(exc)), "csv"),))
    header = [ALIASES.get(_clean(h).lower(), _clean(h).lower()) for h in parsed[header_idx]]
    for h in header:
        if h not in COLUMNS:
            errors.append(LineError(header_idx + 1, h, Msg("err.batch.unknown_column", column=repr(h),
                                                           allowed=",".join(COLUMNS)), "unknown_column"))
    if len(set(header)) != len(header):
        errors.append(LineError(header_idx + 1, None, Msg("err.batch.duplicate_column"), "duplicate_column"))
    for need in ("sku", "account"):
        if need not in header:
            errors.append(LineError(header_idx + 1, need, Msg("err.batch.missing_column", column=need), "missing_column"))
    if errors:
        return ParsedBatch(errors=tuple(errors))
    # csv.reader rows map 1:1 to physical lines unless a quoted cell holds a newline;
    # count newlines in the cells to keep line numbers physical.
    line_no = header_idx + 1
    for row in parsed[header_idx + 1:]:
        line_no += 1
        extra = sum(c.count("\n") for c in row)
        if not row or all(not c.strip() for c in row):
            line_no += extra
            continue
        if any(_bad_chars(c) for c in row):
            errors.append(LineError(line_no, None, Msg("err.batch.control_chars"), "control_chars"))
        elif len(row) != len(header):
            errors.append(LineError(line_no, None, Msg("err.batch.cell_count", expected=len(header), got=len(row)),
                                    "cell_count"))
        else:
            built = _build(line_no, {h: _clean(c) for h, c in zip(header, row)}, errors)
            if built:
                lines.append(built)
        line_no += extra
    return ParsedBatch(lines=tuple(lines), errors=tuple(errors))


def _parse_lines(text: str) -> ParsedBatch:
    errors: list[LineError] = []
    lines: list[BatchLine] = []
    for line_no, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if _bad_chars(raw):
            errors.append(LineError(line_no, None, Msg("err.batch.control_chars"), "control_chars"))
            continue
        parts = [p for p in (raw.split("\t") if "\t" in raw else raw.split())]
        parts = [_clean(p) for p in parts if p.strip()]
        cells: dict[str, str] = {}
        positional: list[str] = []
        bad = False
        for part in parts:
            if "=" in part and len(positional) >= 2:
                k, v = part.split("=", 1)
                k = ALIASES.get(_clean(k).lower(), _clean(k).lower())
                if k not in COLUMNS or k in ("sku",):
                    errors.append(LineError(line_no, k, Msg("err.batch.unknown_key", key=repr(k)), "unknown_key"))
                    bad = True
                elif k in cells:
                    errors.append(LineError(line_no, k, Msg("err.batch.duplicate_key", key=k), "duplicate_key"))
                    bad = True
                else:
                    cells[k] = _clean(v)
            else:
                positional.append(part)
        if bad:
            continue
        if len(positional) < 2:
            errors.append(LineError(line_no, "account", Msg("err.batch.too_few_cells"), "cell_count"))
            continue
        if len(positional) > 3:
            errors.append(LineError(line_no, None, Msg("err.batch.extra_text", text=" ".join(positional[3:])),
                                    "cell_count"))
            continue
        cells["sku"], cells["account"] = positional[0], positional[1]
        if len(positional) == 3:
            if "quantity" in cells:
                errors.append(LineError(line_no, "quantity", Msg("err.batch.quantity_twice"), "duplicate_key"))
                continue
            cells["quantity"] = positional[2]
        built = _build(line_no, cells, errors)
        if built:
            lines.append(built)
    return ParsedBatch(lines=tuple(lines), errors=tuple(errors))


def batch_identity(lines: tuple[BatchLine, ...] | list[BatchLine]) -> str:
    """The batch identity of lines as typed (domain.idempotency): a reordered copy, or one
    with other notes, customers, refs or prices, is the same batch. The batch service
    hashes the validated lines instead (resolved SKU, normalized fields)."""
    return batch_identity_of((l.sku.lower(), l.fields, l.quantity) for l in lines)


def duplicate_keys(lines: tuple[BatchLine, ...] | list[BatchLine],
                   products: Mapping[str, str] | None = None) -> list[tuple[int, int]]:
    """(earlier line, later line) pairs with the same SKU and every account field;
    `products`: a SKU as typed -> its product (`@ID`), so two suppliers' SKUs of the same
    goods (or a SKU and its `@ID`) are the same line."""
    seen: dict[tuple[str, tuple[tuple[str, str], ...]], int] = {}
    out = []
    for l in lines:
        sku = l.sku.strip()
        key = ((products or {}).get(sku, sku).lower(), tuple(sorted(l.fields.items())))
        if key in seen:
            out.append((seen[key], l.line_no))
        else:
            seen[key] = l.line_no
    return out
