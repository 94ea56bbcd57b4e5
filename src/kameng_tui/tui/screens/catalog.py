"""Catalog: filter pane, search-as-you-type table of every match, product detail."""

from __future__ import annotations

import dataclasses
from decimal import Decimal, InvalidOperation

from rich.cells import cell_len
from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.geometry import Size
from textual.screen import Screen
from textual.widgets import Input, Static

from kameng_tui.domain.catalog_index import CatalogIndex, Result
from kameng_tui.domain.catalog_query import (DELIVERY_FACET, SORTS, TAG_FACET, Filter, Query, active_filters,
                                              without_filter, without_filters)
from kameng_tui.domain.errors import KamengError
from kameng_tui.domain.models import Product
from kameng_tui.services.catalog import SyncReport
from kameng_tui.tui.app_messages import BalancesChanged, CatalogChanged, OrderUpdated, SuppliersChanged
from kameng_tui.tui.catalog_reads import RowReads, RowWanted, reorder_later, with_product
from kameng_tui.tui.keys import CATALOG_KEYS, bindings
from kameng_tui.tui.text import Texts
from kameng_tui.tui.textual_compat import install_bindings
from kameng_tui.tui.tuning import freeze_long_lived
from kameng_tui.tui.typed_keys import TextField
from kameng_tui.tui.widgets.detail_pane import DetailPane
from kameng_tui.tui.widgets.filter_chips import FilterChips, filter_text
from kameng_tui.tui.widgets.filter_pane import Entry, FilterPane
from kameng_tui.tui.widgets.fit_footer import FitFooter
from kameng_tui.tui.widgets.product_table import ProductTable
from kameng_tui.tui.widgets.status_bar import StatusBar


class SearchInput(TextField):
    """The search field refilters inside the keystroke that changed it, so the typed
    character and the new rows reach the terminal in one frame, not two."""

    def validate_value(self, value: str) -> str:
        # Input re-sets its virtual size to its text's width on every change (in its
        # watcher, which runs after this), and a new virtual size asks the whole screen for
        # a layout pass: one per keystroke. Only the field's own scrolling reads it, so it
        # is set quietly here to what Input will set (its `content_width` of the new
        # value), and Input's own setting changes nothing.
        width = cell_len(self.placeholder) if self.placeholder and not value else cell_len(value) + 1
        self.set_reactive(Input.virtual_size, Size(width, 1))
        return value

    def watch_value(self, value: str) -> None:
        screen = self.screen
        if isinstance(screen, CatalogScreen):
            screen.search_changed(value)

    def action_delete_left(self) -> None:
        """Backspace in an empty search takes back the last filter (the last chip)."""
        screen = self.screen
        if not self.value and isinstance(screen, CatalogScreen) and screen.filters:
            screen.action_remove_last_filter()
            return
        super().action_delete_left()


FOLD_BELOW = 100      # columns: below this the filter and detail panes fold away


