"""What unsettled orders may still take from each supplier, as the App last read it.

`App.available(supplier)` is asked on every keystroke of a checkout or a batch grid; the
sum behind it is a ledger read, so it is read here in a worker thread (after each order
starts or ends, each batch, each change from another process) and the screens are told
(`BalancesChanged`) to draw again. Until the first read, the figure of the last balance
view stands in."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING

from kameng_tui.tui.app_messages import BalancesChanged

if TYPE_CHECKING:  # pragma: no cover
    from kameng_tui.tui.app import KamengApp


class UnsettledCosts:
    def __init__(self, app: "KamengApp") -> None:
        self.app = app
        self._by_supplier: dict[str, Decimal] = {}

    def of(self, supplier: str, fallback: Decimal) -> Decimal:
        return self._by_supplier.get(supplier, fallback)

    def refresh(self) -> None:
        self.app.run_worker(self._read, thread=True, group="unsettled", exit_on_error=False)

    def _read(self) -> None:
        app = self.app
        read = {name: app.ctx.orders.unsettled_cost(name) for name in app.ctx.supplier_names()}
        app.call_from_thread(self._got, read)

    def _got(self, read: dict[str, Decimal]) -> None:
        if read != self._by_supplier:
            self._by_supplier = read
            self.app.tell_screens(BalancesChanged)
