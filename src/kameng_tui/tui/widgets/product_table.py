"""The catalog table: every match of the current query, only visible rows rendered.

The widget holds a query result (an array of row numbers in sort order) and asks the
index for the few products on screen. Columns are measured in terminal cells, so a
Chinese name takes two cells a character and the numbers stay aligned.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Callable, Hashable, Sequence

from rich.segment import Segment
from rich.style import Style

from kameng_tui.domain.catalog_index import CatalogIndex, Result
from kameng_tui.domain.models import Product
from kameng_tui.domain.tags import TAG_NAMES
from kameng_tui.tui.text import Texts
from kameng_tui.tui.widgets.virtual_list import VirtualList, cell

CHIPS = (  # tag code -> style; the chip's short label is the catalog's chip.<code> (4 cells)
    ("history_low", Style.parse("bold white on dark_green")),
    ("hot", Style.parse("bold white on red3")),
    ("low_stock", Style.parse("bold black on gold1")),
    ("fast", Style.parse("bold white on blue")),
)
BOLD = Style(bold=True)
LOW_STOCK = Style(color="yellow")


def money_text(units: int) -> str:
    return f"{Decimal(units) / 10_000:.2f}"


class ProductTable(VirtualList):
    header_lines = 1

    def __init__(self, *, lang: str = "zh", id: str | None = None) -> None:
        super().__init__(lang=lang, id=id)
        self.t = Texts(lang)
        self.chips = [(TAG_NAMES[code], cell(self.t(f"chip.{code}"), 4), style) for code, style in CHIPS]
        self.index: CatalogIndex | None = None
        self.ordered: Sequence[int] = ()
        self.loader: Callable[[int], Product] | None = None

    def show(self, index: CatalogIndex, result: Result) -> None:
        self.index = index
        self.ordered = result.ordered
        self.loader = result.loader
        self.data_changed()

    def row_count(self) -> int:
        return len(self.ordered)

    def row_key(self, row: int) -> Hashable:
        return (id(self.index), int(self.ordered[row]))

    def position(self, row: int | None = None) -> int | None:
        row = self.cursor if row is None else row
        return int(self.ordered[row]) if 0 <= row < len(self.ordered) else None

    def product(self, row: int | None = None) -> Product | None:
        pos = self.position(row)
        return None if pos is None or self.loader is None else self.loader(pos)

    def _widths(self, width: int) -> tuple[int, ...]:
        fixed = (7, 8, 4, 5, 9)                    # face, cost, discount, stock, tags
        name = max(10, width - sum(fixed) - len(fixed) - 1)
        return (name, *fixed)

    def render_header(self, width: int) -> list[Segment]:
        t = self.t
        w = self._widths(width)
        cols = [cell(t("col.name"), w[0]), cell(t("col.face"), w[1], "right"), cell(t("col.cost"), w[2], "right"),
                cell(t("col.discount"), w[3], "right"), cell(t("col.stock"), w[4], "right"), cell(t("col.tags"), w[5])]
        return [Segment(" " + " ".join(cols))]

    def render_row(self, row: int, width: int) -> list[Segment]:
        index, pos = self.index, int(self.ordered[row])
        assert index is not None and self.loader is not None
        p = self.loader(pos)
        w = self._widths(width)
        price, face, stock = int(index.price[pos]), int(index.face[pos]), int(index.stock[pos])
        disc = f"{price * 10 / face:.1f}" if face else ""
        stock_text = "" if stock >= 1 << 40 else str(stock)
        out = [Segment(" " + cell(p.name, w[0]) + " " + cell(money_text(face) if face else "", w[1], "right") + " "),
               Segment(cell(money_text(price), w[2], "right"), BOLD),
               Segment(" " + cell(disc, w[3], "right") + " "),
               Segment(cell(stock_text, w[4], "right"), LOW_STOCK if stock_text and stock <= 20 else None),
               Segment(" ")]
        used = 0
        for tag, chip, style in self.chips:
            mask = index.tags.get(tag)
            if mask is not None and mask[pos]:
                if used + 4 > w[5]:
                    break
                out.append(Segment(chip, style))
                out.append(Segment(" "))
                used += 5
        return out