class CatalogScreen(Screen[None]):
    SCOPE = "catalog"
    AUTO_FOCUS = "#products"

    def __init__(self) -> None:
        super().__init__()
        self.ctx = self.app.ctx
        self.lang = self.app.lang
        self.t = Texts(self.lang)
        # Textual's own tab / shift+tab (focus next / previous) stay beside our bindings.
        install_bindings(self, [*Screen.BINDINGS, *bindings(CATALOG_KEYS, self.lang)])
        self.index: CatalogIndex | None = None
        self.q = Query()
        self.count = 0
        self.filters: tuple[Filter, ...] = ()      # the chips, oldest first
        self._narrow: bool | None = None
        self._panes = {"filters": True, "detail": True}
        """Which side panes show: folded below FOLD_BELOW columns, then as `f` / `i` leave them."""
        self.row_reads = RowReads(self)  # the highlighted row's, off the UI thread
        self._no_catalog = ""            # why a first run's catalog is empty (its sync failed), said in the list

    def compose(self) -> ComposeResult:
        t = self.t
        yield StatusBar(id="status")
        with Horizontal(id="catalog-body"):
            with Vertical(id="filters-column"):
                yield FilterPane(lang=self.lang, id="filters")
                yield Static(t("filter.price"), classes="label")
                with Horizontal(id="price-range"):
                    yield TextField(placeholder=t("filter.price_min"), id="price-min", restrict=r"[0-9.]*")
                    yield TextField(placeholder=t("filter.price_max"), id="price-max", restrict=r"[0-9.]*")
                yield Static("", id="price-error", classes="field-error")
            with Vertical(id="centre"):
                yield SearchInput(placeholder=t("catalog.search"), id="search")
                yield FilterChips(lang=self.lang, id="chips")
                yield Static("", id="summary")
                yield ProductTable(lang=self.lang, id="products")
            with Vertical(id="detail-column"):
                yield DetailPane(lang=self.lang, zone=self.ctx.settings_view.general.timezone, id="detail")
        yield FitFooter()

    def on_mount(self) -> None:
        self._fold(self.app.size.width)
        self.load_index()

    # --- the side panes fold below 100 columns --------------------------------------------
    def on_resize(self, event: events.Resize) -> None:
        self._fold(event.size.width)

    def _fold(self, width: int) -> None:
        """Crossing FOLD_BELOW resets the panes to what suits the width (both folded when
        narrow, both shown when wide); between crossings `f` and `i` decide."""
        narrow = width < FOLD_BELOW
        if narrow != self._narrow:
            self._narrow = narrow
            self._panes = {"filters": not narrow, "detail": not narrow}
            self._apply_panes()
            self._suppliers()

    def _suppliers(self) -> None:
        """The list's supplier column (several suppliers, wide layout) and 演示 mark."""
        self.query_one(ProductTable).set_suppliers(self.ctx.supplier_view(), compact=bool(self._narrow))

    def _apply_panes(self) -> None:
        filters = self.query_one("#filters-column")
        detail = self.query_one("#detail-column")
        filters.display = self._panes["filters"]
        detail.display = self._panes["detail"]
        focused = self.focused
        if focused is not None and not filters.display and filters in focused.ancestors_with_self:
            self.set_focus(self.query_one(ProductTable))
        if detail.display:
            self.call_after_refresh(self._show_detail)

    def action_toggle_filters(self) -> None:
        """`f`: show the filter pane and go to it; in it, fold it (back to the list)."""
        filters = self.query_one("#filters-column")
        focused = self.focused
        if filters.display and focused is not None and filters in focused.ancestors_with_self:
            self._panes["filters"] = False
            self._apply_panes()
            return
        if not filters.display:
            self._panes["filters"] = True
            self._apply_panes()
        self.set_focus(self.query_one(FilterPane))

    def action_toggle_detail(self) -> None:
        """`i`: show or fold the detail pane."""
        self._panes["detail"] = not self._panes["detail"]
        self._apply_panes()

    @work(exclusive=True, group="catalog-index", exit_on_error=False)
    async def load_index(self) -> None:
        """The index from its snapshot (or the cache) in a thread: the first frame does
        not wait on the disk. An empty cache (first run) is filled from the suppliers. The
        SKU rows are shown first and the products (offers merged) replace them when built,
        so a large catalog of several suppliers is searchable while its offers are merged."""
        import asyncio

        ctx = self.ctx
        try:
            if await asyncio.to_thread(ctx.catalog.is_empty):
                self.app.notify(self.t("sync.start"))
                self._synced(await ctx.catalog.sync())
            if self.index is None:       # the SKU rows first: merging offers can take seconds
                self._index_ready(await asyncio.to_thread(ctx.catalog.index))
            index = await asyncio.to_thread(ctx.offer_board.index)     # then one row per product
        except KamengError as exc:
            self.app.notify(exc.text(self.lang), severity="error")
            if self.index is None:      # nothing to show: the list says why, after the toast has gone
                self._no_catalog = self.t("sync.failed", error=exc.text(self.lang))
                self.query_one(ProductTable).say_empty(self._no_catalog)
            return
        self._index_ready(index)

    def _synced(self, report: SyncReport) -> None:
        """A first run's sync: the products that came and each supplier's failure, said as
        toasts; while no product came, the empty list keeps saying why."""
        failed = self.t("filters.sep").join(f"{name}: {self.t.show(msg)}" for name, msg in report.errors.items())
        n = sum(report.counts.values())
        if n or not failed:
            self.app.notify(self.t("sync.done", n=n))
        if failed:
            self.app.notify(failed, severity="error")
        self._no_catalog = self.t("sync.failed", error=failed) if failed and not n else ""

    def _index_ready(self, index: CatalogIndex) -> None:
        if index is self.index:
            return                       # nothing changed (a balance refresh that moved no choice)
        self.index = index
        if index.n:
            self._no_catalog = ""        # products came (a later sync): an old failure says nothing more
        self._suppliers()                # a supplier added or turned off: the catalog is reloaded
        self.refilter()
        freeze_long_lived()              # out of the GC's full passes (tui/tuning.py)

    # --- the one per-keystroke path ------------------------------------------------------------
    def refilter(self, keep_cursor: bool = False) -> None:
        """Nothing on this path changes the screen's layout (a layout pass redraws every
        pane): the chips line is always there, an empty result's message goes in the
        list's own lines, the summary keeps its height."""
        if self.index is None:
            return
        result = self.index.query(self.q, limit=0, facets=False)
        self.count = result.count
        self.filters = active_filters(self.q, self.filters)
        hidden = self.count == 0 and bool(self.filters or self.q.text.strip())
        empty = self._empty_text() if hidden else "" if self.count else self._no_catalog
        self.query_one(ProductTable).show(self.index, result, empty=empty)
        # The rows first: the facet counts follow in the next frame, a few ms later.
        self.call_after_refresh(self._show_facets, self.index, self.q, result)
        self.query_one(FilterChips).show(self.filters)
        self._summary()

    def _show_facets(self, index: CatalogIndex, q: Query, result: Result) -> None:
        """The filter pane's counts for the rows shown; none for a query a later keystroke replaced."""
        if index is self.index and q == self.q:
            self.query_one(FilterPane).show(q, index.with_facets(q, result))

    def _summary(self) -> None:
        """Count, position and sort (the table has no scrollbar to redraw): one line, or
        more in a narrow centre column; laid out again only when it needs another height."""
        sort = self.t(f"sort.{self.q.sort}") + (self.t("sort.descending") if self.q.descending else "")
        parts = [self.t("catalog.count", count=self.count)]
        if self.count:
            parts.append(self.t("catalog.row", row=self.query_one(ProductTable).cursor + 1))
        parts.append(self.t("catalog.sort", sort=sort))
        summary = self.query_one("#summary", Static)
        summary.update("   ".join(parts), layout=False)
        size = summary.content_size
        if size.width and summary.get_content_height(size, size, size.width) != size.height:
            summary.refresh(layout=True)

    def _empty_text(self) -> str:
        """An empty result: which filters hide the products and how to undo them."""
        if not self.filters or self.index is None:
            return self.t("filters.empty_search")
        hiding = self.index.hiding(self.q, self.filters)
        return self.t("filters.empty", filters=self.t("filters.sep").join(filter_text(f, self.t) for f in hiding))

    def search_changed(self, text: str) -> None:
        if text != self.q.text:
            self.q = dataclasses.replace(self.q, text=text)
            self.refilter()

    @on(Input.Submitted, "#search")
    def _search_done(self) -> None:
        self.set_focus(self.query_one(ProductTable))

    @on(Input.Changed, "#price-min")
    @on(Input.Changed, "#price-max")
    def _price(self) -> None:
        lo, hi = self.query_one("#price-min", Input).value, self.query_one("#price-max", Input).value
        try:
            pmin = Decimal(lo) if lo else None
            pmax = Decimal(hi) if hi else None
        except InvalidOperation:
            self.query_one("#price-error", Static).update(self.t("filter.bad_price"))
            return
        self.query_one("#price-error", Static).update("")
        self.q = dataclasses.replace(self.q, price_min=pmin, price_max=pmax)
        self.refilter()

    @on(FilterPane.Toggled)
    def _toggle(self, event: FilterPane.Toggled) -> None:
        e: Entry = event.entry
        q = self.q
        if e.kind == "category":
            path = e.value
            if q.category == path and path:
                path = path.rsplit("/", 1)[0] if "/" in path else ""
            q = dataclasses.replace(q, category=path, attrs={})
        elif e.facet == DELIVERY_FACET:
            q = dataclasses.replace(q, delivery=q.delivery ^ {e.value})
        elif e.facet == TAG_FACET:
            q = dataclasses.replace(q, tags=q.tags ^ {e.value})
        else:
            attrs = dict(q.attrs)
            chosen = frozenset(attrs.get(e.facet, frozenset())) ^ {e.value}
            if chosen:
                attrs[e.facet] = chosen
            else:
                attrs.pop(e.facet, None)
            q = dataclasses.replace(q, attrs=attrs)
        self.q = q
        self.refilter()

    @on(ProductTable.Highlighted, "#products")
    def _highlighted(self, event: ProductTable.Highlighted) -> None:
        self._summary()
        self.call_after_refresh(self._show_detail)

    @on(ProductTable.Selected, "#products")
    def _selected(self) -> None:
        self.action_order()

    def _show_detail(self) -> None:
        """The highlighted row's Product (for Enter and `a`) and, with the pane shown, its
        detail and offers: read once the cursor rests (tui/catalog_reads.py)."""
        table = self.query_one(ProductTable)
        sku, pos, index, loader = table.sku(), table.position(), table.index, table.loader
        shown = self._panes["detail"]
        if sku is None or pos is None or index is None or loader is None:
            if shown:
                self.query_one(DetailPane).show_detail(None)
            return
        if not shown and pos in table.loaded:
            return                      # folded: nothing to draw (it is drawn when shown)
        self.row_reads.ask(RowWanted(index, loader, pos, sku, shown))

    # --- actions ------------------------------------------------------------------------------
    def action_focus_search(self) -> None:
        self.set_focus(self.query_one("#search", Input))

    def action_focus_table(self) -> None:
        self.set_focus(self.query_one(ProductTable))

    def action_cycle_sort(self) -> None:
        self.q = dataclasses.replace(self.q, sort=SORTS[(SORTS.index(self.q.sort) + 1) % len(SORTS)])
        self.refilter()

    def action_reverse_sort(self) -> None:
        self.q = dataclasses.replace(self.q, descending=not self.q.descending)
        self.refilter()

    def action_remove_last_filter(self) -> None:
        """Backspace: take back the newest filter, the last chip."""
        if not self.filters:
            return
        last = self.filters[-1]
        self.q = without_filter(self.q, last)
        if last.kind == "price":
            self._clear_price()
        self.refilter()

    def action_clear_filters(self) -> None:
        """x: every filter off; the search text stays in its field and keeps applying."""
        if not self.filters:
            return
        self.q = without_filters(self.q)
        self._clear_price()
        self.refilter()

    def _clear_price(self) -> None:
        for inp in self.query("#price-min, #price-max").results(Input):
            with inp.prevent(Input.Changed):
                inp.value = ""
        self.query_one("#price-error", Static).update("")

    def action_escape(self) -> None:
        """Esc: leave a text field first; then clear the filters."""
        focused = self.focused
        if isinstance(focused, Input):
            self.set_focus(self.query_one(ProductTable))
            return
        # The query first: the search field's own watcher then sees no change to refilter for.
        self.q = Query(sort=self.q.sort, descending=self.q.descending)
        for inp in self.query("#search, #price-min, #price-max").results(Input):
            with inp.prevent(Input.Changed):
                inp.value = ""
        self.refilter()

    def action_order(self) -> None:
        with_product(self, self._order)

    def _order(self, product: Product) -> None:
        from kameng_tui.tui.screens.checkout import CheckoutScreen

        self.app.push_screen(CheckoutScreen(product))

    def action_reorder(self) -> None:
        with_product(self, self._reorder)

    def _reorder(self, product: Product) -> None:
        from kameng_tui.tui.screens.checkout import CheckoutScreen

        reorder_later(self, product, CheckoutScreen)

    def on_suppliers_changed(self, _: SuppliersChanged) -> None:
        """A supplier added or turned off: the column and the 演示 mark follow at once."""
        self._suppliers()

    def on_catalog_changed(self, _: CatalogChanged) -> None:
        """Synced or a supplier removed on the settings screen: the index anew."""
        self.load_index()

    def on_balances_changed(self, _: BalancesChanged) -> None:
        """Balances fetched: a supplier short of money may lose its products' choice; the
        index is rebuilt only when a balance or an unsettled sum changed (services/offer_board.py).
        Not before the first load: that one may still be syncing a first run's catalog."""
        if self.index is not None:
            self.load_index()

    def on_order_updated(self, _: OrderUpdated) -> None:
        if self.is_current:
            self.call_after_refresh(self._show_detail)
