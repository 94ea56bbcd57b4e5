"""What the app says when its runner fails an order over to the next offer (issue 18,
"Failover"), and the question it asks when that offer costs more than the person
confirmed plus `[checkout] max_price_rise`.

The checkout dialog that followed the failed order follows the new one (`failed_over`,
run by the App before the new order's first state reaches it, so no state of it is
missed), its outcome saying which supplier now and why the first was left (kept here,
not in the dialog's module, which is long enough); a toast says the same where no
dialog is open. Above the
price cap the App asks again, naming the offer, its supplier and cost against the
confirmed cost: yes places it as an attempt of the chain (the runner's `go_on`), no
leaves the chain as it is (the failed order owes nothing) and says so."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, cast

from rich.text import Text
from textual.app import App

from kameng_tui.domain.choice_errors import refusal_of
from kameng_tui.domain.models import Order
from kameng_tui.domain.offer_choice import Offer
from kameng_tui.domain.money import fmt
from kameng_tui.domain.reasons import reason_text
from kameng_tui.tui.order_runner import FailoverStopped, OrderFailedOver
from kameng_tui.tui.textual_compat import all_screens

if TYPE_CHECKING:  # pragma: no cover
    from kameng_tui.tui.app import KamengApp
    from kameng_tui.tui.screens.checkout import CheckoutScreen
    from kameng_tui.tui.text import Texts


def _dialogs(app: "KamengApp", order_no: str) -> list["CheckoutScreen"]:
    """The checkout dialogs following `order_no` (open, or under another screen)."""
    from kameng_tui.tui.screens.checkout import CheckoutScreen

    return [s for s in all_screens(cast("App[object]", app)) if isinstance(s, CheckoutScreen) and s.order_no == order_no]


def _reason(t: "Texts", order: Order) -> str:
    return reason_text(order.reason, t.lang) or t("state.failed")


def failed_over_text(t: "Texts", left: Order, made: Order) -> str:
    """Which supplier now, and why the first was left."""
    return t("failover.moved", left=left.supplier, reason=_reason(t, left), supplier=made.supplier, sku=made.sku,
             order_no=made.order_no)


def failed_over(app: "KamengApp", news: OrderFailedOver) -> None:
    """The dialogs that followed `left` follow `made` from here (called by the App before
    `made`'s first state reaches it, so none is missed); with none open, a toast."""
    text = failed_over_text(app.t, news.left, news.made)
    dialogs = _dialogs(app, news.left.order_no)
    for dialog in dialogs:
        dialog.order_no = news.made.order_no
        dialog.outcome.attempt(news.made, Text(text, style="bold yellow"))
    if not dialogs:
        app.notify(text, severity="warning", timeout=10)


def stopped(app: "KamengApp", news: FailoverStopped) -> None:
    """No next offer taken: above the cap, ask again; none eligible, say why (each offer
    with why it was skipped, as `order @ID`'s refusal lists them)."""
    t, order, choice = app.t, news.order, news.choice
    over = choice.over_cap
    if over is None:
        _say(app, order.order_no, t("failover.none", order_no=order.order_no, why=t.error(refusal_of(choice))))
        return
    from kameng_tui.tui.screens.confirm import ConfirmScreen

    question = ask_text(app, order, over, news.confirmed)

    def answer(yes: bool | None) -> None:
        if yes:
            app.runner.go_on(order, news.inp, over.unit_cost)
            return
        _say(app, order.order_no, t("failover.declined", order_no=order.order_no, sku=over.sku,
                                     supplier=over.supplier))

    app.push_screen(ConfirmScreen(question), answer)


def ask_text(app: "KamengApp", order: Order, over: Offer, confirmed: Decimal) -> str:
    """The question before an offer above the price cap (here, and History's `n`): which
    order failed and why, the offer, its cost against the confirmed one, the allowed rise."""
    t, rise = app.t, app.ctx.settings_view.checkout.max_price_rise
    return t("failover.ask", order_no=order.order_no, left=order.supplier, reason=_reason(t, order), sku=over.sku,
             supplier=over.supplier, cost=fmt(over.unit_cost), confirmed=fmt(confirmed),
             more=fmt(over.unit_cost - confirmed), rise=fmt(rise))


def _say(app: "KamengApp", order_no: str, text: str) -> None:
    """In the dialog that follows the order (the chain stopped there), else as a toast."""
    dialogs = _dialogs(app, order_no)
    for dialog in dialogs:
        dialog.outcome.attempt(None, Text(text, style="bold yellow"))
    if not dialogs:
        app.notify(text, severity="warning", timeout=10)
