"""What the App tells its screens, as typed Textual messages (issue 17 point 1).

The App posts one of these to every screen of every mode (`KamengApp.tell_screens`), the
screens not shown now too: a screen in another mode's stack still runs its message queue,
so it is up to date when it comes back. A screen that cares has an `on_...` handler; one
that does not ignores it. An exception in a handler is a bug and reaches the App's
exception hook (return code 1), which `textual.signal.Signal` would log and drop.

Delivery is asynchronous: a screen has handled the news once the App's loop has run
(`await pilot.pause()` in a test), not when `tell_screens` returns. No caller relies on
more: each one only reports a change already recorded.

`bubble=False`: posted to a screen, the news stops there (the App is not told again)."""

from __future__ import annotations

from textual.message import Message

from kameng_tui.tui.batch_messages import BatchLinesChanged


class ScreenNews(Message, bubble=False):
    """The base of what the App tells every screen."""


class LedgerStateChanged(ScreenNews):
    """The ledger started or stopped refusing writes (`app.refused`)."""


class BalancesChanged(ScreenNews):
    """The App read the balances or the unsettled costs again."""


class DataKeyChanged(ScreenNews):
    """The App learnt whether a data key is there (`app.data_key_status`)."""


class CatalogChanged(ScreenNews):
    """A sync or a removed supplier changed the catalog."""


class SuppliersChanged(ScreenNews):
    """A supplier was added, turned on or off, or removed."""


class OrdersAdded(ScreenNews):
    """Another process placed orders (or changed many at once): lists read again."""


class OrderUpdated(ScreenNews):
    """Order `order_no` changed where no runner of this screen saw it."""

    def __init__(self, order_no: str) -> None:
        super().__init__()
        self.order_no = order_no


class BatchLinesUpdated(ScreenNews):
    """The batch runner's news (`BatchLinesChanged`, handled by the App first), passed on."""

    def __init__(self, news: BatchLinesChanged) -> None:
        super().__init__()
        self.news = news
