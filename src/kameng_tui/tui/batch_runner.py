"""Batches run in tasks owned by the App, never by the batch screen.

A task sends a batch's pending lines through BatchService (bounded concurrency; it
takes the send lock), then follows the lines the supplier still holds until they settle or
the wait passes; what stays open is left to reconcile, never re-sent under a new
number. `stop` lets lines in flight finish and keeps the unsent ones pending; following
open lines is only asking, so `stop` ends it at once (reconcile carries on later).
"""

from __future__ import annotations

import asyncio
from typing import Callable, Sequence

from textual.message import Message

from kameng_tui.domain.errors import KamengError
from kameng_tui.domain.models import Order
from kameng_tui.messages import Msg
from kameng_tui.domain.states import IN_FLIGHT, OrderState
from kameng_tui.services.shop import Shop
from kameng_tui.tui.batch_messages import BatchLinesChanged

SETTLE_WAIT_S = 120.0


class BatchRunner:
    """`post` receives a BatchLinesChanged on each change (the App passes its
    post_message); `on_change(batch_id, error)` is the same news without the lines."""

    def __init__(self, ctx: Shop, on_change: Callable[[int, KamengError | None], None] | None = None, *,
                 post: Callable[[Message], object] | None = None) -> None:
        self.ctx = ctx
        self._on_change_cb = on_change
        self._post = post
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._stopping: set[int] = set()
        self._following: dict[int, asyncio.Task[None]] = {}
        self.progress: dict[int, tuple[int, int]] = {}      # batch -> (sent, to send)

    @property
    def running(self) -> list[int]:
        return [b for b, t in self._tasks.items() if not t.done()]

    def is_running(self, batch_id: int) -> bool:
        task = self._tasks.get(batch_id)
        return task is not None and not task.done()

    def start(self, batch_id: int, concurrency: int | None = None) -> None:
        if self.is_running(batch_id):
            return
        self._stopping.discard(batch_id)
        n = concurrency or self.ctx.settings_view.checkout.default_concurrency
        self._tasks[batch_id] = asyncio.get_running_loop().create_task(self._run(batch_id, n), name=f"batch:{batch_id}")

    def _on_change(self, batch_id: int, error: KamengError | None, orders: Sequence[Order] = ()) -> None:
        if self._post is not None:
            sent, total = self.progress.get(batch_id, (0, 0))
            self._post(BatchLinesChanged(batch_id, orders, running=self.is_running(batch_id), sent=sent, total=total,
                                         error=error))
        if self._on_change_cb is not None:
            self._on_change_cb(batch_id, error)

    async def _run(self, batch_id: int, concurrency: int) -> None:
        ctx = self.ctx
        error: KamengError | None = None
        lines = await asyncio.to_thread(ctx.orders.batch_orders, batch_id)        # never on the UI thread
        pending = sum(1 for o in lines if o.state is OrderState.PENDING)
        self.progress[batch_id] = (0, pending)

        def progress(done: int, total: int, order: Order) -> None:
            self.progress[batch_id] = (done, total)
            self._on_change(batch_id, None, (order,))

        try:
            outcome = await ctx.batch.send_pending(batch_id, concurrency=concurrency, progress=progress,
                                                   stop=lambda: batch_id in self._stopping)
            for why in outcome.stopped.values():    # a supplier refused our key or clock: say why lines wait
                error = KamengError(why)
            self._on_change(batch_id, None, outcome.orders)
            if batch_id not in self._stopping:
                await self._follow(batch_id, concurrency)
        except KamengError as exc:
            error = exc
        except Exception as exc:  # an adapter bug must not kill the app; the ledger keeps the truth
            error = KamengError(Msg("err.internal.tui", kind=type(exc).__name__))
        self._tasks.pop(batch_id, None)          # not running any more when the last change is told
        self._on_change(batch_id, error)          # the lines were told as they changed

    async def _follow(self, batch_id: int, concurrency: int) -> None:
        """Follow the open lines in a task of its own, which `stop` cancels."""
        task = asyncio.get_running_loop().create_task(self._settle(batch_id, concurrency), name=f"follow:{batch_id}")
        self._following[batch_id] = task
        try:
            await task
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                raise                               # the batch's own task was cancelled
        finally:
            self._following.pop(batch_id, None)

    async def _settle(self, batch_id: int, concurrency: int) -> None:
        """Follow open lines until settled (queries only: nothing is re-sent here)."""
        limit = asyncio.Semaphore(max(1, concurrency))

        async def one(order_no: str) -> None:
            async with limit:
                if batch_id in self._stopping:
                    return
                order = await self.ctx.reconcile.settle(order_no, SETTLE_WAIT_S)
                self._on_change(batch_id, None, (order,))

        lines = await asyncio.to_thread(self.ctx.orders.batch_orders, batch_id)
        open_orders = [o.order_no for o in lines if o.state in IN_FLIGHT]
        await asyncio.gather(*(one(n) for n in open_orders), return_exceptions=True)

    def stop(self, batch_id: int | None = None) -> None:
        """Lines in flight finish; lines not yet sent stay pending; following the open
        lines (queries only) stops now: reconcile settles them later, by number."""
        for b in ([batch_id] if batch_id is not None else list(self._tasks)):
            self._stopping.add(b)
            follow = self._following.get(b)
            if follow is not None:
                follow.cancel()

    async def wait(self, batch_id: int | None = None) -> None:
        tasks = [t for b, t in self._tasks.items() if (batch_id is None or b == batch_id) and not t.done()]
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
