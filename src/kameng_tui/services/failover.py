"""Failover to the next offer after an order was sent (issue 18; DESIGN.md "The order,
end to end"; docs/offers.md "Failover").

An order is money. So an order is followed by a new one on the next offer only when
its supplier holds nothing and never will:
- the order FAILED with charged = refunded = 0, and
- either the refusal of its create call is one its adapter declares nothing-created
  (suppliers/factory.py DeclaresNothingCreated: Fulu's 3001-3005 and 3008, the
  protocol's out of stock, off shelf, balance short, price above our cap), or the
  supplier said `failed` (a signed reply) and one query confirms it, with nothing
  charged or refunded.
Only while the order is being placed: `follow` runs right after the send (and the
wait), called by CheckoutFlow and the batch. Never after an unknown, a timeout or
any state in which the supplier may still deliver; a failure learned later (reconcile,
a webhook) is offered as a re-order (`reorder_choice`, `reorder`): an explicit act.

The next offer is a NEW order (a new number) linked by `attempt_of`, under the root's
ref and batch line, chosen by the same policy (domain/offer_choice.py) with every
offer of the chain skipped for its refusal, and at most `[checkout] max_price_rise`
above the cost the root confirmed (else `Chain.stopped.over_cap`: the CLI stops, the
TUI asks). The store lets each failed order be followed once (ledger/attempts.py).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Callable, Mapping, Protocol, Sequence

from kameng_tui.domain.clock import Clock
from kameng_tui.domain.errors import BadInput, KamengError, PriceRose, SupplierError
from kameng_tui.domain.failover_errors import AttemptRefused, AttemptTaken, NotReorderable
from kameng_tui.domain.models import Order
from kameng_tui.domain.offer_choice import Ask, Choice, choose, refusal_skip, skip_with
from kameng_tui.domain.offer_record import pin_of, policy_chose, record_in
from kameng_tui.domain.offer_values import Offer, OffersPolicy, Skip, SupplierState, pricier_than_confirmed
from kameng_tui.domain.reasons import stored
from kameng_tui.domain.states import OrderState
from kameng_tui.domain.team_errors import OwnerOnly
from kameng_tui.ledger.ports import OrderStore
from kameng_tui.messages import Msg
from kameng_tui.services.order_input import OrderInput
from kameng_tui.suppliers.base import RemoteState
from kameng_tui.suppliers.factory import DeclaresNothingCreated

if TYPE_CHECKING:
    from kameng_tui.ledger.values import NewOrder
    from kameng_tui.services.order_input import Prepared
    from kameng_tui.suppliers.base import Quote

    Quotes = dict[tuple[str, str, int], Quote]


class CheckoutSteps(Protocol):
    """What failover uses of the checkout (services/checkout.py CheckoutService)."""

    suppliers: Any
    ledger: OrderStore
    orders: Any
    clock: Clock

    @property
    def config(self) -> Any: ...
    async def prepare(self, inp: OrderInput, *, quotes: "Quotes | None" = None) -> "Prepared": ...
    def new_intent(self, p: "Prepared", *, line_id: int | None = None) -> "NewOrder": ...
    async def send(self, order_no: str, wait_s: float = 0.0,
                   on_move: Callable[[Order], None] | None = None) -> Order: ...
    async def wait(self, order: Order, wait_s: float, on_move: Callable[[Order], None] | None = None) -> Order: ...

log = logging.getLogger(__name__)
Pin = tuple[str, str] | None
"""A chain's pin as its root recorded it (domain/offer_record.pin_of): (`sku`, SKU) or (`supplier`, name)."""
ZERO = Decimal(0)
FAILED_ATTEMPT = "failed_attempt"
"""The skip code of an offer an order of this chain failed on (offer.skip.failed_attempt)."""
SIGNED_FAILED = "supplier_failed"
"""The reason code of a `failed` the supplier said (engine.outcome), not a refusal."""


@dataclass(frozen=True)
class Offers:
    """What a re-pick chooses from: the ask the first offer was chosen by (the product's
    offers), the suppliers' states then, and the `[offers]` policy."""

    ask: Ask
    suppliers: Mapping[str, SupplierState]
    policy: OffersPolicy = field(default_factory=OffersPolicy)


@dataclass(frozen=True)
class Chain:
    """An order and the attempts that followed it, first first; `stopped`: the re-pick
    that found no offer to take (over the price cap, or none eligible)."""

    orders: tuple[Order, ...]
    stopped: Choice | None = None

    @property
    def latest(self) -> Order:
        return self.orders[-1]


