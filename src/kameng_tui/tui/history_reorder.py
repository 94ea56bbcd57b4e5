"""`a` on a history row: the order's product read from the catalog cache in a thread,
then the checkout opened on the order; or, without `[checkout] confirm`, a succeeded
order placed again at once through the one checkout use case."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from kameng_tui.domain.errors import AnchorMismatch, KamengError
from kameng_tui.domain.models import Order, Product
from kameng_tui.domain.states import OrderState
from kameng_tui.services.checkout_flow import Placed

if TYPE_CHECKING:  # pragma: no cover
    from kameng_tui.tui.screens.history import HistoryScreen


async def reorder(screen: "HistoryScreen", order: Order) -> None:
    """The product from the catalog cache, read in a thread; then the checkout, or
    the order placed at once without `[checkout] confirm`."""
    try:
        product = await asyncio.to_thread(screen.ctx.catalog.product, order.sku)
    except KamengError as exc:
        screen.notify(screen.t.error(exc), severity="error")
        return
    if not screen.ctx.settings_view.checkout.confirm and order.state is OrderState.SUCCEEDED:
        await reorder_now(screen, order, product)
        return
    from kameng_tui.tui.screens.checkout import CheckoutScreen

    screen.app.push_screen(CheckoutScreen(product, again=order))


async def reorder_now(screen: "HistoryScreen", order: Order, product: Product) -> None:
    """`[checkout] confirm = false`: `a` on a succeeded order places it at once, through
    the one checkout use case (again: no repeat question; a ported number only warns)."""
    from kameng_tui.services.checkout import OrderInput
    from kameng_tui.services.offer_checkout import by_policy

    inp = OrderInput(sku=product.sku, fields=dict(order.account), quantity=order.quantity,
                     customer=order.customer, note=order.note, again=True)
    try:
        placed = await screen.ctx.checkout.flow.place(await by_policy(screen.ctx.checkout, inp), carrier_ok=True,
                                                      handoff=screen.app.start_order)
        if not isinstance(placed, Placed):
            raise placed.refusal or KamengError(screen.t("checkout.invalid"))
    except AnchorMismatch as exc:
        screen.app.writes_refused(exc)
        return
    except KamengError as exc:
        screen.notify(screen.t.error(exc), severity="error", timeout=10)
        return
    screen.notify(screen.t("checkout.again", account=order.account_text) + f"  {placed.order_no}")
    screen.reload()
