"""History, offline: date presets and filters, keyset-paged rows, totals and a per-day
chart of exactly the filtered set, an order's event timeline with hashes, claims,
export of what is shown, reorder from any row. Nothing here talks to a supplier."""

from __future__ import annotations

from functools import partial
from zoneinfo import ZoneInfo

from rich.console import Group
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Input, Static
from textual.worker import get_current_worker

from kameng_tui.domain.dates import parse_date_range
from kameng_tui.domain.errors import BadInput, KamengError
from kameng_tui.domain.history import HistoryFilter
from kameng_tui.domain.models import Order
from kameng_tui.domain.money import fmt
from kameng_tui.domain.states import OrderState
from kameng_tui.tui.app_messages import OrderUpdated, OrdersAdded
from kameng_tui.tui.cards import copy_card
from kameng_tui.tui.history_next_offer import NextOfferKeys, twin_binding
from kameng_tui.tui.history_reorder import reorder
from kameng_tui.tui.history_reads import Figures, HistoryView, OrderDetail, page_after, read_changed, read_detail, read_view
from kameng_tui.tui.keys import HISTORY_KEYS, bindings
from kameng_tui.tui.text import Texts
from kameng_tui.tui.textual_compat import bindings_of, install_bindings
from kameng_tui.tui.typed_keys import TextField
from kameng_tui.tui.widgets.bar_chart import bars
from kameng_tui.tui.widgets.order_detail import detail_lines
from kameng_tui.tui.widgets.order_list import OrderList
from kameng_tui.tui.widgets.status_bar import StatusBar
from kameng_tui.tui.widgets.fit_footer import FitFooter

PRESETS = ("today", "yesterday", "week", "month", "all", "custom")
PRESET_RANGE = {"today": ("today", "today"), "yesterday": ("yesterday", "yesterday"),
                "week": ("this-week", None), "month": ("this-month", None)}
STATUS_CYCLE = (None, "succeeded", "failed", "unknown", "processing", "pending", "refunded")
FOLD_BELOW = 100
"""Below this many columns the detail pane folds and the list takes the width (`i` opens it)."""


