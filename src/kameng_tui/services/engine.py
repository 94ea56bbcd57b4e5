"""Sending one order and recording what came back: the steps every path shares.

checkout, batch and reconcile all come through here, so the rules of DESIGN.md's
order flow live in one place:
- `submitted` is committed (durably) before the request leaves;
- a definitive refusal -> failed; a rejection before the order was read -> back to
  pending; anything else that goes wrong after the commit -> unknown;
- a re-send (reconcile's not-found rule) is the stored request, byte for byte,
  under the same number; never a new number.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import replace
from decimal import Decimal
from typing import Any, Callable, Mapping, Protocol

from kameng_tui.domain.clock import Clock
from kameng_tui.domain.errors import KamengError, SupplierError
from kameng_tui.domain.models import Order
from kameng_tui.domain.money import money
from kameng_tui.domain.reasons import Reason
from kameng_tui.domain.reply_check import Asked, anomaly_body, check_reply
from kameng_tui.domain.states import OrderState, once_submitted
from kameng_tui.ledger.ports import OrderStore
from kameng_tui.ledger.values import Move, SealedCard, Transition
from kameng_tui.messages import Msg
from kameng_tui.services.command_orders import CommandOrders
from kameng_tui.services.crash import crash_point
from kameng_tui.services.group_commit import GroupCommit
from kameng_tui.suppliers.base import OrderResult, PlaceRequest, RemoteState, Supplier, sanitize_result

log = logging.getLogger(__name__)

S = OrderState


class CardSealer(Protocol):
    """Seals card fields for one order; built from the data key by the composition root
    (kameng_tui.crypto.Sealer)."""

    def seal(self, plain: str, aad: str) -> bytes:
        """(plain, aad) -> blob"""
        ...


class OrderEngine:
    def __init__(
        self,
        ledger: OrderStore,
        supplier_for: Callable[[str], Supplier],
        clock: Clock,
        sealer: Callable[[], CardSealer | None],
        call_deadline_s: float = 30.0,
        orders: CommandOrders | None = None,
    ) -> None:
        self.ledger = ledger
        self.supplier_for = supplier_for
        self.clock = clock
        self.sealer = sealer
        self.call_deadline_s = call_deadline_s
        self.sending: set[str] = set()
        """Orders this process is sending right now; reconcile leaves them alone."""
        self.commits = GroupCommit(ledger, clock)
        self.orders = orders if orders is not None else CommandOrders()
        """Every order this engine submits or re-sends, noted before the write (a failure
        half-way names them: services/command_orders.py)."""

    # --- sending -------------------------------------------------------------------
    async def send(self, order_no: str, *, resend_from: OrderState | None = None,
                   on_move: Callable[[Order], None] | None = None) -> Order:
        """Send a pending order (or, with resend_from, re-send an in-flight one): `submit`
        then `place`. The caller holds the send lock. Returns the order as recorded afterwards.
        `on_move(order)`: told once `submitted` is committed, before the request leaves
        (a face shows each step; the answer's state is the return value)."""
        if resend_from is None:
            order = self._get(order_no)
            if once_submitted(order):
                # Refused after `submitted` once: the supplier may hold it after all. Ask
                # first; send the stored request only when it says it has no such order.
                order, known = await self.ask_first(order)
                if not known or order.state is not S.PENDING:
                    return order
            submitted = await self.submit(order)
            if submitted is None:
                return self._get(order_no)
            if on_move is not None:
                on_move(submitted)
            return await self.place(submitted)
        self.orders.touch(order_no)
        self.ledger.record(order_no, "resend", {"state": resend_from.value}, at=self.clock.now())
        order = self._get(order_no)
        self.sending.add(order_no)
        return await self.place(order, resend_from)

    async def submit(self, order: Order) -> Order | None:
        """Commit pending -> submitted, the step before the request may leave; None if
        the order is not pending (someone else sent it: the CAS decides). The order
        counts as being sent by this process from here: `place` it, or `unsubmit` it."""
        if order.state is not S.PENDING:
            return None
        self.orders.touch(order.order_no)
        committing = self.commits.move(Move(order.order_no, S.PENDING, S.SUBMITTED))
        try:
            submitted = await asyncio.shield(committing)
        except asyncio.CancelledError:
            # Stopped before the request left: once `submitted` is written, put it
            # back to pending (never sent), so no one has to wonder about it.
            committing.add_done_callback(self._unsend)
            raise
        if submitted is not None:
            self.sending.add(order.order_no)
            crash_point("after-submitted")
        return submitted

    def unsubmit(self, order: Order) -> None:
        """A submitted order whose request never left goes back to pending."""
        try:
            if self.ledger.transition(order.order_no, S.SUBMITTED, S.PENDING,
                                      Transition(reason=Reason("cancelled_before_send").body()), at=self.clock.now()):
                self.never_left(order.order_no, "stopped")
        finally:
            self.sending.discard(order.order_no)

    def never_left(self, order_no: str, why: str) -> None:
        """Evidence that the request of the `submitted` just undone never left this
        machine (an `unsent` event): unlike a refusal after sending, the supplier cannot
        hold it, so `batch cancel` / `order cancel` need not ask (services/pending.py
        `may_have_left`). A crash before this event only makes them ask."""
        self.ledger.record(order_no, "unsent", {"why": why}, at=self.clock.now())

    async def place(self, order: Order, expected: OrderState = S.SUBMITTED,
                    answered: Callable[[], None] | None = None) -> Order:
        """Send a submitted order's stored request and record the answer.

        `answered`: called once the supplier has answered (or the call ended), before
        the answer is recorded: a batch frees the line's concurrency slot there, so
        the next line's `submitted` can share that commit.
        """
        try:
            return await self._place(order, expected, answered)
        finally:
            self.sending.discard(order.order_no)

    def _unsend(self, committing: asyncio.Future[Order | None]) -> None:
        if committing.cancelled() or committing.exception() is not None:
            return
        submitted = committing.result()
        if submitted is not None:
            self.unsubmit(submitted)

    async def _place(self, order: Order, expected: OrderState, answered: Callable[[], None] | None = None) -> Order:
        request = PlaceRequest.from_json(order.request_json)
        log.debug("sending %s (%s x%d) to %s", order.order_no, order.sku, order.quantity, order.supplier)
        try:
            supplier = self.supplier_for(order.supplier)
        except Exception as exc:
            # Nothing left this machine: the order may wait, unsent, for a resume.
            if expected is S.SUBMITTED and self.ledger.transition(
                    order.order_no, S.SUBMITTED, S.PENDING, Transition(reason=Reason("supplier_not_ready", {
                        "supplier": order.supplier, "error": exc.code if isinstance(exc, KamengError)
                        else type(exc).__name__}).body()), at=self.clock.now()):
                self.never_left(order.order_no, "supplier_unavailable")
            return self._get(order.order_no)
        try:
            async with asyncio.timeout(self.call_deadline_s):
                try:
                    result = await supplier.place_order(request)
                finally:
                    if answered is not None:
                        answered()
        except SupplierError as exc:
            crash_point("after-reply")
            return await self._refused(order, expected, exc)
        except (TimeoutError, asyncio.TimeoutError):
            crash_point("after-reply")
            return await self._to_unknown(order, expected, Reason("no_reply", {"seconds": round(self.call_deadline_s)}))
        except asyncio.CancelledError:
            # The task was cancelled after the request may have left: the order is in
            # doubt, never lost. Record it now, not in a group that may never be
            # written if the loop is closing, before letting the cancellation through.
            if expected is S.SUBMITTED:
                self.ledger.transition(order.order_no, S.SUBMITTED, S.UNKNOWN,
                                       Transition(reason=Reason("cancelled_waiting").body()), at=self.clock.now())
            raise
        except Exception as exc:  # an adapter bug must not lose the order
            log.exception("supplier %s crashed on place_order", order.supplier)
            crash_point("after-reply")
            return await self._to_unknown(order, expected, Reason("adapter_error", {"error": type(exc).__name__}))
        crash_point("after-reply")
        log.debug("order %s -> %s: %r", order.order_no, order.supplier, result)
        result = self.checked(order, result)
        step = self.outcome(order, expected, result)
        if step is None:
            return order
        return await self._commit(order, expected, *step)

    async def _refused(self, order: Order, expected: OrderState, exc: SupplierError) -> Order:
        # data, not the error's text: shown in the reader's language; the supplier's own
        # words (cleaned by Reason.body: the adapter may not have) ride along
        reason = Reason.of_refusal(exc.code, order.supplier, exc.msg, exc.supplier_text())
        if exc.upstream_code is not None:      # the upstream's own code: what failover's declaration reads
            reason = replace(reason, params={**reason.params, "upstream_code": exc.upstream_code})
        if exc.final:
            return await self._commit(order, expected, S.FAILED,
                                      Transition(charged=Decimal("0"), reason=reason.body()))
        if exc.nothing_created and expected is S.SUBMITTED:
            return await self._commit(order, S.SUBMITTED, S.PENDING, Transition(reason=reason.body()))
        return await self._to_unknown(order, expected, reason)

    async def _to_unknown(self, order: Order, expected: OrderState, reason: Reason) -> Order:
        if expected is not S.SUBMITTED:
            return self._get(order.order_no)
        return await self._commit(order, S.SUBMITTED, S.UNKNOWN, Transition(reason=reason.body()))

    async def _commit(self, order: Order, expected: OrderState, new: OrderState, change: Transition) -> Order:
        moved = await self.commits.move(Move(order.order_no, expected, new, change))
        if moved is None:
            self._lost(order, new)
            return self._get(order.order_no)
        return moved

    # --- recording results ------------------------------------------------------------
    def apply(self, order: Order, expected: OrderState, result: OrderResult) -> Order:
        """Record the supplier's view of an order (from a create reply, a query or a webhook)."""
        result = self.checked(order, result)
        step = self.outcome(order, expected, result)
        if step is not None:
            new, change = step
            if not self.ledger.transition(order.order_no, expected, new, change, at=self.clock.now()):
                self._lost(order, new)
        return self._get(order.order_no)

    def outcome(self, order: Order, expected: OrderState, result: OrderResult) -> tuple[OrderState, Transition] | None:
        """The state change the supplier's view calls for (None: nothing to record);
        `result` as `checked` returned it: cleaned, checked, cards within the quantity."""
        charged = None if result.charged is None else money(result.charged)
        if result.state is RemoteState.SUCCEEDED:
            cards = self._seal_cards(order, result)
            change = Transition(
                charged=charged if charged is not None else order.total_cost,
                refunded=money(result.refunded) if result.refunded else None,
                supplier_order_no=result.supplier_order_no,
                # as said; 0 on success is a short delivery (an anomaly, and a claim)
                delivered_qty=result.delivered_qty or len(cards),
                cards=cards,
                reason=None if charged is not None else Reason("charged_not_stated").body(),
            )
            return S.SUCCEEDED, change
        if result.state is RemoteState.FAILED:
            change = Transition(
                charged=charged if charged is not None else Decimal("0"),
                refunded=money(result.refunded) if result.refunded else None,
                supplier_order_no=result.supplier_order_no,
                reason=Reason("supplier_failed", {"supplier": order.supplier}, result.reason).body(),
            )
            return S.FAILED, change
        if result.state is RemoteState.PROCESSING and expected is not S.PROCESSING:
            return S.PROCESSING, Transition(charged=charged, supplier_order_no=result.supplier_order_no)
        return None

    def _lost(self, order: Order, new: OrderState) -> None:
        """A lost CAS: someone else moved the order first (a webhook, another process)."""
        current = self._get(order.order_no)
        final = (S.SUCCEEDED, S.FAILED)
        if current.state is not new and current.state in final and new in final:
            # A different final state after a final one: evidence, never an overwrite.
            # (`processing` or a lost reply after a final state is older news, not a contradiction.)
            self.note_anomaly(order.order_no, "final_contradicted", {"recorded": current.state.value, "said": new.value})

    # --- what the supplier says, checked (issue 14) ------------------------------------
    def checked(self, order: Order, result: OrderResult) -> OrderResult:
        """Check the supplier's view against what we asked; record each violation as an
        `anomaly` event (the order becomes a claim). The view is recorded as said, except
        that cards beyond the quantity are not kept (the anomaly says how many came)."""
        result = sanitize_result(result)                  # the anomaly quotes the supplier's cleaned words
        for v in check_reply(Asked.from_order(order), result):
            log.warning("order %s: supplier %s says something we did not ask for: %s", order.order_no,
                        order.supplier, v.code)
            self.note_anomaly(order.order_no, v.code, v.params, result.reason)
        if len(result.cards) > order.quantity:
            result = replace(result, cards=result.cards[:order.quantity],
                             altered_cards=tuple(a for a in result.altered_cards if a[0] < order.quantity))
        return result

    def note_anomaly(self, order_no: str | None, code: str, params: Mapping[str, Any], supplier_text: str | None = None) -> bool:
        """Append an `anomaly` event unless the order already has the same one (the same
        lie, queried again, is one piece of evidence). True when it was recorded."""
        body = anomaly_body(code, params, supplier_text)
        if order_no is not None:
            for e in self.ledger.events(order_no):
                if e.kind == "anomaly" and isinstance(e.body, dict) and e.body.get("code") == code \
                        and e.body.get("params") == body["params"]:
                    return False
        self.ledger.record(order_no, "anomaly", body, at=self.clock.now())
        return True

    async def ask_first(self, order: Order) -> tuple[Order, bool]:
        """A pending order once submitted: does the supplier hold it? (order after, whether
        the supplier answered). Found: pending -> unknown with an anomaly, then its state
        is applied. Not found: unchanged, and the caller may send it."""
        try:
            supplier = self.supplier_for(order.supplier)
            async with asyncio.timeout(self.call_deadline_s):
                result = await supplier.query_order(order.order_no)
        except (KamengError, TimeoutError, asyncio.TimeoutError) as exc:
            log.info("query %s before resending it failed: %s", order.order_no, type(exc).__name__)
            return self._get(order.order_no), False
        except Exception as exc:  # an adapter bug or garbage: no answer, nothing sent
            log.warning("query %s before resending it failed: %s", order.order_no, type(exc).__name__)
            return self._get(order.order_no), False
        if result.state is RemoteState.NOT_FOUND:
            return self._get(order.order_no), True
        return self.found_pending(order, result), True

    def found_pending(self, order: Order, result: OrderResult) -> Order:
        """The supplier holds an order the ledger has as pending (refused after `submitted`,
        yet created): evidence first, then pending -> unknown, then the supplier's state."""
        self.note_anomaly(order.order_no, "pending_found", {"state": result.state.value}, result.reason)
        moved = self.ledger.transition(order.order_no, S.PENDING, S.UNKNOWN,
                                       Transition(supplier_order_no=result.supplier_order_no), at=self.clock.now())
        current = self._get(order.order_no)
        if not moved:
            return current
        return self.apply(current, S.UNKNOWN, result)

    def _seal_cards(self, order: Order, result: OrderResult) -> tuple[SealedCard, ...]:
        if not result.cards:
            return ()
        self._flag_altered_cards(order, result)
        sealer = self.sealer()
        if sealer is None:
            # Checkout refuses 卡密 orders without a data key before the intent; if a
            # key vanished since, keep the order in doubt rather than drop its cards.
            raise RuntimeError("card secrets arrived but no data key is available")
        sealed = []
        for i, card in enumerate(result.cards):
            sealed.append(SealedCard(
                index=i,
                number_blob=sealer.seal(card.number, f"{order.order_no}:card{i}.number"),
                password_blob=sealer.seal(card.password.reveal(), f"{order.order_no}:card{i}.password"),
                expires=card.expires,
            ))
        return tuple(sealed)

    def _flag_altered_cards(self, order: Order, result: OrderResult) -> None:
        """A card field cleaned of control characters or cut is stored as cleaned, and
        flagged: which card, which field; never its value (it may be the secret)."""
        code = "card_field_altered"
        for index, field in result.altered_cards:
            params = {"index": index, "field": field}
            self.note_anomaly(order.order_no, code, params)
            log.warning("order %s: %s", order.order_no, Msg(f"anomaly.{code}", **params).text("en"))

    def _get(self, order_no: str) -> Order:
        order = self.ledger.get(order_no)
        if order is None:
            raise KeyError(order_no)
        return order
