"""Group commit: state changes asked for together are written in one transaction.

Every `submitted` must be durable before its request leaves, and every reply is
recorded durably, so a batch at concurrency 8 would pay one fsync per change on the
event loop, which then serves no reply while the disk syncs. Here the changes asked
for while a commit is being written wait and go in the next one, and the commit runs
in a worker thread: one fsync per group, and the loop keeps reading replies.
Each caller still resumes only after its own change is durable.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from kameng_tui.domain.clock import Clock
from kameng_tui.domain.models import Order
from kameng_tui.domain.states import check_transition
from kameng_tui.ledger.ports import OrderStore
from kameng_tui.ledger.values import Move


@dataclass
class _Waiting:
    move: Move
    done: asyncio.Future[Order | None] = field(repr=False)


class GroupCommit:
    def __init__(self, ledger: OrderStore, clock: Clock) -> None:
        self.ledger = ledger
        self.clock = clock
        self._queue: list[_Waiting] = []
        self._writer: asyncio.Task[None] | None = None

    def move(self, move: Move) -> asyncio.Future[Order | None]:
        """A future of the order as changed (None: the CAS was lost). The change is
        committed even if the caller stops waiting."""
        check_transition(move.expected, move.new)        # a wrong move fails here, not in the group
        loop = asyncio.get_running_loop()
        waiting = _Waiting(move, loop.create_future())
        self._queue.append(waiting)
        if self._writer is None or self._writer.done():
            self._writer = loop.create_task(self._write_groups())
        return waiting.done

    async def _write_groups(self) -> None:
        while self._queue:
            group, self._queue = self._queue, []
            try:
                orders: list[Order | None] = await asyncio.shield(asyncio.to_thread(
                    self.ledger.transition_many, [w.move for w in group], at=self.clock.now()))
            except BaseException as exc:                 # LedgerBusy, a full disk: each caller sees it
                for w in group:
                    if not w.done.done():
                        w.done.set_exception(exc if isinstance(exc, Exception) else RuntimeError(str(exc)))
                if not isinstance(exc, Exception):
                    raise
                continue
            for w, order in zip(group, orders):
                if not w.done.done():
                    w.done.set_result(order)
