"""Other processes' writes, shown in the open app: cron's reconcile settles an order, a
second terminal places one (services/change_feed.py watches; this turns what it saw into
what the screens already know how to show)."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Sequence

from textual.message import Message

from kameng_tui.tui.app_messages import OrderUpdated, OrdersAdded
from kameng_tui.services.change_feed import Change

if TYPE_CHECKING:
    from kameng_tui.tui.app import KamengApp

MANY = 20
"""Past this many changed orders the screens reload once instead of order by order."""


class LedgerMoved(Message):
    """Posted from the change feed's thread (post_message is thread-safe)."""

    def __init__(self, changes: Sequence[Change]) -> None:
        super().__init__()
        self.changes = tuple(changes)


def show_changes(app: "KamengApp", changes: Sequence[Change]) -> None:
    """New orders reload the lists (`OrdersAdded`); changed ones are replaced where they
    are shown (`OrderUpdated`, as after this app's own orders); the claims count follows."""
    numbers = list(dict.fromkeys(c.order_no for c in changes if c.order_no))
    if not numbers:
        return
    if len(numbers) > MANY or any(c.kind == "created" for c in changes):
        app.tell_screens(OrdersAdded)
    if len(numbers) <= MANY:
        for order_no in numbers:
            app.tell_screens(partial(OrderUpdated, order_no))
    # a failure another process learned (cron's reconcile, a webhook listener): said, offered as a re-order
    app.reorder_news.learned(c.order_no for c in changes if c.order_no and c.kind == "failed")
    app.refresh_claims()
