"""The catalog screen's reads of the ledger and the catalog cache, each in a worker
thread (issue 17: a read on the UI thread freezes every key while SQLite waits on the
disk or another process's write): the detail pane of the highlighted product (its
price history, own orders and delivery times) and the last order of a product for
再来一单 (`a`). Each value is drawn back on the UI thread when it comes; a detail that
comes for a product no longer highlighted is dropped."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable


from kameng_tui.domain.errors import KamengError
from kameng_tui.domain.models import Product
from kameng_tui.services.catalog import ProductDetail
from kameng_tui.services.offer_board import ProductOffers
from kameng_tui.tui.widgets.detail_pane import DetailPane
from kameng_tui.tui.widgets.product_table import ProductTable

if TYPE_CHECKING:  # pragma: no cover
    from kameng_tui.tui.screens.catalog import CatalogScreen


def read_detail(screen: "CatalogScreen", sku: str, offers: ProductOffers | None) -> None:
    """The highlighted product's detail, read in a worker (the latest highlight wins: an
    older read not begun yet is skipped). Not `exclusive`: no worker is cancelled under
    whoever waits for it."""
    catalog, app = screen.ctx.catalog, screen.app
    screen.detail_asked += 1
    asked = screen.detail_asked

    def read() -> None:
        if screen.detail_asked != asked:
            return                      # the cursor moved on before this read began
        try:
            detail: ProductDetail | str = catalog.detail(sku)
        except KamengError as exc:
            detail = exc.text(screen.lang)
        app.call_from_thread(_show_detail, screen, sku, detail, offers)

    screen.run_worker(read, thread=True, group="catalog-detail", exit_on_error=False)


def _show_detail(screen: "CatalogScreen", sku: str, detail: ProductDetail | str, offers: ProductOffers | None) -> None:
    if screen.query_one(ProductTable).sku() != sku:
        return                          # the cursor moved on: its own read is on its way
    pane = screen.query_one(DetailPane)
    if isinstance(detail, str):
        pane.update(detail)
    else:
        pane.show_detail(detail, offers)


def reorder_later(screen: "CatalogScreen", product: Product, checkout: Callable[..., Any]) -> None:
    """`a`: the product's last order read in a worker, then the checkout opened on it."""
    orders, app = screen.ctx.checkout, screen.app

    def read() -> None:
        try:
            last = orders.last_order(product.sku)
        except KamengError as exc:            # the ledger cannot be read (a team server gone)
            app.call_from_thread(app.notify, app.t.error(exc), severity="error")
            return

        def open_checkout() -> None:          # the screen is built on the UI thread
            app.push_screen(checkout(product, again=last))

        app.call_from_thread(open_checkout)

    screen.run_worker(read, thread=True, group="catalog-reorder", exit_on_error=False)
