"""What the App's batch runner tells the screens: a typed Textual message on each change
of a batch's lines, carrying the lines as they now are, so the batch screen renders from
the message instead of reading the ledger (another process's changes still come through
the change feed: services/change_feed.py, tui/ledger_feed.py)."""

from __future__ import annotations

from typing import Sequence

from textual.message import Message

from kameng_tui.domain.errors import KamengError
from kameng_tui.domain.models import Order


class BatchLinesChanged(Message):
    """Lines of `batch_id` changed state (sent, answered, settled), or the run ended.

    `orders`: the changed lines as recorded after the change (every line at the end of a
    run; none when the run stopped on an error). `sent`/`total`: lines sent so far of
    those this run sends. `running`: whether the runner still sends or follows the batch.
    Posted from the App's event loop (the runner's tasks), handled by the App first."""

    def __init__(self, batch_id: int, orders: Sequence[Order] = (), *, running: bool, sent: int = 0, total: int = 0,
                 error: KamengError | None = None) -> None:
        super().__init__()
        self.batch_id = batch_id
        self.orders = tuple(orders)
        self.running = running
        self.sent, self.total = sent, total
        self.error = error
