"""Whether an order can be re-ordered from the next offer now, and why not (issue 18,
"Failover": a failure learned after the order was placed is offered as a one-key
re-order, never failed over by itself). Read in a worker thread: it reads the ledger
(the order, the attempt that followed it) and the catalog cache (the product's offers).

The history's key, its detail pane and the app's notice all ask this one function, so
they never disagree on what the key would do."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from kameng_tui.domain.choice_errors import refusal_of
from kameng_tui.domain.models import Order
from kameng_tui.domain.money import fmt
from kameng_tui.domain.offer_choice import Choice, Offer
from kameng_tui.domain.states import OrderState
from kameng_tui.messages import Localized, Msg
from kameng_tui.services.failover import Offers
from kameng_tui.services.shop import Shop


@dataclass(frozen=True)
class NextOffer:
    """`order` as the key sees it: `choice` holds the offer a re-order takes now (with
    why it wins); `refusal` says why there is none (then the key says it)."""

    order_no: str
    order: Order | None
    offers: Offers | None = None
    choice: Choice | None = None
    refusal: Localized | None = None
    followed: str | None = None
    """The attempt that already followed it (another key, terminal or the failover did)."""
    confirmed: Decimal | None = None
    """The cost the chain's root was confirmed at: the next offer may cost at most
    `[checkout] max_price_rise` more without asking again."""

    @property
    def ready(self) -> bool:
        """The key re-orders it (the footer shows the key)."""
        return self.refusal is None and self.choice is not None and self.choice.chosen is not None

    @property
    def pricier(self) -> Offer | None:
        """The next offer when it costs more than the cap allows: the key asks again."""
        if not self.failed_free or self.followed is not None or self.choice is None or self.choice.chosen is not None:
            return None
        return self.choice.over_cap

    @property
    def failed_free(self) -> bool:
        """A failure with nothing owed (what a re-order is for), whether or not an offer is left."""
        o = self.order
        return o is not None and o.state is OrderState.FAILED and o.charged <= o.refunded


def read_next_offer(ctx: Shop, order_no: str) -> NextOffer:
    """Blocking (ledger and catalog cache): call it from a worker thread."""
    failover = ctx.checkout.failover
    order = ctx.orders.get(order_no)
    if order is None:
        return NextOffer(order_no, None, refusal=Msg("err.order.none", order_no=order_no))
    if order.state is not OrderState.FAILED:
        return NextOffer(order_no, order, refusal=Msg("reorder.next.not_failed", order_no=order_no,
                                                        state=Msg(f"state.{order.state.value}")))
    if order.charged > order.refunded:
        return NextOffer(order_no, order, refusal=Msg("reorder.next.owed", order_no=order_no,
                                                        owed=fmt(order.charged - order.refunded)))
    followed = ctx.checkout.ledger.next_attempt(order_no)
    if followed is not None:
        return NextOffer(order_no, order, refusal=Msg("reorder.next.followed", order_no=order_no, next_no=followed),
                         followed=followed)
    offers = failover.offers_of(order)
    if offers is None:
        return NextOffer(order_no, order, refusal=Msg("reorder.next.no_product", sku=order.sku))
    choice = failover.reorder_choice(order, offers)
    confirmed = failover.chain_of(order)[0].unit_cost
    if choice.chosen is None:
        return NextOffer(order_no, order, offers, choice, refusal=refusal_of(choice).msg, confirmed=confirmed)
    return NextOffer(order_no, order, offers, choice, confirmed=confirmed)
