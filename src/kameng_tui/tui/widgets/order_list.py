"""History rows, a keyset page at a time: the next page is fetched when the cursor
nears the end of what is loaded, so the widget never holds the whole ledger."""

from __future__ import annotations

from typing import Callable, Hashable
from zoneinfo import ZoneInfo

from rich.segment import Segment
from rich.style import Style

from kameng_tui.domain.history import Page
from kameng_tui.domain.models import Order
from kameng_tui.domain.money import fmt
from kameng_tui import state_style as palette
from kameng_tui.tui.text import Texts
from kameng_tui.tui.widgets.virtual_list import VirtualList, cell

STATE_STYLE = {k: Style.parse(v) for k, v in palette.STATE_STYLE.items()}
MARK_STYLE = Style(color="red", bold=True)


class OrderList(VirtualList):
    header_lines = 1

    def __init__(self, *, lang: str = "zh", zone: str = "Asia/Shanghai", id: str | None = None) -> None:
        super().__init__(lang=lang, id=id)
        self.t = Texts(lang)
        self.zone = ZoneInfo(zone)
        self.orders: list[Order] = []
        self.total: int | None = None
        self._next: str | None = None
        self._fetch: Callable[[str | None], Page] | None = None
        self.marked: set[str] = set()
        """Orders with an anomaly: a persistent "!" on their row (issue 14)."""

    def load(self, fetch: Callable[[str | None], Page]) -> None:
        """Start over with a new filter: `fetch(cursor)` returns one keyset page."""
        self._fetch = fetch
        page = fetch(None)
        self.orders = list(page.items)
        self.total = page.total if page.total is not None else len(self.orders)
        self._next = page.next_cursor
        self.data_changed()

    def show_list(self, orders: list[Order]) -> None:
        self._fetch, self._next = None, None
        self.orders, self.total = orders, len(orders)
        self.data_changed()

    def more(self) -> bool:
        if self._fetch is None or self._next is None:
            return False
        page = self._fetch(self._next)
        self.orders.extend(page.items)
        self._next = page.next_cursor
        self.data_changed(keep_cursor=True)
        return True

    def move_cursor(self, row: int) -> None:
        if row >= len(self.orders) - 5:
            self.more()
        super().move_cursor(row)

    def selected(self) -> Order | None:
        return self.orders[self.cursor] if 0 <= self.cursor < len(self.orders) else None

    def replace(self, order: Order) -> None:
        for i, o in enumerate(self.orders):
            if o.order_no == order.order_no:
                self.orders[i] = order
                self.data_changed(keep_cursor=True)
                return

    def row_count(self) -> int:
        return len(self.orders)

    def set_marked(self, marked: set[str]) -> None:
        if marked != self.marked:
            self.marked = set(marked)
            self.data_changed(keep_cursor=True)

    def row_key(self, row: int) -> Hashable:
        o = self.orders[row]
        return (o.order_no, o.state.value, o.order_no in self.marked)

    def _widths(self, width: int) -> tuple[int, ...]:
        fixed = (11, 14, 8, 9, 8)                       # time, account, state, price, profit
        name = max(10, width - sum(fixed) - len(fixed) - 1)
        return (fixed[0], name, *fixed[1:])

    def render_header(self, width: int) -> list[Segment]:
        t, w = self.t, self._widths(width)
        cols = [cell(t("hcol.time"), w[0]), cell(t("hcol.product"), w[1]), cell(t("hcol.account"), w[2]),
                cell(t("hcol.state"), w[3]), cell(t("hcol.total"), w[4], "right"), cell(t("hcol.profit"), w[5], "right")]
        return [Segment(" " + " ".join(cols))]

    def render_row(self, row: int, width: int) -> list[Segment]:
        o, w = self.orders[row], self._widths(width)
        settled = o.state.value in ("succeeded", "failed", "refunded")
        mark = Segment("!", MARK_STYLE) if o.order_no in self.marked else Segment(" ")
        return [
            mark,
            Segment(cell(o.created_at.astimezone(self.zone).strftime("%m-%d %H:%M"), w[0]) + " "
                    + cell(o.product_name, w[1]) + " " + cell(o.account_text, w[2]) + " "),
            Segment(cell(self.t(f"state.{o.state.value}"), w[3]), STATE_STYLE.get(o.state.value)),
            Segment(" " + cell(fmt(o.total_price), w[4], "right") + " " + cell(fmt(o.profit) if settled else "", w[5], "right")),
        ]
