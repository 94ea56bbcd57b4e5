"""Orders run in tasks owned by the App, never by a modal.

A checkout modal records the intent (services/checkout_flow.py) and hands the order
number here; closing the modal, switching screens or starting another order never
cancels a send. Each task sends under the order's own number and then follows it until
settled or the wait passes; what is still open after that is left to reconcile (never
re-sent).

Each state the order reaches is posted to the App as an `OrderChanged` message carrying
an `OrderStatus` (services/order_progress.py); the App hands it to the screens that
follow that order. Nothing polls the ledger for it.

An order the offer policy chose that failed with nothing created is followed by the
next offer here, by the service the CLI's checkout uses (services/failover.py
`follow_placed`): each new attempt is posted as `OrderFailedOver`, and a next offer
above `[checkout] max_price_rise` as `FailoverStopped` (the App asks again; a yes comes
back as `go_on` with the cost said yes to).
"""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import TYPE_CHECKING, Callable

from textual.message import Message

from kameng_tui.domain.errors import KamengError
from kameng_tui.domain.models import Order
from kameng_tui.domain.offer_choice import Choice
from kameng_tui.messages import Msg
from kameng_tui.domain.states import OrderState
from kameng_tui.services.order_input import OrderInput
from kameng_tui.services.order_progress import OrderStatus
from kameng_tui.services.shop import Shop

if TYPE_CHECKING:  # pragma: no cover
    from typing import Coroutine

SETTLE_WAIT_S = 120.0


class OrderChanged(Message, bubble=False):
    """An order reached a new state (this process sent it, or another process wrote it).
    It does not bubble: the App hands it down to the screens that follow the order."""

    def __init__(self, status: OrderStatus) -> None:
        super().__init__()
        self.status = status


class OrderFailedOver(Message, bubble=False):
    """`left` failed with nothing created; `made` is the next offer's order (attempt_of
    `left`, the same ref), about to be sent. The screens following `left` follow `made`."""

    def __init__(self, left: Order, made: Order) -> None:
        super().__init__()
        self.left, self.made = left, made


class FailoverStopped(Message, bubble=False):
    """`order` failed with nothing created and the re-pick took no offer: `choice.over_cap`
    names one above the confirmed cost (`confirmed`) + max_price_rise (the App asks), or
    none is eligible. `inp`: the checkout's input, for the yes."""

    def __init__(self, order: Order, choice: Choice, confirmed: Decimal, inp: OrderInput | None) -> None:
        super().__init__()
        self.order, self.choice, self.confirmed, self.inp = order, choice, confirmed, inp


class OrderRunner:
    def __init__(self, ctx: Shop, on_done: Callable[[Order | None, str, KamengError | None], None],
                 post: Callable[[Message], object] = lambda message: None) -> None:
        self.ctx = ctx
        self._on_done = on_done
        self._post = post
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._attempts: dict[str, str] = {}
        """An attempt the runner failed over to -> the order its task was started for."""

    @property
    def in_flight(self) -> int:
        return sum(1 for t in self._tasks.values() if not t.done())

    def running(self, order_no: str) -> bool:
        """This runner still follows `order_no`, or the attempt it failed over to (it will
        say what becomes of it)."""
        task = self._tasks.get(self._attempts.get(order_no, order_no))
        return task is not None and not task.done()

    def start(self, order_no: str, inp: OrderInput | None = None) -> None:
        """Send the recorded order `order_no`; `inp`: the checkout's input, the next offer's
        account fields when it fails over (else they are read from the order)."""
        self._start(order_no, self._run(order_no, inp, send=True))

    def go_on(self, order: Order, inp: OrderInput | None, confirmed_cost: Decimal) -> None:
        """The person said yes to a next offer at `confirmed_cost`: follow `order` (failed,
        nothing created) with it, as an attempt of its chain."""
        self._start(order.order_no, self._run(order.order_no, inp, send=False, confirmed_cost=confirmed_cost))

    def _start(self, order_no: str, run: "Coroutine[object, object, None]") -> None:
        if order_no in self._tasks and not self._tasks[order_no].done():
            run.close()
            return
        self._tasks[order_no] = asyncio.get_running_loop().create_task(run, name=f"order:{order_no}")

    async def _run(self, order_no: str, inp: OrderInput | None, *, send: bool,
                   confirmed_cost: Decimal | None = None) -> None:
        order: Order | None = None
        error: KamengError | None = None
        shown: dict[str, OrderStatus] = {}

        def moved(now: Order) -> None:
            before = shown.get(now.order_no)
            status = (before if before is not None else OrderStatus(now, (OrderState.PENDING,))).moved(now)
            if status != before:
                shown[now.order_no] = status
                self._post(OrderChanged(status))

        try:
            if send:
                order = await self.ctx.checkout.send(order_no, wait_s=SETTLE_WAIT_S, on_move=moved)
        except KamengError as exc:
            error = exc
        except Exception as exc:  # an adapter bug must not kill the app; the ledger keeps the truth
            error = KamengError(Msg("err.internal.tui", kind=type(exc).__name__))
        order = await asyncio.to_thread(self.ctx.orders.get, order_no) or order     # never on the UI thread
        if order is not None:
            if send:
                moved(order)
            if error is None:
                order, error = await self._follow(order, inp, confirmed_cost, moved)
        self._on_done(order, order_no if order is None else order.order_no, error)

    async def _follow(self, order: Order, inp: OrderInput | None, confirmed_cost: Decimal | None,
                      moved: Callable[[Order], None]) -> tuple[Order, KamengError | None]:
        """The next offer after a failure with nothing created, as the CLI's checkout does."""
        failover = self.ctx.checkout.failover

        def attempted(left: Order, made: Order) -> None:
            self._attempts[made.order_no] = self._attempts.get(left.order_no, left.order_no)
            self._post(OrderFailedOver(left, made))

        try:
            chain = await failover.follow_placed(order, inp, SETTLE_WAIT_S, confirmed_cost=confirmed_cost,
                                                 on_move=moved, on_attempt=attempted)
        except KamengError as exc:
            return order, exc
        except Exception as exc:  # as above: the placed orders stand as the ledger has them
            return order, KamengError(Msg("err.internal.tui", kind=type(exc).__name__))
        if chain.stopped is not None:
            first = chain.orders[0]
            confirmed = confirmed_cost if confirmed_cost is not None else (
                await asyncio.to_thread(failover.chain_of, first))[0].unit_cost
            self._post(FailoverStopped(chain.latest, chain.stopped, confirmed, inp))
        return chain.latest, None

    async def wait_all(self) -> None:
        """Tests and quitting: let every started order reach its end of run."""
        while any(not t.done() for t in self._tasks.values()):
            await asyncio.gather(*[t for t in self._tasks.values() if not t.done()], return_exceptions=True)
