"""Orders run in tasks owned by the App, never by a modal.

A checkout modal commits the intent and hands the order number here; closing the
modal, switching screens or starting another order never cancels a send. Each task
sends under the order's own number and then polls it until settled or the wait
passes; what is still open after that is left to reconcile (never re-sent).
"""

from __future__ import annotations

import asyncio
from typing import Callable

from kameng_tui.domain.errors import KamengError
from kameng_tui.messages import Msg
from kameng_tui.domain.models import Order
from kameng_tui.services.shop import Shop

SETTLE_WAIT_S = 120.0


class OrderRunner:
    def __init__(self, ctx: Shop, on_done: Callable[[Order | None, str, KamengError | None], None]) -> None:
        self.ctx = ctx
        self._on_done = on_done
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
        try:
            order = await self.ctx.checkout.send(order_no, wait_s=SETTLE_WAIT_S)
        except KamengError as exc:
            error = exc
        except Exception as exc:  # an adapter bug must not kill the app; the ledger keeps the truth
            error = KamengError(Msg("err.internal.tui", kind=type(exc).__name__))
        order = self.ctx.orders.get(order_no) or order
        self._on_done(order, order_no, error)

    async def wait_all(self) -> None:
        """Tests and quitting: let every started order reach its end of run."""
        while any(not t.done() for t in self._tasks.values()):
            await asyncio.gather(*[t for t in self._tasks.values() if not t.done()], return_exceptions=True)

