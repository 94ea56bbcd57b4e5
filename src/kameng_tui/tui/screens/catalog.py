"""Catalog: filter pane, search-as-you-type table of every match, product detail."""

from __future__ import annotations

import dataclasses
import gc
from decimal import Decimal, InvalidOperation

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingsMap
from textual.containers import Horizontal, Vertical
from textual.geometry import Size
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from kameng_tui.domain.catalog_index import CatalogIndex
from kameng_tui.domain.catalog_query import DELIVERY_FACET, SORTS, TAG_FACET, Query
from kameng_tui.domain.errors import KamengError
from kameng_tui.tui.keys import CATALOG_KEYS, bindings
from kameng_tui.tui.text import Texts
from kameng_tui.tui.widgets.detail_pane import DetailPane
from kameng_tui.tui.widgets.filter_pane import Entry, FilterPane
from kameng_tui.tui.widgets.product_table import ProductTable
from kameng_tui.tui.widgets.status_bar import StatusBar


class SearchInput(Input):
    """The search field refilters inside the keystroke that changed it, so the typed
    character and the new rows reach the terminal in one frame, not two."""

    def _watch_value(self, value: str) -> None:
        # Input re-sets its virtual size on every change, which asks the whole screen for
        # a layout pass; the size of a one-line field does not change, so set it quietly.
        self.set_reactive(Input.virtual_size, Size(self.content_width, 1))
        super()._watch_value(value)
        screen = self.screen
        if isinstance(screen, CatalogScreen):
            screen.search_changed(value)


class CatalogScreen(Screen[None]):
    SCOPE = "catalog"
    AUTO_FOCUS = "#products"

    def __init__(self) -> None:
        super().__init__()
        self.ctx = self.app.ctx
        self.lang = self.app.lang
        self.t = Texts(self.lang)
        # Textual's own tab / shift+tab (focus next / previous) stay beside our bindings.
        self._bindings = BindingsMap([*Screen.BINDINGS, *bindings(CATALOG_KEYS, self.lang)])
        self.index: CatalogIndex | None = None
        self.q = Query()
        self.count = 0

    def compose(self) -> ComposeResult:
        t = self.t
        yield StatusBar(id="status")
        with Horizontal(id="catalog-body"):
            with Vertical(id="filters-column"):
                yield FilterPane(lang=self.lang, id="filters")
                yield Static(t("filter.price"), classes="label")
                with Horizontal(id="price-range"):
                    yield Input(placeholder=t("filter.price_min"), id="price-min", restrict=r"[0-9.]*")
                    yield Input(placeholder=t("filter.price_max"), id="price-max", restrict=r"[0-9.]*")
                yield Static("", id="price-error", classes="field-error")
            with Vertical(id="centre"):
                yield SearchInput(placeholder=t("catalog.search"), id="search")
                yield Static("", id="summary")
                yield ProductTable(lang=self.lang, id="products")
            with Vertical(id="detail-column"):
                yield DetailPane(lang=self.lang, zone=self.ctx.settings_view.general.timezone, id="detail")
        yield Footer()

    def on_mount(self) -> None:
        self.load_index()

    @work(exclusive=True, group="catalog-index", exit_on_error=False)
    async def load_index(self) -> None:
        """The index from its snapshot (or the cache) in a thread: the first frame does
        not wait on the disk. An empty cache (first run) is filled from the suppliers."""
        import asyncio

        ctx = self.ctx
        try:
            if ctx.catalog.cache.count() == 0:
                self.app.notify(self.t("sync.start"))
                report = await ctx.catalog.sync()
                self.app.notify(self.t("sync.done", n=sum(report.counts.values())))
            index = await asyncio.to_thread(ctx.catalog.index)
        except KamengError as exc:
            self.app.notify(exc.text(self.lang), severity="error")
            return
        self._index_ready(index)

    def _index_ready(self, index: CatalogIndex) -> None:
        self.index = index
        self.refilter()
        # The index and the start-up objects live as long as the app: keep them out of
        # the cyclic GC's full passes, which otherwise stall a keystroke ~100 ms at 100k.
        gc.freeze()

    # --- the one per-keystroke path ------------------------------------------------------------
    def refilter(self, keep_cursor: bool = False) -> None:
        if self.index is None:
            return
        result = self.index.query(self.q, limit=0)
        table = self.query_one(ProductTable)
        table.show(self.index, result)
        # The rows first: the facet counts follow in the next frame, a few ms later.
        self.call_after_refresh(self.query_one(FilterPane).show, self.q, result)
        self.count = result.count
        self._summary()

    def _summary(self) -> None:
        """Count, position and sort on one line: the table has no scrollbar to redraw."""
        sort = self.t(f"sort.{self.q.sort}") + (self.t("sort.descending") if self.q.descending else "")
        row = self.query_one(ProductTable).cursor + 1 if self.count else 0
        self.query_one("#summary", Static).update(
            f"{self.t('catalog.count', count=self.count)}   {self.t('catalog.row', row=row)}   "
            f"{self.t('catalog.sort', sort=sort)}", layout=False)

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
        product = self.query_one(ProductTable).product()
        pane = self.query_one(DetailPane)
        if product is None:
            pane.show_detail(None)
            return
        try:
            pane.show_detail(self.ctx.catalog.detail(product.sku))
        except KamengError as exc:
            pane.update(exc.text(self.lang))

    # --- actions ------------------------------------------------------------------------------
    def action_focus_search(self) -> None:
        self.set_focus(self.query_one("#search", Input))

    def action_focus_filters(self) -> None:
        self.set_focus(self.query_one(FilterPane))

    def action_focus_table(self) -> None:
        self.set_focus(self.query_one(ProductTable))

    def action_cycle_sort(self) -> None:
        self.q = dataclasses.replace(self.q, sort=SORTS[(SORTS.index(self.q.sort) + 1) % len(SORTS)])
        self.refilter()

    def action_reverse_sort(self) -> None:
        self.q = dataclasses.replace(self.q, descending=not self.q.descending)
        self.refilter()

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
        product = self.query_one(ProductTable).product()
        if product is None:
            return
        from kameng_tui.tui.screens.checkout import CheckoutScreen

        self.app.push_screen(CheckoutScreen(product))

    def action_reorder(self) -> None:
        product = self.query_one(ProductTable).product()
        if product is None:
            return
        from kameng_tui.tui.screens.checkout import CheckoutScreen

        last = self.ctx.checkout.last_order(product.sku)
        self.app.push_screen(CheckoutScreen(product, again=last))

    def catalog_changed(self) -> None:
        """Synced or a supplier removed on the settings screen: the index anew."""
        self.load_index()

    def order_changed(self, order_no: str) -> None:
        if self.is_current:
            self.call_after_refresh(self._show_detail)
