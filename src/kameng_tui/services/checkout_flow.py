"""One order, one use case, for both faces: the CLI's `order` and the TUI's checkout call
`CheckoutFlow.place` and get a typed outcome back; only the presentation differs.

The sequence (DESIGN.md "The order, end to end"), once, here:
1. the shop ref first: same ref, same order (followed, a pending one sent: the same ref
   again is the explicit act); same ref with other values, RefConflict;
2. validate and re-quote (`CheckoutService.prepare`; through the offer policy when a
   picker is set: services/offer_checkout.py): a refusal is raised, typed; a
   cost risen past what the person saw, or a price below cost without `allow_loss`,
   comes back as a question (NeedsConfirmation);
3. a number of another carrier than the product's, not yet answered: a question;
4. the repeat window (an early answer, read with the balance check in one trip off the
   loop; the store decides again in the intent's transaction): a question, unless `again`;
5. the face's last word (`confirm`, the CLI's prompt), then the intent, committed
   before anything is sent; then the send, by the face's `handoff` when it owns the
   sending task (the TUI's App-owned runner), else here, waiting up to `wait_s`;
6. with the product's ranked `offers` (issue 18; found here when the policy chose the
   offer and nothing pinned it), an order that failed with nothing created is followed
   by the next offer (services/failover.py): `Placed.attempts`.

A question is never an error inside: each face answers it its own way (the TUI with a
second Enter, the CLI with `--yes`, `--again`, `--allow-loss` or its prompt) and calls
again with the answer in the input (`again`, `allow_loss`, `seen_unit_cost`) or in
`carrier_ok`. Nothing is recorded before a question is answered.

The ledger is read in a worker thread (`asyncio.to_thread`), never on the caller's
event loop: in the TUI that loop draws the screen.
"""

from __future__ import annotations

import asyncio
import dataclasses
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum
from typing import Any, Callable, Mapping, Protocol, Union

from kameng_tui.domain.accounts import CarrierMismatch
from kameng_tui.domain.errors import (Declined, KamengError, NotFound, PriceBelowCost, PriceRose, RefExists)
from kameng_tui.domain.failover_errors import FailoverPricier
from kameng_tui.domain.models import Order
from kameng_tui.domain.offer_choice import Choice
from kameng_tui.domain.offer_record import policy_chose
from kameng_tui.domain.states import OrderState
from kameng_tui.messages import Localized, Msg

from kameng_tui.services.failover import Failover, Offers
from kameng_tui.services.offer_checkout import prepare_chosen
from kameng_tui.services.offer_pick import OfferPicker
from kameng_tui.services.order_input import OrderInput, Prepared


class CheckoutSteps(Protocol):
    """The steps the use case sequences (services/checkout.py CheckoutService)."""

    @property
    def ledger(self) -> Any: ...
    @property
    def config(self) -> Any: ...
    @property
    def picker(self) -> OfferPicker | None: ...
    async def order_for_ref(self, inp: OrderInput) -> Order | None: ...
    async def prepare(self, inp: OrderInput, *, early_repeat: bool = False) -> Prepared: ...
    def check_repeat(self, inp: OrderInput, sku: str, account: str, fields: Mapping[str, str] | None = None) -> None: ...
    def account_view(self, p: Prepared) -> dict[str, str]: ...
    def commit_intent(self, prepared: Prepared) -> str: ...
    async def send(self, order_no: str, wait_s: float = 0.0) -> Order: ...
    async def wait(self, order: Order, wait_s: float) -> Order: ...
    @property
    def failover(self) -> Failover: ...


class Ask(Enum):
    """What an order needs a yes to before anything is recorded."""

    PRICE_ROSE = "price_rose"       # the fresh cost is above what the person saw
    LOSS = "loss"                   # an explicit price below cost
    CARRIER = "carrier"             # a number of another carrier (携号转网: maybe right)
    REPEAT = "repeat"               # the same SKU for the same account within the window


@dataclass(frozen=True)
class NeedsConfirmation:
    """Nothing recorded: the face asks, then calls again with the answer.

    `refusal` is the question as an error, for a face that answers with a flag (the
    CLI raises it: its words name `--again`, `--allow-loss`); None for the carrier,
    which the CLI answers with `--yes` or its prompt."""

    ask: Ask
    refusal: KamengError | None = None
    prepared: Prepared | None = None
    mismatches: tuple[CarrierMismatch, ...] = ()
    fresh_cost: Decimal | None = None          # PRICE_ROSE: the unit cost now
    previous: str | None = None                # REPEAT: the order within the window


@dataclass(frozen=True)
class Placed:
    """The order is recorded; `existed`: followed under its ref (nothing new recorded).
    `order` as the ledger has it when the call returns (still pending when the face's
    runner sends it)."""

    order: Order
    existed: bool = False
    warnings: tuple[Localized, ...] = ()
    sent_here: bool = True                     # False: handed to the face's runner
    chain: tuple[Order, ...] = ()              # failover: every attempt, first first (services/failover.py)
    stopped: Choice | None = None              # failover: the re-pick that found no offer (over_cap: ask again)

    @property
    def order_no(self) -> str:
        return self.order.order_no

    @property
    def attempts(self) -> tuple[Order, ...]:
        return self.chain or (self.order,)


