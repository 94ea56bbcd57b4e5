"""A lone pending order, sent or cancelled by an explicit act (issue 14, point 3):
`kameng-tui order resume|cancel ORDER_NO` and the same keys in TUI history.

Resume: a pending order is sent under its own number; one once submitted (refused
after `submitted`) is queried first and sent only when the supplier says it has no such
order; an in-flight order is only queried. Cancel: a pending order never submitted is
cancelled at once; one once submitted only when the supplier answers "not found" and
the adapter's not-found grace has passed (before that it may still appear there).
Both hold the send lock, so no other process sends the order meanwhile.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import timedelta

from kameng_tui.domain.errors import KamengError, NotFound
from kameng_tui.domain.models import Order
from kameng_tui.domain.reasons import Reason
from kameng_tui.domain.states import IN_FLIGHT, SETTLED, OrderState, once_submitted
from kameng_tui.ledger.store import Transition
from kameng_tui.messages import Msg
from kameng_tui.ledger.ports import OrderStore
from kameng_tui.services.supplier_set import SupplierSet
from kameng_tui.services.engine import OrderEngine
from kameng_tui.domain.clock import Clock
from kameng_tui.ledger.ports import SendGate
from kameng_tui.services.reconcile import ReconcileService
from kameng_tui.suppliers.base import RemoteState

S = OrderState


@dataclass(frozen=True)
class Acted:
    """What resume or cancel did. `status`: sent | queried | settled | query_failed |
    not_found_yet | cancelled | in_flight (the supplier holds it, or it was sent)."""

    order: Order
    status: str

    @property
    def done(self) -> bool:
        return self.status in ("sent", "cancelled") or self.order.state in SETTLED


def may_have_left(ledger: object, order: Order) -> bool:
    """A pending order once submitted whose request may have reached the supplier: some
    `submitted` of its chain is not followed, before the next one, by an `unsent` event
    (written when a send was undone before its request left: a stopped batch line, a
    supplier that could not be set up). Only such an order is asked about before it is
    cancelled; one whose every `submitted` was undone unsent is cancelled at once."""
    if not once_submitted(order):
        return False
    open_send = False
    for event in ledger.events(order.order_no):  # type: ignore[attr-defined]  # any store with events(); duck-typed
        if event.kind == "submitted":
            if open_send:
                return True
            open_send = True
        elif event.kind == "unsent":
            open_send = False
    return open_send


class PendingActions:
    def __init__(self, ledger: OrderStore, suppliers: SupplierSet, engine: OrderEngine, reconcile: ReconcileService,
                 send_lock: SendGate, clock: Clock) -> None:
        self.ledger, self.suppliers, self.engine, self.reconcile = ledger, suppliers, engine, reconcile
        self.send_lock, self.clock = send_lock, clock

    def _get(self, order_no: str) -> Order:
        order = self.ledger.get(order_no)
        if order is None:
            raise NotFound(Msg("err.order.none", order_no=order_no), field="order_no")
        return order

    async def resume(self, order_no: str, wait_s: float = 0.0) -> Acted:
        order = self._get(order_no)
        if order.state in SETTLED:
            return Acted(order, "settled")
        if order.state in IN_FLIGHT:
            try:
                after = await self.reconcile.check(order, may_resend=False)
            except KamengError:
                return Acted(self._get(order_no), "query_failed")
            return Acted(await self._wait(after, wait_s), "queried")
        was_submitted = once_submitted(order)
        async with self.send_lock.held():
            after = await self.engine.send(order_no)
        if after.state is S.PENDING:
            # once submitted, and the supplier could not be asked: nothing was sent
            return Acted(after, "query_failed" if was_submitted else "sent")
        found = was_submitted and any(e.kind == "anomaly" and e.body.get("code") == "pending_found"
                                      for e in self.ledger.events(order_no))
        return Acted(await self._wait(after, wait_s), "in_flight" if found else "sent")

    async def _wait(self, order: Order, wait_s: float) -> Order:
        if wait_s <= 0 or order.state not in IN_FLIGHT:
            return order
        return await self.reconcile.settle(order.order_no, wait_s)

    async def cancel(self, order_no: str) -> Acted:
        order = self._get(order_no)
        if order.state in SETTLED:
            return Acted(order, "settled")
        if order.state in IN_FLIGHT:
            return Acted(order, "in_flight")
        async with self.send_lock.held():
            order = self._get(order_no)
            if order.state is not S.PENDING:
                return Acted(order, "settled" if order.state in SETTLED else "in_flight")
            if may_have_left(self.ledger, order):
                status = await self._ask(order)
                if status is not None:
                    return Acted(self._get(order_no), status)
            moved = self.ledger.transition(order_no, S.PENDING, S.CANCELLED,
                                           Transition(reason=Reason("cancelled").body()), at=self.clock.now())
            after = self._get(order_no)
            if not moved:
                return Acted(after, "settled" if after.state in SETTLED else "in_flight")
            return Acted(after, "cancelled")

    async def _ask(self, order: Order) -> str | None:
        """Before cancelling an order once submitted: None when it may be cancelled."""
        return await self.may_cancel(order)

    async def may_cancel(self, order: Order) -> str | None:
        """Before cancelling a pending order once submitted (the caller holds the send lock):
        None when it may be cancelled (the supplier says "not found" and the not-found
        grace has passed); else why not: `query_failed`, `not_found_yet` (nothing
        changed), or `in_flight` / `settled` (found: pending -> unknown with a
        `pending_found` anomaly, then the supplier's state). `batch cancel` asks the same."""
        try:
            supplier = self.suppliers.get(order.supplier)
            grace = supplier.describe().capabilities.not_found_grace_s
            async with asyncio.timeout(self.engine.call_deadline_s):
                result = await supplier.query_order(order.order_no)
        except Exception:  # noqa: BLE001 - unreachable, refused or garbage: no answer, nothing changed
            return "query_failed"
        if result.state is not RemoteState.NOT_FOUND:
            after = self.engine.found_pending(order, result)
            return "settled" if after.state in SETTLED else "in_flight"
        since = order.submitted_at or order.created_at
        if self.clock.now() - since < timedelta(seconds=grace):
            return "not_found_yet"
        return None

    def grace_s(self, order: Order) -> int:
        try:
            return self.suppliers.get(order.supplier).describe().capabilities.not_found_grace_s
        except KamengError:
            return 600
