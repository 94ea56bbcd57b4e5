"""Where an order is, as a value a face renders: its state, the steps it went through
(every one, even fast ones), its reason, its amounts and how many items came. The TUI's
order runner sends one of these with each state change; a change written by another
process is read back into the same value (`read_status`), so the dialog has one way
to draw either."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Iterable, Protocol, Sequence

from kameng_tui.domain.history import Event
from kameng_tui.domain.models import Delivery, Order
from kameng_tui.domain.states import SETTLED, OrderState


@dataclass(frozen=True)
class OrderStatus:
    order: Order
    steps: tuple[OrderState, ...]             # the states it went through, in order, the last = now

    @property
    def order_no(self) -> str:
        return self.order.order_no

    @property
    def state(self) -> OrderState:
        return self.order.state

    @property
    def settled(self) -> bool:
        return self.order.state in SETTLED

    @property
    def reason(self) -> str | None:
        return self.order.reason

    @property
    def total_price(self) -> Decimal:
        return self.order.total_price

    @property
    def charged(self) -> Decimal:
        return self.order.charged

    @property
    def profit(self) -> Decimal:
        return self.order.profit

    @property
    def cards_count(self) -> int:
        """Cards delivered so far (0 for a top-up)."""
        return self.order.delivered_qty if self.order.delivery is Delivery.CARD else 0

    def moved(self, order: Order) -> "OrderStatus":
        """The status after `order` (the same order, later): its state added to the steps."""
        steps = self.steps if self.steps and self.steps[-1] is order.state else (*self.steps, order.state)
        return OrderStatus(order, steps)


def started(order: Order) -> OrderStatus:
    return OrderStatus(order, (order.state,))


def steps_of(events: Iterable[Event]) -> tuple[OrderState, ...]:
    """The states an order's events record, in order, repeats folded."""
    seen: list[OrderState] = [OrderState.PENDING]
    for e in events:
        state = e.body.get("state") if isinstance(e.body, dict) else None
        if state and seen[-1].value != state:
            try:
                seen.append(OrderState(state))
            except ValueError:
                continue
    return tuple(seen)


class OrderReader(Protocol):
    def get(self, order_no: str) -> Order | None: ...
    def events(self, order_no: str) -> Sequence[Event]: ...


def read_status(orders: OrderReader, order_no: str) -> OrderStatus | None:
    """The status as the ledger has it now (blocking: call it from a worker thread)."""
    order = orders.get(order_no)
    if order is None:
        return None
    steps = steps_of(orders.events(order_no))
    if steps[-1] is not order.state:
        steps = (*steps, order.state)
    return OrderStatus(order, steps)