Outcome = Union[Placed, NeedsConfirmation]
Handoff = Callable[[str], None]
"""The face's own sender (the TUI's App-owned runner): takes a recorded pending order's
number and sends it under that number; closing a dialog never cancels it."""


class CheckoutFlow:
    def __init__(self, checkout: CheckoutSteps) -> None:
        self.checkout = checkout

    async def place(
        self,
        inp: OrderInput,
        *,
        carrier_ok: tuple[CarrierMismatch, ...] | bool = (),
        confirm: Callable[[Prepared], bool] | None = None,
        handoff: Handoff | None = None,
        wait_s: float = 0.0,
        offers: Offers | None = None,
    ) -> Outcome:
        """The one entry point. Refusals are raised (typed KamengError with fields);
        questions and results are returned. `carrier_ok`: the numbers of another carrier
        the person said yes to (True: any, they are only warnings)."""
        co = self.checkout
        existing = await co.order_for_ref(inp)
        if existing is not None:
            return await self._existing(existing.order_no, handoff, wait_s)
        try:
            prepared = await (co.prepare(inp, early_repeat=True) if co.picker is None     # one trip off the loop:
                              else prepare_chosen(co, co.picker, inp, early_repeat=True))   # balance, repeat
        except PriceRose as exc:
            return NeedsConfirmation(Ask.PRICE_ROSE, refusal=exc, fresh_cost=exc.new)
        except PriceBelowCost as exc:
            return NeedsConfirmation(Ask.LOSS, refusal=exc)
        if prepared.mismatches and carrier_ok is not True and not set(prepared.mismatches) <= set(carrier_ok or ()):
            return NeedsConfirmation(Ask.CARRIER, prepared=prepared, mismatches=prepared.mismatches)
        repeat = prepared.repeat
        if repeat is not None:              # the ref is answered first: it may have been taken meanwhile
            existing = await co.order_for_ref(inp)
            if existing is not None:
                return await self._existing(existing.order_no, handoff, wait_s)
            return NeedsConfirmation(Ask.REPEAT, refusal=repeat, prepared=prepared, previous=repeat.previous)
        if confirm is not None and not confirm(prepared):
            raise Declined(Msg("err.checkout.cancelled"))
        try:
            order_no = co.commit_intent(prepared)
        except RefExists as exc:            # another process recorded it between our check and our write
            return await self._existing(exc.order_no, handoff, wait_s)
        warnings = tuple(m.msg for m in prepared.mismatches)
        placed = await self._send(order_no, handoff, wait_s)
        if offers is None and placed.sent_here and prepared.choice is not None and policy_chose(prepared.choice.record()):
            # the policy chose this offer (`order @ID`): it may fail over to the next; a pin never does
            offers = await asyncio.to_thread(co.failover.offers_of, placed.order)
        if offers is not None and placed.sent_here:
            chain = await co.failover.follow(placed.order, inp, offers, wait_s)
            placed = dataclasses.replace(placed, order=chain.latest, chain=chain.orders, stopped=chain.stopped)
        return dataclasses.replace(placed, warnings=warnings)

    async def _existing(self, order_no: str, handoff: Handoff | None, wait_s: float) -> Placed:
        """The order under a ref, answered as `existed`; a pending one is sent (the
        pending -> submitted compare-and-set decides which process sends it)."""
        order = await asyncio.to_thread(self.checkout.ledger.get, order_no)
        if order is None:
            raise NotFound(Msg("err.order.none", order_no=order_no), field="ref")
        if order.state is OrderState.PENDING:
            return dataclasses.replace(await self._send(order_no, handoff, wait_s), existed=True)
        if handoff is None:
            order = await self.checkout.wait(order, wait_s)
        return Placed(order=order, existed=True, sent_here=handoff is None)

    async def _send(self, order_no: str, handoff: Handoff | None, wait_s: float) -> Placed:
        if handoff is None:
            return Placed(order=await self.checkout.send(order_no, wait_s))
        handoff(order_no)
        order = await asyncio.to_thread(self.checkout.ledger.get, order_no)
        if order is None:                   # pragma: no cover - just recorded
            raise NotFound(Msg("err.order.none", order_no=order_no), field="ref")
        return Placed(order=order, sent_here=False)


async def place_or_raise(flow: CheckoutFlow, inp: OrderInput, *, wait_s: float = 0.0,
                         confirm: Callable[[Prepared], bool] | None = None, offers: Offers | None = None) -> Placed:
    """For callers without a person to ask (tests, scripts through `CheckoutService.place`):
    the carrier is only a warning, any other question is its refusal; a next offer above
    the confirmed cost stops here (FailoverPricier, exit 1: nothing owed)."""
    outcome = await flow.place(inp, carrier_ok=True, wait_s=wait_s, confirm=confirm, offers=offers)
    if isinstance(outcome, NeedsConfirmation):
        assert outcome.refusal is not None
        raise outcome.refusal
    if outcome.stopped is not None and outcome.stopped.over_cap is not None:
        raise FailoverPricier(outcome.stopped, outcome.order.order_no)
    return outcome

