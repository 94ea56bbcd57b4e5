"""Settle orders in doubt by asking the supplier, by client order number.

`submitted`, `unknown` and `processing` orders are queried; never re-sent under a
new number. "Not found": where the adapter declares `idempotent_create`, the
stored request is re-sent byte for byte under the same number; otherwise the order
stays `unknown` and, after the adapter's grace time, is listed as a claim needing
a manual check. Pending orders are never sent: they wait for an explicit resume. A
pending order once submitted (refused after `submitted`) is queried: found at the
supplier, it moves pending -> unknown with an anomaly, then takes the supplier's state.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable, Protocol

from kameng_tui.domain.errors import AnchorMismatch, KamengError
from kameng_tui.domain.models import Order
from kameng_tui.domain.reasons import Reason
from kameng_tui.domain.states import IN_FLIGHT, SETTLED, OrderState, once_submitted
from kameng_tui.ledger.store import Transition
from kameng_tui.messages import Localized, Msg
from kameng_tui.ledger.ports import MetaStore, OrderStore
from kameng_tui.services.supplier_set import SupplierSet
from kameng_tui.services.engine import OrderEngine
from kameng_tui.domain.clock import Clock
from kameng_tui.services.config_cell import ConfigCell, ReadsConfig
from kameng_tui.ledger.ports import SendGate
from kameng_tui.suppliers.base import OrderResult, RemoteState, sanitize_result
from kameng_tui.suppliers.factory import ListsOrders

log = logging.getLogger(__name__)
S = OrderState

BACKOFF_S = (0.2, 0.5, 1.0, 2.0, 5.0)


class ReconcileLedger(OrderStore, MetaStore, Protocol):
    """The open orders and their transitions, and the anchor that may refuse every write."""


@dataclass
class ReconcileReport:
    checked: int = 0
    settled: list[str] = field(default_factory=list)
    still_open: list[str] = field(default_factory=list)
    resent: list[str] = field(default_factory=list)
    claims: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)      # being sent by a live process
    errors: dict[str, Localized] = field(default_factory=dict)  # supplier -> message


class ReconcileService(ReadsConfig):
    def __init__(self, ledger: ReconcileLedger, suppliers: SupplierSet, engine: OrderEngine, send_lock: SendGate,
                 clock: Clock, config: ConfigCell) -> None:
        self.ledger, self.suppliers, self.engine, self.send_lock = ledger, suppliers, engine, send_lock
        self.clock, self._config = clock, config

    async def diff(self, supplier_name: str, since: datetime) -> DiffReport:
        """`reconcile --diff`: see the module function `diff`."""
        return await diff(self.ledger, self.suppliers, supplier_name, since)

    async def run(self, supplier: str | None = None) -> ReconcileReport:
        """Query every in-flight order once (per supplier concurrently). Refused up front
        (AnchorMismatch, exit 4) while the ledger refuses chained writes: nothing it
        learnt could be recorded, and a cron job should say so, not report all quiet."""
        refused = self.ledger.anchor_problem()
        if refused is not None:
            raise refused
        report = ReconcileReport()
        orders = self.ledger.in_state(sorted(IN_FLIGHT, key=str), supplier)
        orders += [o for o in self.ledger.in_state([S.PENDING], supplier) if once_submitted(o)]
        # Only a process that can take the send lock knows no one else is mid-send: this
        # one's own here, and per order its sender's (`try_held_for`, in `one` below).
        with self.send_lock.try_held() as own_free:
            by_supplier: dict[str, list[Order]] = {}
            for order in orders:
                by_supplier.setdefault(order.supplier, []).append(order)
            await asyncio.gather(*(
                self._run_supplier(name, group, report, own_free) for name, group in by_supplier.items()
            ))
        return report

    def _sender(self, order: Order) -> str | None:
        """The terminal its last `submitted` event names (a team ledger's; None on SQLite)."""
        event = self.ledger.last_event(order.order_no, "submitted")
        sender = None if event is None else event.body.get("terminal")
        return sender if isinstance(sender, str) and sender else None

    async def _run_supplier(self, name: str, orders: list[Order], report: ReconcileReport, own_free: bool) -> None:
        try:
            self.suppliers.get(name)
        except KamengError as exc:
            report.errors[name] = exc.msg
            report.still_open.extend(o.order_no for o in orders)
            return
        limit = asyncio.Semaphore(max(1, self.suppliers.get(name).describe().capabilities.max_concurrency))

        async def one(order: Order) -> None:
            async with limit:
                sender = self._sender(order)
                with self.send_lock.try_held_for(sender) as sender_gone:
                    if self._in_someone_elses_hands(order, sender, sender_gone):
                        report.skipped.append(order.order_no)
                        return
                    await checked(order, may_resend=sender_gone and own_free)

        async def checked(order: Order, may_resend: bool) -> None:
            report.checked += 1
            try:
                after = await self.check(order, may_resend=may_resend, report=report)
            except AnchorMismatch:
                raise                         # not one supplier's trouble: the whole run stops
            except KamengError as exc:
                report.errors[name] = exc.msg
                report.still_open.append(order.order_no)
                return
            if after.state in SETTLED:
                report.settled.append(after.order_no)
            else:
                report.still_open.append(after.order_no)
                if self.is_claim(after):
                    report.claims.append(after.order_no)

        await asyncio.gather(*(one(o) for o in orders))

    def _in_someone_elses_hands(self, order: Order, sender: str | None, sender_gone: bool) -> bool:
        """Being sent here, or its sender may still be mid-send: a submitted order always
        waits for that; on a team ledger (a named sender) an unknown or processing one too,
        so a live terminal's orders are only ever settled by that terminal."""
        if order.order_no in self.engine.sending:
            return True
        if sender_gone:
            return False
        return order.state is S.SUBMITTED or (sender is not None and order.state in IN_FLIGHT)

    async def check(self, order: Order, *, may_resend: bool = True, report: ReconcileReport | None = None) -> Order:
        """Query one order and record what the supplier says."""
        supplier = self.suppliers.get(order.supplier)
        caps = supplier.describe().capabilities
        try:
            async with asyncio.timeout(self.engine.call_deadline_s):
                result = await supplier.query_order(order.order_no)
        except KamengError:
            raise
        except (TimeoutError, asyncio.TimeoutError):
            log.info("query %s timed out", order.order_no)
            return order
        except Exception as exc:  # garbage from upstream: the order simply stays in doubt
            log.warning("query %s failed: %s", order.order_no, type(exc).__name__)
            return order
        if order.state is S.PENDING:
            # Never sent from here: not found leaves it for an explicit resume or cancel.
            if result.state is RemoteState.NOT_FOUND or not once_submitted(order):
                return order
            return self.engine.found_pending(order, result)
        if result.state is RemoteState.NOT_FOUND:
            return await self._not_found(order, caps.idempotent_create and may_resend, report)
        return self.engine.apply(order, order.state, result)

    async def _not_found(self, order: Order, resend: bool, report: ReconcileReport | None) -> Order:
        if order.state is S.PROCESSING:
            # The supplier held it and now says it never did: evidence for a claim.
            self.engine.note_anomaly(order.order_no, "processing_not_found", {})
            return order
        if resend:
            async with self.send_lock.held():
                after = await self.engine.send(order.order_no, resend_from=order.state)
            if report is not None:
                report.resent.append(order.order_no)
            return after
        if order.state is S.SUBMITTED:
            self.ledger.transition(order.order_no, S.SUBMITTED, S.UNKNOWN,
                                   Transition(reason=Reason("not_found_at_supplier").body()), at=self.clock.now())
        return self.ledger.get(order.order_no) or order

    def is_claim(self, order: Order) -> bool:
        """Unknown past the adapter's not-found grace, or pending once submitted past
        `[checkout] pending_claim_after_s`: a human should check it."""
        if once_submitted(order):
            since = order.submitted_at or order.created_at
            after = self.config.checkout.pending_claim_after_s
            return self.clock.now() - since > timedelta(seconds=after)
        if order.state is not S.UNKNOWN:
            return False
        try:
            grace = self.suppliers.get(order.supplier).describe().capabilities.not_found_grace_s
        except KamengError:
            grace = 600
        since = order.submitted_at or order.created_at
        return self.clock.now() - since > timedelta(seconds=grace)

    async def settle(self, order_no: str, wait_s: float, on_move: Callable[[Order], None] | None = None) -> Order:
        """Poll one order with backoff until it is settled or wait_s has passed;
        `on_move(order)` is told each state it reaches."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait_s
        order = self.ledger.get(order_no)
        assert order is not None
        step = 0
        while order.state not in SETTLED and order.state is not S.PENDING:
            left = deadline - loop.time()
            if left <= 0:
                break
            await asyncio.sleep(min(BACKOFF_S[min(step, len(BACKOFF_S) - 1)], left))
            step += 1
            before = order.state
            try:
                order = await self.check(order, may_resend=False)
            except KamengError:
                pass
            order = self.ledger.get(order_no) or order
            if on_move is not None and order.state is not before:
                on_move(order)
        return order

    async def settle_all(self, order_nos: list[str], wait_s: float, concurrency: int = 8) -> None:
        """`settle` for several orders (a batch's lines still at the supplier, `batch run
        --wait`), a few queried at a time, all within one deadline. Only queries: an order
        is never sent again from here."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + wait_s
        gate = asyncio.Semaphore(max(1, concurrency))

        async def one(order_no: str) -> None:
            async with gate:
                left = deadline - loop.time()
                if left > 0:
                    await self.settle(order_no, left)

        await asyncio.gather(*(one(n) for n in order_nos))


@dataclass
class DiffReport:
    supplier_only: list[OrderResult] = field(default_factory=list)    # OrderResult: the supplier has it, the ledger lacks it
    ledger_only: list[Order] = field(default_factory=list)  # sent (as far as we know) but unknown to the supplier
    mismatched: list[tuple[Order, OrderResult]] = field(default_factory=list)       # (Order, OrderResult): final state or charged differ
    matched: int = 0


async def diff(ledger: OrderStore, suppliers: SupplierSet, supplier_name: str, since: datetime | None) -> DiffReport:
    """Orders the supplier has and the ledger lacks, and the reverse, since `since` (UTC datetime)."""
    from kameng_tui.domain.errors import BadInput

    supplier = suppliers.get(supplier_name)
    if not isinstance(supplier, ListsOrders):
        raise BadInput(Msg("err.reconcile.no_list", supplier=supplier_name), field="supplier")
    theirs: dict[str, OrderResult] = {}
    cursor = None
    for _ in range(10_000):
        page, cursor = await supplier.list_orders(created_from=since.timestamp() if since is not None else 0.0, after=cursor)
        for r in map(sanitize_result, page):                     # supplier text is untrusted
            theirs[r.client_order_no] = r
        if not cursor:
            break
    report = DiffReport()
    sent_states = [s for s in OrderState if s not in (S.PENDING, S.CANCELLED)]
    mine = {o.order_no: o for o in ledger.find(sent_states, since) if o.supplier == supplier_name}
    for no, r in theirs.items():
        o = mine.get(no) or ledger.get(no)
        if o is None:
            report.supplier_only.append(r)
            continue
        if o.state in (S.PENDING, S.CANCELLED) and o.supplier == supplier_name:
            report.mismatched.append((o, r))        # the supplier has it, the ledger says never sent
            continue
        if o.state in SETTLED and r.state.value in ("succeeded", "failed") and (
                o.state.value != r.state.value and o.state is not S.REFUNDED
                or r.charged is not None and o.charged - o.refunded != r.charged - r.refunded):
            report.mismatched.append((o, r))
        else:
            report.matched += 1
    for no, o in mine.items():
        if no not in theirs and not (o.state is S.FAILED and o.charged == 0):
            report.ledger_only.append(o)
    return report
