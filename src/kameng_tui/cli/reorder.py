"""`kameng-tui order reorder ORDER_NO` (issue 18): a failed order with nothing owed,
re-ordered from the next offer of its product by the `[offers]` policy, as a new order
linked to it (`attempt_of`, the same ref). A failure learned after the order was placed
(reconcile, a webhook) is never failed over by itself: this is the person's act.

Exit as the new order's state (0, 1, 3); 1 naming the offer and its cost when the next
offer costs more than the failed one plus `max_price_rise` (`next_offer_pricier`);
2 when the order is not such a failure, or no offer can be taken (each with why)."""

from __future__ import annotations

import argparse
from typing import Any, Iterable, cast

from kameng_tui.cli.output import YES, Out, exit_code_for, is_tty, order_json
from kameng_tui.domain.choice_errors import refusal_of
from kameng_tui.domain.errors import BadInput, Declined, NotFound
from kameng_tui.domain.failover_errors import FailoverPricier, NotReorderable
from kameng_tui.domain.models import Order
from kameng_tui.domain.states import OrderState
from kameng_tui.messages import Msg


async def cmd_reorder(args: argparse.Namespace, ctx: Any, out: Out) -> int:
    from kameng_tui.cli.orders import find_order, print_order

    if not args.yes and not is_tty():
        raise BadInput(Msg("err.cli.order_needs_yes"), field="yes")
    order = find_order(ctx, args.order_no)
    if order is None:
        raise NotFound(Msg("err.order.none", order_no=args.order_no), field="order_no")
    failover = ctx.failover
    offers = failover.offers_of(order)
    if offers is None:
        raise NotReorderable(Msg("err.reorder.no_product", sku=order.sku), order_no=order.order_no, field="order_no")
    if not failover.reorderable(order):
        raise NotReorderable(Msg("err.reorder.not_failed", order_no=order.order_no), order_no=order.order_no,
                             field="order_no")
    choice = failover.reorder_choice(order, offers)
    if choice.chosen is None:
        raise FailoverPricier(choice, order.order_no) if choice.over_cap is not None else refusal_of(choice)
    if not args.yes:
        con = _console(out)
        con.print(out.show(choice.why), markup=False)
        if input(out.t("cli.order.ask")).strip().lower() not in YES:
            raise Declined(Msg("err.checkout.cancelled"))
    wait = ctx.settings_view.checkout.default_wait_s if args.wait is None else args.wait
    chain = await failover.reorder(order.order_no, offers, wait)
    if chain.stopped is not None and len(chain.orders) == 1:
        stopped = chain.stopped
        raise FailoverPricier(stopped, order.order_no) if stopped.over_cap is not None else refusal_of(stopped)
    latest = chain.latest
    if out.json_mode:
        out.doc(order=order_json(latest, out.lang), attempts=[o.order_no for o in chain.orders])
    else:
        con = _console(out)
        for before, after in zip(chain.orders, chain.orders[1:]):
            con.print(out.t("cli.order.failed_over", order_no=before.order_no, sku=after.sku), markup=False)
        print_order(out, ctx, latest)
    return exit_code_for(latest.state)


def reorderable(ctx: Any, order_nos: Iterable[str]) -> list[Order]:
    """Of these orders, the failures with nothing owed that no attempt followed."""
    found = (ctx.orders.get(no) for no in order_nos)
    return [o for o in found if o is not None and o.state is OrderState.FAILED and ctx.failover.offered(o) is not None]


def print_reorder_hint(out: Out, ctx: Any, order: Order) -> None:
    """Under a failed order with nothing owed that no attempt followed, when its product
    has a next offer: the one command that re-orders it from there."""
    if ctx.failover.offered(order) is not None:
        _console(out).print(out.t("cli.order.reorder_hint", order_no=order.order_no), markup=False)


def _console(out: Out) -> Any:
    """Out.console() (untyped in a legacy module)."""
    return cast(Any, out).console()