class HistoryScreen(NextOfferKeys, Screen[None]):
    SCOPE = "history"
    AUTO_FOCUS = "#orders"

    def __init__(self) -> None:
        super().__init__()
        self.ctx = self.app.ctx
        self.lang = self.app.lang
        self.t = Texts(self.lang)
        self.zone = self.ctx.settings_view.general.timezone
        # Textual's own tab / shift+tab (focus next / previous) stay beside our bindings.
        install_bindings(self, [*Screen.BINDINGS, *bindings(HISTORY_KEYS, self.lang), twin_binding()])
        self.preset = "month"
        self.status: str | None = None
        self.claims = False
        self.revealed: str | None = None
        """The order whose cards are shown in the clear (one at a time: moving on masks them)."""
        self.flt = HistoryFilter()
        self.detail: bool | None = None
        """The detail pane as `i` left it; None: shown when the screen is wide enough."""
        self._narrow: bool | None = None

    def compose(self) -> ComposeResult:
        t = self.t
        yield StatusBar(id="status")
        yield Static("", id="presets")
        with Horizontal(id="history-filters"):
            yield TextField(placeholder=t("history.search"), id="h-search")
            yield TextField(placeholder=t("history.customer"), id="h-customer")
            yield TextField(placeholder=t("history.account"), id="h-account")
            yield TextField(placeholder=t("history.supplier"), id="h-supplier")
            yield TextField(placeholder=t("history.custom_hint"), id="h-dates", classes="hidden")
        yield Static("", id="h-error", classes="field-error")
        yield Static("", id="h-totals")
        with Horizontal(id="history-body"):
            yield OrderList(lang=self.lang, zone=self.zone, id="orders")
            with VerticalScroll(id="h-side"):
                yield Static("", id="h-chart")
                yield Static("", id="h-detail")
        yield FitFooter()        # keys that fit whole only (the app frame at 80 columns)

    def on_mount(self) -> None:
        self.reload()
        self._fold()

    # --- the detail pane folds on a narrow terminal ------------------------------------------------
    def on_resize(self) -> None:
        self._fold()

    def _fold(self) -> None:
        """Wide: list and detail side by side. Narrow: the list alone (its columns keep the
        order number, state, price and profit); `i` swaps in the detail, `i` again back."""
        narrow = self.size.width < FOLD_BELOW
        if narrow != self._narrow:
            self._narrow, self.detail = narrow, None      # crossing the line resets the choice
        show = (not narrow) if self.detail is None else self.detail
        side, orders = self.query_one("#h-side"), self.query_one(OrderList)
        side.display = show
        side.set_class(narrow, "-whole")
        orders.display = not (narrow and show)
        if not orders.display and orders.has_focus:
            self.set_focus(side)
        elif orders.display and not show and self.focused is side:
            self.set_focus(orders)

    def action_toggle_detail(self) -> None:
        side = self.query_one("#h-side")
        self.detail = not side.display
        self._fold()
        if self.detail and self._narrow:
            self.set_focus(side)
        elif not self.detail or not self._narrow:
            self.set_focus(self.query_one(OrderList))

    def on_screen_resume(self) -> None:
        self.reload(keep_cursor=True)

    # --- the filter ---------------------------------------------------------------------------
    def build_filter(self) -> HistoryFilter:
        now = self.ctx.clock.now()
        since = until = None
        if self.preset in PRESET_RANGE:
            a, b = PRESET_RANGE[self.preset]
            since, until = parse_date_range(a, b, now, self.zone)
        elif self.preset == "custom":
            raw = self.query_one("#h-dates", Input).value.strip()
            if raw:
                a, _, b = raw.partition("..")
                since, until = parse_date_range(a.strip() or None, b.strip() or None, now, self.zone)
        text = lambda wid: self.query_one(wid, Input).value.strip() or None  # noqa: E731
        return HistoryFilter(since=since, until=until,
                             states=(OrderState(self.status),) if self.status else (),
                             supplier=text("#h-supplier"), customer=text("#h-customer"), account=text("#h-account"),
                             search=text("#h-search"))

    def reload(self, keep_cursor: bool = False) -> None:
        error = self.query_one("#h-error", Static)
        try:
            self.flt = self.build_filter()
        except BadInput as exc:
            error.update(Text(self.t.error(exc) + "  " + self.t("history.bad_dates"), style="red"))
            return
        # 自定义: the line under the filters says how to type the dates (`p` keeps the focus on the list)
        error.update(Text(self.t("history.dates_key", key=self._key_of("history.dates")), style="dim")
                     if self.preset == "custom" else "")
        self._presets()
        self.run_worker(partial(self._read, self.flt, self.claims, keep_cursor), thread=True, group="history-reload",
                        exclusive=True, exit_on_error=False)

    def _read(self, flt: HistoryFilter, claims: bool, keep_cursor: bool) -> None:
        """In a worker thread: the page, marks and figures (tui/history_reads.py)."""
        view = read_view(self.ctx, flt, claims)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show_view, view, keep_cursor)

    def _show_view(self, view: HistoryView, keep_cursor: bool) -> None:
        self.flt = view.flt
        orders = self.query_one(OrderList)
        cursor = orders.cursor
        orders.load(page_after(self.ctx, view.flt), first=view.page)
        orders.set_marked(set(view.marked))
        orders.set_view(self.ctx.supplier_view())
        if keep_cursor:
            orders.move_cursor(cursor)
        self._totals(view.figures)

    def _presets(self) -> None:
        t = self.t
        out = Text(" ")
        for p in PRESETS:
            label = t(f"preset.{p}")
            out.append(f" {label} ", style="bold reverse" if p == self.preset else "")
            out.append(" ")
        out.append("   " + (t(f"state.{self.status}") if self.status else t("history.status_all")), style="bold")
        if self.claims:
            out.append("   " + t("history.claims"), style="bold red")
        self.query_one("#presets", Static).update(out)
        self.query_one("#h-dates", Input).set_class(self.preset != "custom", "hidden")

    def _key_of(self, binding_id: str) -> str:
        """The key a binding has now (a `[keymap]` may have moved it)."""
        for binding in bindings_of(self):
            if binding.id == binding_id:
                return self.app.get_key_display(binding)
        return binding_id

    def _totals(self, figures: Figures) -> None:
        t, tot = self.t, figures.totals
        orders = self.query_one(OrderList)
        line = Text(t("history.totals", orders=tot.orders, revenue=fmt(tot.revenue), cost=fmt(tot.cost),
                      charged=fmt(tot.charged), refunded=fmt(tot.refunded), profit=fmt(tot.profit)), style="bold")
        if figures.demo_left_out:
            line.append("   " + t("demo.excluded", n=figures.demo_left_out), style="magenta")
        shown, total = len(orders.orders), orders.total or 0
        line.append("   " + (t("history.more", shown=shown, total=total) if shown < total
                             else t("history.shown", shown=shown, total=total)), style="dim")
        if not total:
            line.append("   " + t("history.empty"), style="yellow")
        for d in figures.drift:      # balance drift: a claim of no single order
            line.append("\n! " + d.reason.text(self.lang), style="bold red")
        self.query_one("#h-totals", Static).update(line)
        points = list(figures.days)
        self.query_one("#h-chart", Static).update(Group(*bars(points, width=12)) if points else Text(""))

    @on(Input.Changed)
    def _filter_changed(self) -> None:
        self.reload()

    @on(Input.Submitted)
    def _filter_done(self) -> None:
        self.set_focus(self.query_one(OrderList))

    # --- the selected order ---------------------------------------------------------------------
    @on(OrderList.Highlighted, "#orders")
    def _highlighted(self) -> None:
        self.call_after_refresh(self._show_order)
        self.refresh_bindings()             # `n` follows the row (tui/history_next_offer.py)

    def _show_order(self, record: bool = False) -> None:
        """The selected order's detail; `record`: its cards revealed by the user just now
        (a chained `revealed` event first)."""
        order = self.query_one(OrderList).selected()
        if order is None:
            self.query_one("#h-detail", Static).update("")
            return
        if self.revealed != order.order_no:
            self.revealed = None
        self.run_worker(partial(self._read_detail, order, self.revealed is not None, record), thread=True,
                        group="history-detail", exclusive=True, exit_on_error=False)

    def _read_detail(self, order: Order, revealed: bool, record: bool = False) -> None:
        try:
            detail = read_detail(self.ctx, order, revealed, record)
        except KamengError as exc:            # a ledger refusing the reveal's event: nothing shown
            self.app.call_from_thread(self.notify, self.t.error(exc), severity="error")
            return
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._detail, detail)

    def _detail(self, detail: OrderDetail) -> None:
        lines = detail_lines(detail, self.t, self.lang, self.zone, self._key_of("history.next_offer"))
        self.query_one("#h-detail", Static).update(Group(*lines))
        if detail.next_offer is not None:
            self.remember_next_offer(detail.next_offer)

    def on_orders_added(self, _: OrdersAdded) -> None:
        """Another process placed orders (or changed many): the page is read again."""
        if self.is_mounted:
            self.reload(keep_cursor=True)

    def on_order_updated(self, message: OrderUpdated) -> None:
        """An order changed: it, the marks and the figures read again, in a worker."""
        if self.is_mounted:
            self.run_worker(partial(self._read_changed, message.order_no, self.flt, self.claims), thread=True,
                            group="history-changed", exit_on_error=False)

    def _read_changed(self, order_no: str, flt: HistoryFilter, claims: bool) -> None:
        changed = read_changed(self.ctx, order_no, flt, claims)
        self.app.call_from_thread(self._changed, *changed)

    def _changed(self, order: Order | None, marked: frozenset[str], figures: Figures) -> None:
        if order is not None and self.is_mounted:
            self.query_one(OrderList).replace(order)
            selected = self.selected_order()
            if selected is not None and selected.order_no == order.order_no:
                self._show_order()            # its detail and what `n` does follow it
            self.query_one(OrderList).set_marked(set(marked))
            if self.is_current:
                self._totals(figures)

    # --- actions ------------------------------------------------------------------------------
    def action_focus_search(self) -> None:
        self.set_focus(self.query_one("#h-search", Input))

    def action_preset(self, name: str) -> None:
        self.preset = name
        self.reload()

    def action_next_preset(self) -> None:
        """The next preset; focus stays where it is, so `p` keeps cycling (自定义 shows its
        field and names the key that types into it)."""
        self.preset = PRESETS[(PRESETS.index(self.preset) + 1) % len(PRESETS)]
        self.reload()

    def action_focus_dates(self) -> None:
        if self.preset != "custom":
            self.preset = "custom"
            self.reload()
        self.set_focus(self.query_one("#h-dates", Input))

    def action_next_status(self) -> None:
        self.status = STATUS_CYCLE[(STATUS_CYCLE.index(self.status) + 1) % len(STATUS_CYCLE)]
        self.reload()

    def action_toggle_claims(self) -> None:
        """Claims are listed whatever their age: the dates go to 全部 (`p` narrows them again)."""
        self.claims = not self.claims
        if self.claims:
            self.preset = "all"
        self.reload()

    def action_escape(self) -> None:
        if isinstance(self.focused, Input):
            self.set_focus(self.query_one(OrderList))
            return
        for inp in self.query(Input):
            with inp.prevent(Input.Changed):
                inp.value = ""
        self.preset, self.status, self.claims = "month", None, False
        self.reload()

    def action_export(self) -> None:
        """Ask for the format and the place (tui/screens/export_dialog.py), then say where it went."""
        from kameng_tui.tui.screens.export_dialog import Exported, ExportScreen

        def done(result: Exported | None) -> None:
            if result is not None:
                self.notify(result.said(self.t), timeout=10)

        day = self.ctx.clock.now().astimezone(ZoneInfo(self.zone)).date()    # the business date names the file
        self.app.push_screen(ExportScreen(self.flt, self.query_one(OrderList).total or 0, day), done)

    def action_reveal(self) -> None:
        order = self.query_one(OrderList).selected()
        if order is None:
            return
        self.revealed = None if self.revealed == order.order_no else order.order_no
        self._show_order(record=self.revealed is not None)

    def action_copy(self) -> None:
        order = self.query_one(OrderList).selected()
        if order is not None:
            copy_card(self.app, order)

    def action_reorder(self) -> None:
        order = self.query_one(OrderList).selected()
        if order is not None:
            self.run_worker(reorder(self, order), group="reorder", exit_on_error=False)

    # --- a lone pending order: send or cancel (issue 14) ----------------------------------
    def action_resume_order(self) -> None:
        order = self._pending_selected()
        if order is not None:
            self.run_worker(self._act(order.order_no, "resume"), group="pending", exit_on_error=False)

    def action_cancel_order(self) -> None:
        order = self._pending_selected()
        if order is not None:
            self.run_worker(self._act(order.order_no, "cancel"), group="pending", exit_on_error=False)

    def _pending_selected(self) -> Order | None:
        order = self.query_one(OrderList).selected()
        if order is None:
            return None
        if order.state is not OrderState.PENDING:
            self.notify(self.t("history.not_pending", order_no=order.order_no, state=self.t(f"state.{order.state.value}")),
                        severity="warning")
            return None
        return order

    async def _act(self, order_no: str, what: str) -> None:
        """Resume (queried first when it was ever submitted) or cancel, then say what
        happened; a message that asks for a later try names the key to press."""

        actions = self.ctx.pending
        t = self.t
        try:
            acted = await (actions.resume(order_no) if what == "resume" else actions.cancel(order_no))
        except KamengError as exc:
            self.notify(f"{order_no}: {self.t.error(exc)}", severity="error", timeout=10)
            return
        if acted.status == "query_failed":
            self.notify(t("history.query_failed", order_no=order_no), severity="warning", timeout=10)
        elif acted.status == "not_found_yet":
            self.notify(t("history.not_found_yet", order_no=order_no), severity="warning", timeout=10)
        elif acted.status == "cancelled":
            self.notify(t("history.cancelled", order_no=order_no))
        else:
            self.notify(t("history.resume_sent", order_no=order_no, state=t(f"state.{acted.order.state.value}")))
        self.app.tell_screens(partial(OrderUpdated, order_no))
        refresh = getattr(self.app, "refresh_claims", None)
        if refresh is not None:
            refresh()
        self.reload(keep_cursor=True)
