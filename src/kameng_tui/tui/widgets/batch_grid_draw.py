"""Drawing the batch grid (widgets/batch_grid.py holds the rows and the editing): the
column widths at a given width (the status column keeps STATUS_MIN cells, the others
give way), one line of the grid as a Strip (Line API), and where the terminal cursor
goes while a cell is edited."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Offset
from textual.strip import Strip

from kameng_tui.domain.batch_rows import GRID_COLUMNS
from kameng_tui.domain.text_fit import fit_name
from kameng_tui.tui.widgets.virtual_list import cell

if TYPE_CHECKING:  # pragma: no cover
    from kameng_tui.tui.widgets.batch_grid import BatchGrid

WIDTHS = {"sku": 16, "account": 13, "quantity": 4, "customer": 8, "ref": 8, "note": 10, "extra": 12}
NUM_W = 4
STATUS_MIN = 24
"""The state/reason column keeps at least this many cells: at 80 columns the other
columns give way (the least used first, down to MIN_WIDTHS), never the status."""
MIN_WIDTHS = {"sku": 12, "account": 11, "quantity": 3, "customer": 4, "ref": 4, "note": 4, "extra": 5}
SHRINK_ORDER = ("note", "ref", "customer", "extra", "sku", "account", "quantity")


def column_widths(width: int) -> dict[str, int]:
    """Each column's width in a grid `width` cells wide, the status column last."""
    widths = dict(WIDTHS)
    over = NUM_W + sum(widths.values()) + len(widths) + STATUS_MIN - width
    for name in SHRINK_ORDER:
        if over <= 0:
            break
        give = min(over, widths[name] - MIN_WIDTHS[name])
        widths[name] -= give
        over -= give
    return widths
FIELD_COLUMN = {"sku": "sku", "account": "account", "quantity": "quantity", "customer": "customer", "ref": "ref",
                "note": "note", "price": "extra", "extra": "extra", "region": "extra", "server": "extra",
                "role": "extra", "charge_type": "extra", "address": "extra"}


def cursor_at(grid: "BatchGrid") -> Offset:
    """Where the terminal cursor goes on the edited cell (an IME shows its candidates there)."""
    widths = column_widths(grid.scrollable_content_region.width)
    x = NUM_W + sum(widths[c] + 1 for c in GRID_COLUMNS[: grid.col]) + min(cell_len(grid.buf), widths[grid.column])
    y = 1 + grid.row - grid.scroll_offset.y
    region = grid.content_region
    return Offset(region.x + x, region.y + y)


def grid_line(grid: "BatchGrid", y: int) -> Strip:
    """Line `y` of the grid: the header, a row (the cell edited or under the cursor marked,
    the bad field red, its note last), or blank."""
    width = grid.scrollable_content_region.width
    widths = column_widths(width)
    base = grid.rich_style
    if y == 0:
        header = cell("#", NUM_W) + " ".join(cell(grid.labels[c], widths[c]) for c in GRID_COLUMNS)
        header += " " + grid.labels["status"]
        style = base + grid.get_component_rich_style("batch-grid--header")
        return Strip([Segment(header, style)]).crop_extend(0, width, style)
    i = grid.scroll_offset.y + y - 1
    if i >= len(grid.rows):
        return Strip.blank(width, base)
    row = grid.rows[i]
    bad = grid.bad_field.get(i, "")
    bad_col = FIELD_COLUMN.get(bad or "", None) if i in grid.bad_field else None
    red = grid.get_component_rich_style("batch-grid--bad")
    segs = [Segment(cell(str(i + 1), NUM_W - 1, "right") + " ", base + (red if i in grid.bad_field else Style()))]
    for c, name in enumerate(GRID_COLUMNS):
        text = row.cells[c]
        style = base
        if name == bad_col:
            style = base + red
        if i == grid.row and c == grid.col:
            if grid.editing:
                text = grid.buf[-(widths[name] - 1):] + "_"
                style = base + grid.get_component_rich_style("batch-grid--edit")
            else:
                style = base + grid.get_component_rich_style("batch-grid--cursor")
        if name == "sku" and not (grid.editing and i == grid.row and c == grid.col):
            text = fit_name(text, widths[name])          # demo:VM-TX-Y-1-K -> ..TX-Y-1-K, its tail kept
        segs.append(Segment(cell(text, widths[name]), style))
        segs.append(Segment(" ", base))
    note = grid.notes.get(i)
    if note is not None:
        segs.extend(s for s in note.render(grid.app.console, end="") if s.text != "\n")
    return Strip(segs).crop_extend(0, width, base)


def status_width(width: int) -> int:
    """Cells the state/reason column has in a grid `width` cells wide."""
    widths = column_widths(width)
    return max(0, width - NUM_W - sum(widths.values()) - len(widths))
