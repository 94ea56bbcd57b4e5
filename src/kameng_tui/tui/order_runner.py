"""Orders run in tasks owned by the App, never by a modal.

A checkout modal records the intent (services/checkout_flow.py) and hands the order
number here; closing the modal, switching screens or starting another order never
cancels a send. Each task sends under the order's own number and then follows it until
settled or the wait passes; what is still open after that is left to reconcile (never
re-sent).

Each state the order reaches is posted to the App as an `OrderChanged` message carrying
an `OrderStatus` (services/order_progress.py); the App hands it to the screens that
follow that order. Nothing polls the ledger for it.
"""

from __future__ import annotations

import asyncio
from typing import Callable

from textual.message import Message

from kameng_tui.domain.errors import KamengError
from kameng_tui.domain.models import Order
from kameng_tui.messages import Msg
from kameng_tui.domain.states import OrderState
from kameng_tui.services.order_progress import OrderStatus
from kameng_tui.services.shop import Shop

SETTLE_WAIT_S = 120.0


class OrderChanged(Message, bubble=False):
    """An order reached a new state (this process sent it, or another process wrote it).
    It does not bubble: the App hands it down to the screens that follow the order."""

    def __init__(self, status: OrderStatus) -> None:
        super().__init__()
        self.status = status


class OrderRunner:
    def __init__(self, ctx: Shop, on_done: Callable[[Order | None, str, KamengError | None], None],
                 post: Callable[[Message], object] = lambda message: None) -> None:
        self.ctx = ctx
        self._on_done = on_done
        self._post = post
        self._tasks: dict[str, asyncio.Task[None]] = {}

    @property
    def in_flight(self) -> int:
        return sum(1 for t in self._tasks.values() if not t.done())

    def start(self, order_no: str) -> None:
        if order_no in self._tasks and not self._tasks[order_no].done():
            return
        self._tasks[order_no] = asyncio.get_running_loop().create_task(self._run(order_no), name=f"order:{order_no}")

    async def _run(self, order_no: str) -> None:
        order: Order | None = None
        error: KamengError | None = None
        shown: OrderStatus | None = None

        def moved(now: Order) -> None:
            nonlocal shown
            status = (shown if shown is not None else OrderStatus(now, (OrderState.PENDING,))).moved(now)
            if status != shown:
                shown = status
                self._post(OrderChanged(status))

        try:
            order = await self.ctx.checkout.send(order_no, wait_s=SETTLE_WAIT_S, on_move=moved)
        except KamengError as exc:
            error = exc
        except Exception as exc:  # an adapter bug must not kill the app; the ledger keeps the truth
            error = KamengError(Msg("err.internal.tui", kind=type(exc).__name__))
        order = await asyncio.to_thread(self.ctx.orders.get, order_no) or order     # never on the UI thread
        if order is not None:
            moved(order)
        self._on_done(order, order_no, error)

    async def wait_all(self) -> None:
        """Tests and quitting: let every started order reach its end of run."""
        while any(not t.done() for t in self._tasks.values()):
            await asyncio.gather(*[t for t in self._tasks.values() if not t.done()], return_exceptions=True)