def _money(v: Decimal | None) -> Decimal:
    return ZERO if v is None else Decimal(v)


class Failover:
    def __init__(self, checkout: CheckoutSteps,
                 offers_of: Callable[[Order], Offers | None] = lambda order: None) -> None:
        self.checkout = checkout
        self.offers_of = offers_of
        """An order's product's offers from local data (services/failover_offers.py), for a re-order."""

    # --- may it fail over ----------------------------------------------------------------------
    async def nothing_created(self, order: Order) -> bool:
        """The supplier holds nothing for `order` and never will (see the module doc).
        A signed `failed` costs one query; any doubt is a no. An order that was ever
        `unknown` (the create may have reached the supplier, its reply did not reach us)
        never fails over, whatever it said later: the person re-orders it, or not."""
        if order.state is not OrderState.FAILED or order.charged != 0 or order.refunded != 0:
            return False
        events = await asyncio.to_thread(self.checkout.ledger.events, order.order_no)
        if any(e.kind == OrderState.UNKNOWN.value or e.body.get("state") == OrderState.UNKNOWN.value for e in events):
            return False
        reason = stored(order.reason)
        if reason is None:
            return False
        code = str(reason["code"])
        try:
            supplier = self.checkout.suppliers.get(order.supplier)
        except KamengError:                  # no longer configured: it cannot be asked, so no
            return False
        if code == SIGNED_FAILED:
            try:
                result = await supplier.query_order(order.order_no)
            except Exception as exc:         # no answer: in doubt, so no failover
                log.info("failover: query of %s failed: %s", order.order_no, type(exc).__name__)
                return False
            return (result.state is RemoteState.FAILED and result.charged is not None
                    and _money(result.charged) == 0 and _money(result.refunded) == 0)
        if not isinstance(supplier, DeclaresNothingCreated):
            return False
        params = reason["params"]
        upstream = params.get("upstream_code") if isinstance(params, dict) else None
        return supplier.created_nothing(code, None if upstream is None else str(upstream))

    # --- the next offer ------------------------------------------------------------------------
    def _ask(self, chain: Sequence[Order], offers: Offers, confirmed_cost: Decimal | None = None,
             pin: Pin = None) -> tuple[Ask, OffersPolicy]:
        """The ask after every order of the chain failed: each one's offer skipped with its
        refusal, the next at most max_price_rise above the cost the user confirmed (the
        root's, unless they said yes to a dearer one since). A pinned chain (`pin`, as its
        root recorded it) stays on its pin: only that offer, its own failures not skipped
        (a re-order of a pinned order is that offer again, or refused with why)."""
        confirmed = chain[0].unit_cost if confirmed_cost is None else confirmed_cost
        ask = dataclasses.replace(offers.ask, quantity=chain[0].quantity,
                                  max_price_rise=self.checkout.config.checkout.max_price_rise)
        policy = offers.policy
        if pin is not None:
            kind, value = pin
            if kind == "sku":
                ask = dataclasses.replace(ask, sku=value)
            else:
                policy = dataclasses.replace(policy, pins={**policy.pins, ask.product_id: value})
        for o in chain:
            if pin is not None and (o.sku if pin[0] == "sku" else o.supplier) == pin[1]:
                continue
            ask = skip_with(ask, _offer_of(o, ask), Skip(FAILED_ATTEMPT, {"supplier": o.supplier, "order_no": o.order_no}),
                            confirmed_cost=confirmed)
        return dataclasses.replace(ask, confirmed_cost=confirmed), policy

    def pin_of(self, chain: Sequence[Order]) -> Pin:
        """The pin the chain's root was ordered under, as its created event holds it."""
        return pin_of(record_in(self.checkout.ledger.events(chain[0].order_no)))

    def reorder_choice(self, order: Order, offers: Offers) -> Choice:
        """The offer a re-order of `order` (and the chain before it) would take now."""
        chain = self.chain_of(order)
        ask, policy = self._ask(chain, offers, pin=self.pin_of(chain))
        return choose(ask, offers.suppliers, policy)

    async def next_attempt(self, chain: Sequence[Order], inp: OrderInput | None, offers: Offers, *,
                           quotes: "Quotes | None" = None, confirmed_cost: Decimal | None = None,
                           pin: Pin = None) -> Order | Choice:
        """Record the next offer's intent after the chain's last order: the new pending
        order, or the Choice that found none (refusals before this intent skip their
        offer, as at checkout). Another terminal's attempt of the same order is followed.
        `confirmed_cost`: a dearer cost the person said yes to (else the root's)."""
        last = chain[-1]
        ask, policy = self._ask(chain, offers, confirmed_cost, pin)
        confirmed = ask.confirmed_cost if ask.confirmed_cost is not None else chain[0].unit_cost
        base = inp if inp is not None else _input_of(chain[0])
        co = self.checkout
        while True:
            choice = choose(ask, offers.suppliers, policy)
            offer = choice.chosen
            if offer is None:
                return choice
            attempt = dataclasses.replace(base, sku=offer.sku, attempt_of=last.order_no, ref=chain[0].ref,
                                          seen_unit_cost=confirmed, price=chain[0].unit_price,
                                          again=True)
            try:
                prepared = await co.prepare(attempt, quotes=quotes)
            except PriceRose as exc:
                fresh = dataclasses.replace(offer, unit_cost=exc.new)
                ask = skip_with(ask, offer, pricier_than_confirmed(fresh, confirmed + ask.max_price_rise))
                ask = dataclasses.replace(ask, offers=tuple(fresh if o.sku == offer.sku else o for o in ask.offers))
                continue
            except (BadInput, SupplierError) as exc:     # refused before the intent: not an order
                ask = skip_with(ask, offer, refusal_skip(offer, exc.code))
                continue
            # the attempt's creating event says which offer and why (the failed ones skipped)
            prepared = dataclasses.replace(prepared, choice=choice)
            # in a thread: the intent reads the catalog (the product's other SKUs) and the data key
            made_intent = await asyncio.to_thread(co.new_intent, prepared, line_id=last.line_id)
            intent = dataclasses.replace(made_intent, batch_id=last.batch_id)
            co.orders.touch(intent.order_no)
            try:
                await asyncio.to_thread(co.ledger.create_intents, [intent], at=co.clock.now())
            except AttemptTaken as exc:
                taken = await asyncio.to_thread(co.ledger.get, exc.order_no)
                assert taken is not None
                return taken
            made = await asyncio.to_thread(co.ledger.get, intent.order_no)
            assert made is not None
            log.info("failover: %s -> %s (%s)", last.order_no, made.order_no, offer.sku)
            return made

    # --- while placing ---------------------------------------------------------------------------
    async def follow(self, order: Order, inp: OrderInput | None, offers: Offers, wait_s: float = 0.0, *,
                     confirmed_cost: Decimal | None = None, on_move: Callable[[Order], None] | None = None,
                     on_attempt: Callable[[Order, Order], None] | None = None) -> Chain:
        """After `order` was sent (and waited for): while its latest attempt failed with
        nothing created, the next offer, sent and waited for the same way. Every offer of
        the chain so far (from its root, `attempt_of` back) stays skipped; the Chain holds
        `order` and what followed it. A pinned chain never moves (its root's record says).
        `confirmed_cost`: a dearer cost the person said yes to; `on_attempt(left, made)`
        and `on_move(order)`: what a face is told (the TUI's runner posts them)."""
        chain = await asyncio.to_thread(self.chain_of, order)
        start = len(chain) - 1
        if await asyncio.to_thread(self.pin_of, chain) is not None:
            return Chain(tuple(chain[start:]))
        while await self.nothing_created(chain[-1]):
            try:
                made = await self.next_attempt(chain, inp, offers, confirmed_cost=confirmed_cost)
            except (AttemptRefused, OwnerOnly) as exc:
                # the root moved on meanwhile (a webhook refunded it), or this login may not
                # record the next offer's price: the placed order stands as it is, reported
                log.info("failover: %s stays as it is: %s", chain[-1].order_no, exc.code)
                return Chain(tuple(chain[start:]))
            if isinstance(made, Choice):
                return Chain(tuple(chain[start:]), made)
            if on_attempt is not None:
                on_attempt(chain[-1], made)
            if made.state is OrderState.PENDING:
                made = await self.checkout.send(made.order_no, wait_s, on_move=on_move)
            else:
                made = await self.checkout.wait(made, wait_s, on_move)
            chain.append(made)
        return Chain(tuple(chain[start:]))

    async def follow_placed(self, order: Order, inp: OrderInput | None, wait_s: float = 0.0, *,
                            confirmed_cost: Decimal | None = None, on_move: Callable[[Order], None] | None = None,
                            on_attempt: Callable[[Order, Order], None] | None = None) -> Chain:
        """`follow` for a face that sent the order itself (the TUI's App-owned runner):
        only when the policy chose the chain root's offer and nothing pinned it, as its
        created event records (`policy_chose`, the rule the CLI's checkout applies to the
        same record before the intent), with the product's offers from local data."""
        if order.state is not OrderState.FAILED:
            return Chain((order,))

        def read() -> tuple[bool, Offers | None]:
            root = self.chain_of(order)[0]
            if not policy_chose(record_in(self.checkout.ledger.events(root.order_no))):
                return False, None
            return True, self.offers_of(order)

        chose, offers = await asyncio.to_thread(read)
        if not chose or offers is None:
            return Chain((order,))
        return await self.follow(order, inp, offers, wait_s, confirmed_cost=confirmed_cost, on_move=on_move,
                                 on_attempt=on_attempt)

    # --- later: a re-order is the person's act -------------------------------------------------
    def reorderable(self, order: Order) -> bool:
        """A failure with nothing owed (charged <= refunded) not followed yet: what the
        CLI hint and the TUI's key offer to re-order from the next offer."""
        return (order.state is OrderState.FAILED and order.charged <= order.refunded
                and self.checkout.ledger.next_attempt(order.order_no) is None)

    def offered(self, order: Order) -> Choice | None:
        """What to offer under a failure with nothing owed: the re-pick from the local
        offers, when there is a next offer to take (or one only above the price cap)."""
        if not self.reorderable(order):
            return None
        offers = self.offers_of(order)
        if offers is None:
            return None
        choice = self.reorder_choice(order, offers)
        return choice if choice.chosen is not None or choice.over_cap is not None else None

    async def reorder(self, order_no: str, offers: Offers | None = None, wait_s: float = 0.0, *,
                      confirmed_cost: Decimal | None = None) -> Chain:
        """Re-order a failed order (nothing owed) from the next offer: a new attempt linked
        to it, then failover as while placing. NotReorderable if it is not such a failure.
        `confirmed_cost`: a dearer cost the person said yes to (the TUI asks above the cap)."""
        order = await asyncio.to_thread(self.checkout.ledger.get, order_no)
        # the ledger and catalog reads in a thread: the TUI's key calls this on its event loop
        if order is None or not await asyncio.to_thread(self.reorderable, order):
            raise NotReorderable(Msg("err.reorder.not_failed", order_no=order_no), order_no=order_no,
                                 field="order_no")
        offers = offers if offers is not None else await asyncio.to_thread(self.offers_of, order)
        if offers is None:
            raise NotReorderable(Msg("err.reorder.no_product", sku=order.sku), order_no=order_no, field="order_no")
        chain = await asyncio.to_thread(self.chain_of, order)
        made = await self.next_attempt(chain, None, offers, confirmed_cost=confirmed_cost,
                                       pin=await asyncio.to_thread(self.pin_of, chain))
        if isinstance(made, Choice):
            return Chain((order,), made)
        if made.state is OrderState.PENDING:
            made = await self.checkout.send(made.order_no, wait_s)
        after = await self.follow(made, None, offers, wait_s, confirmed_cost=confirmed_cost)
        return Chain((order, *after.orders), after.stopped)

    def chain_of(self, order: Order) -> list[Order]:
        """The orders from the chain's root to `order`, root first."""
        out = [order]
        while out[0].attempt_of is not None and len(out) < 100:
            prior = self.checkout.ledger.get(out[0].attempt_of)
            if prior is None:
                break
            out.insert(0, prior)
        return out


def _offer_of(order: Order, ask: Ask) -> Offer:
    """The offer an order was placed on (as the ask has it, else as the order recorded it)."""
    for o in ask.offers:
        if o.sku == order.sku:
            return o
    return Offer(order.sku, order.supplier, ask.product_id, order.unit_cost)


def _input_of(order: Order) -> OrderInput:
    """An order's input as recorded (a batch line, a re-order): its account fields,
    quantity, ref, customer and note; the price is the root's sale price."""
    return OrderInput(sku=order.sku, fields=dict(order.account), quantity=order.quantity, ref=order.ref,
                      customer=order.customer, note=order.note, price=order.unit_price, line_no=order.line_id)
