"""History rows, a keyset page at a time: the next page is fetched when the cursor
nears the end of what is loaded, so the widget never holds the whole ledger. The fetch
runs in a worker thread (a read of the ledger on the UI thread freezes every key)."""

from __future__ import annotations

from kameng_tui.domain.errors import KamengError

from typing import Callable, Hashable
from zoneinfo import ZoneInfo

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style

from kameng_tui.domain.history import Page
from kameng_tui.domain.models import Order
from kameng_tui.domain.money import fmt
from kameng_tui.domain.states import OrderState
from kameng_tui.domain.supplier_view import SupplierView
from kameng_tui.domain.text_fit import fit_name
from kameng_tui import state_style as palette
from kameng_tui.tui import demo_mark
from kameng_tui.tui.text import Texts
from kameng_tui.tui.widgets.virtual_list import VirtualList, cell

STATE_STYLE = {k: Style.parse(v) for k, v in palette.STATE_STYLE.items()}
MARK_STYLE = Style(color="red", bold=True)
ORDER_NO_W = 24                 # KM + 12 digits + install id + 6: shown whole, never cut
PRODUCT_MIN = 16
COLUMN_ORDER = ("time", "order_no", "product", "account", "state", "total", "profit")
RIGHT = {"total", "profit"}


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
        self._fetching: str | None = None
        """The cursor of the page on its way (one at a time)."""
        self.marked: set[str] = set()
        """Orders with an anomaly: a persistent "!" on their row (issue 14)."""
        self.view = SupplierView()
        self.demo_chip = demo_mark.chip(self.t)

    def set_view(self, view: SupplierView) -> None:
        """The suppliers marked demo (beside a real one): their rows read 演示."""
        if view != self.view:
            self.view = view
            self._cache.clear()
            self.refresh()

    def load(self, fetch: Callable[[str | None], Page], first: Page | None = None) -> None:
        """Start over with a new filter: `fetch(cursor)` returns one keyset page; `first`,
        the first page already read (in a worker: the screens never read on the UI thread)."""
        self._fetch, self._fetching = fetch, None
        page = first if first is not None else fetch(None)
        self.orders = list(page.items)
        self.total = page.total if page.total is not None else len(self.orders)
        self._next = page.next_cursor
        self.data_changed()

    def more(self) -> bool:
        """Ask for the next page (read in a worker, added when it comes); False when
        there is none, or it is on its way already."""
        fetch, cursor = self._fetch, self._next
        if fetch is None or cursor is None or self._fetching == cursor:
            return False
        self._fetching = cursor

        def read() -> None:
            try:
                page = fetch(cursor)
            except KamengError as exc:        # the ledger cannot be read (a team server gone)
                self.app.call_from_thread(self._more_failed, cursor, exc)
                return
            self.app.call_from_thread(self._more_came, fetch, cursor, page)

        self.run_worker(read, thread=True, group="order-list-more", exit_on_error=False)
        return True

    def _more_failed(self, cursor: str, exc: KamengError) -> None:
        if self._fetching == cursor:
            self._fetching = None          # asked again at the next move
        self.app.notify(self.app.t.error(exc), severity="error")

    def _more_came(self, fetch: Callable[[str | None], Page], cursor: str, page: Page) -> None:
        if fetch is not self._fetch or cursor != self._next:
            return                  # a new filter was loaded meanwhile: this page is not its
        self._fetching = None
        self.orders.extend(page.items)
        self._next = page.next_cursor
        self.data_changed(keep_cursor=True)

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

    def columns(self, width: int) -> list[tuple[str, int]]:
        """The columns that fit `width`, in screen order, with their widths.

        State, price, profit and the whole order number are never given up (issue 15:
        at 80 columns they are what a reseller checks); the product takes what is left,
        and account, then time, come back when the product keeps PRODUCT_MIN cells."""
        state_w = max(cell_len(self.t(f"state.{s.value}")) for s in OrderState)
        fixed = {"order_no": ORDER_NO_W, "state": state_w, "total": 9, "profit": 8}
        chosen = dict(fixed)
        for key, w in (("account", 12), ("time", 11)):
            if self._product_w(width, {**chosen, key: w}) >= PRODUCT_MIN:
                chosen[key] = w
        chosen["product"] = max(PRODUCT_MIN // 2, self._product_w(width, chosen))
        return [(key, chosen[key]) for key in COLUMN_ORDER if key in chosen]

    @staticmethod
    def _product_w(width: int, others: dict[str, int]) -> int:
        return width - 1 - sum(others.values()) - len(others)      # the mark, then one space per column

    def render_header(self, width: int) -> list[Segment]:
        t = self.t
        cols = [cell(t(f"hcol.{key}"), w, "right" if key in RIGHT else "left") for key, w in self.columns(width)]
        return [Segment(" " + " ".join(cols))]

    def _value(self, o: Order, key: str, w: int, settled: bool) -> str:
        if key == "time":
            return o.created_at.astimezone(self.zone).strftime("%m-%d %H:%M")
        if key == "product":
            return fit_name(o.product_name, w)
        if key == "total":
            return fmt(o.total_price)
        if key == "profit":
            return fmt(o.profit) if settled else ""
        return {"order_no": o.order_no, "account": o.account_text}[key]

    def render_row(self, row: int, width: int) -> list[Segment]:
        o = self.orders[row]
        settled = o.state.value in ("succeeded", "failed", "refunded")
        out = [Segment("!", MARK_STYLE) if o.order_no in self.marked else Segment(" ")]
        for i, (key, w) in enumerate(self.columns(width)):
            sep = " " if i else ""
            if key == "state":
                out.append(Segment(sep))
                out.append(Segment(cell(self.t(f"state.{o.state.value}"), w), STATE_STYLE.get(o.state.value)))
                continue
            if key == "product" and self.view.is_demo(o.supplier) and w > 8:   # never sold to a customer
                rest = w - demo_mark.CELLS - 1
                out += [Segment(sep), Segment(self.demo_chip, demo_mark.DEMO_STYLE),
                        Segment(" " + cell(fit_name(o.product_name, rest), rest))]
                continue
            value = self._value(o, key, w, settled)
            out.append(Segment(sep + cell(value, w, "right" if key in RIGHT else "left")))
        return out
