"""The catalog screen's reads of the ledger and the catalog cache, each off the UI
thread (issue 17: a read on the UI thread freezes every key while SQLite waits on the
disk or another process's write): the highlighted row's Product (for Enter and `a`),
its detail (price history, own orders, delivery times) and, for a product of several
offers, its offers; the Product of a row acted on before it was loaded; and the last
order of a product for 再来一单 (`a`). Each value is drawn back on the UI thread when it
comes; a detail that comes for a product no longer highlighted is dropped.

The highlighted row's reads wait for the cursor to rest (ROW_QUIET): a burst of keys
(typing a search, holding an arrow key) starts one worker when it ends, not one per
key, so no thread competes with the keystrokes for the interpreter."""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable

from kameng_tui.domain.catalog_index import CatalogIndex
from kameng_tui.domain.errors import KamengError
from kameng_tui.domain.models import Product
from kameng_tui.domain.product_index import ProductIndex
from kameng_tui.services.catalog import ProductDetail
from kameng_tui.services.offer_board import ProductOffers
from kameng_tui.tui.widgets.detail_pane import DetailPane
from kameng_tui.tui.widgets.product_table import ProductTable

if TYPE_CHECKING:  # pragma: no cover
    from kameng_tui.tui.screens.catalog import CatalogScreen

ROW_QUIET = 0.15
"""Seconds the cursor rests on a row before its reads begin: longer than the gap between
a typist's keys (~100 ms) and a held arrow key's repeats (~33 ms), short enough that the
pane follows a row looked at."""


@dataclass(frozen=True)
class RowWanted:
    """The highlighted row whose reads are asked for: its position in `index`, its SKU,
    and whether the detail pane shows (folded, only the Product is loaded)."""

    index: CatalogIndex
    loader: Callable[[int], Product]
    pos: int
    sku: str
    detail: bool


@dataclass(frozen=True)
class RowRead:
    product: Product | None
    detail: ProductDetail | str | None      # str: the error's text, shown in the pane
    offers: ProductOffers | None


class RowReads:
    """The highlighted row's reads, one worker for a burst of cursor moves: `ask` only
    notes the latest row while a worker is on its way; the worker waits until the cursor
    has rested ROW_QUIET, reads that row in a thread, draws it, and goes on while the
    cursor moved during the read."""

    def __init__(self, screen: "CatalogScreen") -> None:
        self.screen = screen
        self.wanted: RowWanted | None = None
        self.asked_at = 0.0
        self.busy = False

    def ask(self, wanted: RowWanted) -> None:
        self.wanted, self.asked_at = wanted, time.monotonic()
        if not self.busy:
            self.busy = True
            self.screen.run_worker(self._run(), group="catalog-row", exit_on_error=False)

    async def _run(self) -> None:
        try:
            while True:
                wait = self.asked_at + ROW_QUIET - time.monotonic()
                if wait > 0:
                    await asyncio.sleep(wait)
                    continue
                wanted = self.wanted
                if wanted is None:
                    return
                table = self.screen.query_one(ProductTable)
                known = table.loaded.get(wanted.pos) if table.index is wanted.index else None
                got = await asyncio.to_thread(self._read, wanted, known)
                self._draw(wanted, got)
                if self.wanted is wanted:
                    return
        finally:
            self.busy = False

    def _read(self, wanted: RowWanted, known: Product | None) -> RowRead:
        """In a worker thread: the Product (unless `known`), the detail and the offers of one row."""
        screen = self.screen
        try:
            product = known or wanted.loader(wanted.pos)
        except KamengError:
            product = None                  # Enter reads it again and says why
        if not wanted.detail:
            return RowRead(product, None, None)
        offers = None
        try:
            detail: ProductDetail | str = screen.ctx.catalog.detail(wanted.sku)
            if isinstance(wanted.index, ProductIndex):
                offers = screen.ctx.offer_board.offers_of(wanted.index.product_ids[wanted.pos])
        except KamengError as exc:
            detail = exc.text(screen.lang)
        return RowRead(product, detail, offers)

    def _draw(self, wanted: RowWanted, got: RowRead) -> None:
        table = self.screen.query_one(ProductTable)
        if got.product is not None:
            table.keep(wanted.index, wanted.pos, got.product)
        if got.detail is None or table.index is not wanted.index or table.position() != wanted.pos:
            return                          # the cursor moved on: its own read is on its way
        pane = self.screen.query_one(DetailPane)
        if isinstance(got.detail, str):
            pane.update(got.detail)
        else:
            pane.show_detail(got.detail, got.offers)


def with_product(screen: "CatalogScreen", then: Callable[[Product], None]) -> None:
    """Enter or `a`: `then(product)` with the cursor's Product, at once when the row's
    reads have loaded it; else it is read in a worker first (a key pressed before the
    cursor rested), and `then` runs only if the catalog is still the screen shown (a
    second Enter meanwhile opens nothing twice)."""
    table = screen.query_one(ProductTable)
    index, loader, pos = table.index, table.loader, table.position()
    if index is None or loader is None or pos is None:
        return
    product = table.loaded.get(pos)
    if product is not None:
        then(product)
        return
    app = screen.app

    async def load() -> None:
        try:
            product = await asyncio.to_thread(loader, pos)
        except KamengError as exc:
            app.notify(exc.text(screen.lang), severity="error")
            return
        table.keep(index, pos, product)
        if screen.is_current:
            then(product)

    screen.run_worker(load(), group="catalog-action", exit_on_error=False)


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
            if screen.is_current:             # `a` twice: one checkout
                app.push_screen(checkout(product, again=last))

        app.call_from_thread(open_checkout)

    screen.run_worker(read, thread=True, group="catalog-reorder", exit_on_error=False)
