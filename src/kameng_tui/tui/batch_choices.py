"""A batch row's fields chosen from a list (大区, 服务器), looked up in a worker thread.

Knowing them takes the SKU's whole Product from the catalog cache (SQLite), and the
batch screen asks on the UI thread as the cursor moves (the hint under the grid,
ctrl+o). So a SKU not looked up yet is read in a worker: the hint shows when it comes,
and ctrl+o pressed before then acts once it has come. One lookup per SKU text; the
answers kept (bounded)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from kameng_tui.domain.models import AccountField, Product

if TYPE_CHECKING:  # pragma: no cover
    from kameng_tui.tui.screens.batch import BatchScreen

Found = tuple[Product, tuple[AccountField, ...]] | None


class ChoiceLookup:
    def __init__(self, screen: "BatchScreen") -> None:
        self.screen = screen
        self.known: dict[str, Found] = {}
        self.waiting: dict[str, list[Callable[[], None]]] = {}

    def get(self, sku: str) -> Found:
        """The answer for `sku` when known; None (no choices) until then, the lookup started."""
        if sku in self.known:
            return self.known[sku]
        self.when_known(sku, self.screen._show_suggestions)
        return None

    def is_known(self, sku: str) -> bool:
        return sku in self.known

    def when_known(self, sku: str, then: Callable[[], None]) -> None:
        """`then()` once `sku`'s answer is known (at once when it is)."""
        if sku in self.known:
            then()
            return
        first = sku not in self.waiting
        self.waiting.setdefault(sku, []).append(then)
        if not first:
            return
        entry, app = self.screen.entry, self.screen.app

        def read() -> None:
            found = entry.choice_fields(sku)
            app.call_from_thread(self._known, sku, found)

        self.screen.run_worker(read, thread=True, group="batch-choices", exit_on_error=False)

    def _known(self, sku: str, found: Found) -> None:
        if len(self.known) > 500:
            self.known.clear()
        self.known[sku] = found
        for then in self.waiting.pop(sku, []):
            if self.screen.is_mounted:
                then()
