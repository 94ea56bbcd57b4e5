"""Batch entry rows as typed or pasted in the terminal app: raw text per cell, never
rejected here (bad rows stay on screen with their reason). Pasted text is split the
way `batch run` reads files (CSV with a header, `SKU ACCOUNT [QTY] [key=value ...]`
lines, tab-separated Excel copies): the one place the grid parses text. Rows reach the
batch service as values (`grid_lines`), never as text to be parsed again.
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass, replace
from typing import Any, Mapping, Sequence

from kameng_tui.domain.batch_input import ACCOUNT_KEYS, ALIASES, COLUMNS, ParsedBatch, lines_of

GRID_COLUMNS = ("sku", "account", "quantity", "customer", "ref", "note", "extra")
"""Cells of a row, in screen order; `extra` holds other account fields: `region=安卓QQ server=1`."""
EXTRA_KEYS = tuple(k for k in ACCOUNT_KEYS if k != "account") + ("price", "allow_loss")


@dataclass(frozen=True)
class Row:
    cells: tuple[str, ...] = ("",) * len(GRID_COLUMNS)
    order_no: str | None = None          # set once the line became an order
    attempt_of: str | None = None        # the failed order this line retries

    def get(self, column: str) -> str:
        return self.cells[GRID_COLUMNS.index(column)]

    def with_cell(self, col: int, value: str) -> "Row":
        cells = list(self.cells)
        cells[col] = value
        return replace(self, cells=tuple(cells))

    @property
    def blank(self) -> bool:
        return not any(c.strip() for c in self.cells)

    def as_json(self) -> dict[str, Any]:
        return {"cells": list(self.cells), "order_no": self.order_no, "attempt_of": self.attempt_of}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> "Row":
        cells = tuple(str(c) for c in data.get("cells", ()))[: len(GRID_COLUMNS)]
        cells = cells + ("",) * (len(GRID_COLUMNS) - len(cells))
        return cls(cells=cells, order_no=data.get("order_no"), attempt_of=data.get("attempt_of"))


def row_of(values: dict[str, str]) -> Row:
    extra = " ".join(f"{k}={v}" for k, v in values.items() if k not in GRID_COLUMNS and v)
    cells = tuple(values.get(c, "") if c != "extra" else extra for c in GRID_COLUMNS)
    return Row(cells=cells)


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def _key(name: str) -> str:
    k = _norm(name).lower()
    return ALIASES.get(k, k)


def split_rows(text: str) -> list[Row]:
    """Pasted text as rows, leniently: what cannot be placed stays visible in a cell."""
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines = [l for l in text.split("\n") if l.strip() and not l.strip().startswith("#")]
    if not lines:
        return []
    first = lines[0]
    delim = "\t" if "\t" in first else ","
    if _key(first.split(delim)[0]) == "sku":
        return _from_table(lines, delim)
    return [_from_line(l) for l in lines]


def _from_table(lines: list[str], delim: str) -> list[Row]:
    rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=delim))
    header = [_key(h) for h in rows[0]]
    out = []
    for cells in rows[1:]:
        values: dict[str, str] = {}
        leftover = []
        for i, cell in enumerate(cells):
            name = header[i] if i < len(header) else ""
            if name in COLUMNS:
                values[name] = _norm(cell)
            elif cell.strip():
                leftover.append(f"{name}={_norm(cell)}" if name else _norm(cell))
        row = row_of(values)
        if leftover:
            row = row.with_cell(GRID_COLUMNS.index("extra"), " ".join([row.get("extra")] + leftover).strip())
        out.append(row)
    return out


def _from_line(line: str) -> Row:
    """`SKU ACCOUNT [QTY] [key=value ...]`; tab-separated cells may hold spaces and go in
    grid order (sku, account, quantity, customer, ref, note)."""
    tabbed = "\t" in line
    parts = [_norm(p) for p in (line.split("\t") if tabbed else line.split())]
    values: dict[str, str] = {}
    extra: list[str] = []
    positional: list[str] = []
    for part in parts:
        if len(positional) >= 2 and "=" in part and (not tabbed or _key(part.split("=", 1)[0]) in COLUMNS):
            k, v = part.split("=", 1)
            k = _key(k)
            if k in GRID_COLUMNS and k not in values:
                values[k] = _norm(v)
            else:
                extra.append(f"{k}={_norm(v)}")
        else:
            positional.append(part)
    order = GRID_COLUMNS[:6] if tabbed else GRID_COLUMNS[:3]
    for name, value in zip(order, positional):
        values.setdefault(name, value)
    rest = positional[len(order):]
    row = row_of(values)
    extra += [p for p in rest if p]
    if extra:
        row = row.with_cell(GRID_COLUMNS.index("extra"), " ".join([row.get("extra")] + extra).strip())
    return row


def parse_extra(text: str) -> tuple[dict[str, str], str | None]:
    """`region=安卓QQ server=1` -> fields; the first token that is not key=value, or an
    unknown key, is returned as the problem."""
    out: dict[str, str] = {}
    for token in text.split():
        if "=" not in token:
            return out, token
        k, v = token.split("=", 1)
        k = _key(k)
        if k not in EXTRA_KEYS or k in out:
            return out, token
        out[k] = _norm(v)
    return out, None


def set_extra(text: str, key: str, value: str) -> str:
    """The other-fields cell with `key=value`: its token replaced where it stands (a
    second one for the same key dropped), else added at the end; the rest as typed."""
    out: list[str] = []
    done = False
    for token in text.split():
        if "=" in token and _key(token.split("=", 1)[0]) == key:
            if not done:
                out.append(f"{key}={value}")
                done = True
            continue
        out.append(token)
    if not done:
        out.append(f"{key}={value}")
    return " ".join(out)


def grid_lines(rows: Sequence[Row], include: Sequence[int]) -> tuple[ParsedBatch, dict[int, int]]:
    """The chosen rows as batch lines (values, checked as `batch run` checks a file's
    cells), each numbered by its grid line (row index + 1); returns them with
    {line number: row index}. Other fields come out of the `extra` cell; the caller
    has checked that every token there is a known key=value."""
    typed: list[tuple[int, dict[str, str]]] = []
    for i in include:
        row = rows[i]
        cells = {c: row.get(c).replace("\n", " ") for c in GRID_COLUMNS[:6]}
        typed.append((i + 1, {**parse_extra(row.get("extra"))[0], **cells}))
    return lines_of(typed), {i + 1: i for i in include}
