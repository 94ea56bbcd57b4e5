"""The catalog table: every match of the current query, only visible rows rendered.

The widget holds a query result (an array of row numbers in sort order) and draws the
few rows on screen from the index's columns in memory (names, prices, stock, tags): a
row drawn never reads the catalog cache. A whole Product (Enter, `a`) is loaded off the
UI thread once the cursor rests on its row (tui/catalog_reads.py) and kept here. Columns are
measured in terminal cells, so a Chinese name takes two cells a character and the
numbers stay aligned.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Callable, Hashable, Sequence

from rich.segment import Segment
from rich.style import Style

from kameng_tui.domain.catalog_index import CatalogIndex, Result
from kameng_tui.domain.models import Product
from kameng_tui.domain.product_index import ProductIndex
from kameng_tui.domain.supplier_view import SHORT_CELLS, SupplierView
from kameng_tui.domain.tags import TAG_NAMES
from kameng_tui.domain.text_fit import fit
from kameng_tui.tui import demo_mark
from kameng_tui.tui.text import Texts
from kameng_tui.tui.widgets.virtual_list import VirtualList, cell

CHIPS = (  # tag code -> style; the chip's short label is the catalog's chip.<code> (4 cells)
    ("history_low", Style.parse("bold white on dark_green")),
    ("hot", Style.parse("bold white on red3")),
    ("low_stock", Style.parse("bold black on gold1")),
    ("fast", Style.parse("bold white on blue")),
)
BOLD = Style(bold=True)
DIM = Style(dim=True)
LOW_STOCK = Style(color="yellow")
SOLD_OUT = Style(color="red", bold=True)
COLUMNS = ("face", "cost", "discount", "stock", "tags")
WIDTHS = {"supplier": SHORT_CELLS, "offers": 5, "face": 7, "cost": 8, "discount": 4, "stock": 5, "tags": 9}
NAME_MIN = 22          # cells: enough for a brand, `..` and the word that tells products apart
DROP_ORDER = ("tags", "discount", "face", "stock")      # the name and the price (cost) stay
# Several suppliers: their short name after the product's, where the discount was (the
# detail pane has it); it goes before the tags when the list is narrow, and is folded
# away altogether in the narrow layout (compact, 80 columns): the name keeps the width.
SEVERAL_COLUMNS = ("supplier", "face", "cost", "stock", "tags")
SEVERAL_DROP_ORDER = ("supplier", "tags", "face", "stock")
# Products of several offers (issue 18): the offers count after the supplier of the
# chosen offer; the face value goes first (the detail pane has it), the count last.
PRODUCT_COLUMNS = ("supplier", "offers", "face", "cost", "stock", "tags")
PRODUCT_DROP_ORDER = ("face", "tags", "supplier", "stock", "offers")


def money_text(units: int) -> str:
    return f"{Decimal(units) / 10_000:.2f}"


class ProductTable(VirtualList):
    header_lines = 1

    def __init__(self, *, lang: str = "zh", id: str | None = None) -> None:
        super().__init__(lang=lang, id=id)
        self.t = Texts(lang)
        self.sold_out = self.t("stock.sold_out")
        self.chips = [(TAG_NAMES[code], cell(self.t(f"chip.{code}"), 4), style) for code, style in CHIPS]
        self.demo_chip = demo_mark.chip(self.t)
        self.index: CatalogIndex | None = None
        self.ordered: Sequence[int] = ()
        self.loader: Callable[[int], Product] | None = None
        self.view = SupplierView()
        self.compact = False
        self._offers_cells: dict[int, str] = {}
        self.loaded: dict[int, Product] = {}      # position -> Product, of this index, loaded off the UI thread

    def set_suppliers(self, view: SupplierView, compact: bool) -> None:
        """Which suppliers there are (the column, the 演示 mark) and whether the screen is in
        its narrow layout (no supplier column). Rendered rows are dropped only on a change."""
        if (view, compact) != (self.view, self.compact):
            self.view, self.compact = view, compact
            self._cache.clear()
            self.refresh()

    def show(self, index: CatalogIndex, result: Result, empty: str = "") -> None:
        """The rows of `result`; with none, `empty` says why in the list's lines."""
        if index is not self.index:
            self.loaded = {}
        self.empty_text = empty
        self.index = index
        self.ordered = result.ordered
        self.loader = result.loader
        self.data_changed()

    def say_empty(self, text: str) -> None:
        """No rows to show yet (no catalog): `text` says why, in the list's lines."""
        if not self.ordered:
            self.empty_text = text
            self.refresh()

    def row_count(self) -> int:
        return len(self.ordered)

    def row_key(self, row: int) -> Hashable:
        return (id(self.index), int(self.ordered[row]))

    def position(self, row: int | None = None) -> int | None:
        row = self.cursor if row is None else row
        return int(self.ordered[row]) if 0 <= row < len(self.ordered) else None

    def sku(self, row: int | None = None) -> str | None:
        """The row's SKU (the chosen offer's, for a product), from memory."""
        pos = self.position(row)
        return None if pos is None or self.index is None else self.index.skus[pos]

    def product(self, row: int | None = None) -> Product | None:
        """The row's Product: from memory when loaded, else read from the catalog cache
        here, on the caller's thread. The screens do not call this (they use `sku`,
        `loaded` and tui/catalog_reads.py; tests/tui/test_ui_thread_reads.py watches)."""
        pos = self.position(row)
        if pos is None or self.loader is None:
            return None
        return self.loaded.get(pos) or self.loader(pos)

    def keep(self, index: CatalogIndex, pos: int, product: Product) -> None:
        """A Product loaded off the UI thread, kept for Enter and `a` while `index` shows."""
        if index is not self.index:
            return                      # a new index since: its positions mean other products
        if len(self.loaded) > 4096:
            self.loaded.clear()
        self.loaded[pos] = product

    def _columns(self, width: int) -> tuple[tuple[str, ...], int]:
        """The columns that fit beside the name, and the name's width. The name and the
        price get the width: while the name would have fewer than NAME_MIN cells, the
        tags go first, then discount, face value, stock (the detail pane, `i`, shows
        them all)."""
        several = self.view.several and not self.compact
        if isinstance(self.index, ProductIndex):
            cols = [c for c in PRODUCT_COLUMNS if several or c != "supplier"]
            drop = PRODUCT_DROP_ORDER
        else:
            cols = list(SEVERAL_COLUMNS if several else COLUMNS)
            drop = SEVERAL_DROP_ORDER if several else DROP_ORDER
        target = NAME_MIN
        while True:
            name = width - 1 - sum(WIDTHS[c] + 1 for c in cols)
            if name >= target or not any(c in cols for c in drop):
                return tuple(cols), max(8, name)
            cols.remove(next(c for c in drop if c in cols))

    def render_header(self, width: int) -> list[Segment]:
        t = self.t
        cols, name_w = self._columns(width)
        out = [cell(t("col.name"), name_w)]
        for c in cols:
            out.append(cell(t(f"col.{c}"), WIDTHS[c], "left" if c == "tags" else "right"))
        return [Segment(" " + " ".join(out))]

    def render_row(self, row: int, width: int) -> list[Segment]:
        index, pos = self.index, int(self.ordered[row])
        assert index is not None
        name, supplier = index.names[pos], index.supplier.names[index.supplier.codes[pos]]
        cols, name_w = self._columns(width)
        price, face, stock = int(index.price[pos]), int(index.face[pos]), int(index.stock[pos])
        if self.view.is_demo(supplier):         # beside a real supplier: never sold to a customer
            out = [Segment(" "), Segment(self.demo_chip, demo_mark.DEMO_STYLE),
                   Segment(" " + fit(name, name_w - demo_mark.CELLS - 1))]
        else:
            out = [Segment(" " + fit(name, name_w))]
        for c in cols:
            out.append(Segment(" "))
            if c == "supplier":
                out.append(Segment(cell(self.view.short(supplier), WIDTHS[c]), DIM))
            elif c == "offers":
                n = int(index.offer_counts[pos]) if isinstance(index, ProductIndex) else 1
                out.append(Segment(self._offers_cell(n)))
            elif c == "face":
                out.append(Segment(cell(money_text(face) if face else "", WIDTHS[c], "right")))
            elif c == "cost":
                out.append(Segment(cell(money_text(price), WIDTHS[c], "right"), BOLD))
            elif c == "discount":
                out.append(Segment(cell(f"{price * 10 / face:.1f}" if face else "", WIDTHS[c], "right")))
            elif c == "stock":
                if stock >= 1 << 40:
                    out.append(Segment(cell("", WIDTHS[c])))
                elif stock == 0:
                    out.append(Segment(cell(self.sold_out, WIDTHS[c], "right"), SOLD_OUT))
                else:
                    out.append(Segment(cell(str(stock), WIDTHS[c], "right"), LOW_STOCK if stock <= 20 else None))
            elif c == "tags":
                out += self._chips(index, pos, WIDTHS[c], sold_out=stock == 0)
        return out

    def _offers_cell(self, n: int) -> str:
        """`3家` (en `3`), blank for one offer; made once per count."""
        text = self._offers_cells.get(n)
        if text is None:
            text = self._offers_cells[n] = cell(self.t("catalog.offers", n=n) if n > 1 else "", WIDTHS["offers"], "right")
        return text

    def _chips(self, index: CatalogIndex, pos: int, width: int, sold_out: bool) -> list[Segment]:
        out: list[Segment] = []
        used = 0
        for tag, chip, style in self.chips:
            if sold_out and tag == TAG_NAMES["low_stock"]:
                continue                    # the stock column says 缺货; "紧张" would understate it
            mask = index.tags.get(tag)
            if mask is not None and mask[pos]:
                if used + 4 > width:
                    break
                out.append(Segment(chip, style))
                out.append(Segment(" "))
                used += 5
        return out
