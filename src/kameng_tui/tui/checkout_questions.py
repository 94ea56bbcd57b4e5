"""The checkout's questions, the TUI's way: the flow (services/checkout_flow.py) said
what an order needs a yes to, nothing is recorded, and the dialog says it in the warning
colour; the next Enter, on the same values, is the yes (the answer goes into the next
call: `again`, `allow_loss`, `carrier_ok`, the fresh cost as the one seen)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Button, Input

from kameng_tui.domain.errors import BadInput, PriceBelowCost
from kameng_tui.domain.money import fmt
from kameng_tui.services.checkout_flow import Ask, NeedsConfirmation

if TYPE_CHECKING:  # pragma: no cover
    from kameng_tui.tui.screens.checkout import CheckoutScreen


def ask_again(screen: "CheckoutScreen", asked: NeedsConfirmation) -> None:
    t = screen.t
    if asked.ask is Ask.PRICE_ROSE and asked.fresh_cost is not None:
        old, screen.seen_cost = screen.seen_cost, asked.fresh_cost
        screen.outcome.say(Text(t("checkout.price_changed", old=fmt(old), new=fmt(asked.fresh_cost)),
                                style="bold yellow"))
        screen.validate()
    elif asked.ask is Ask.LOSS and isinstance(asked.refusal, PriceBelowCost):
        # the second Enter, on the same price, sells at a loss; another price is asked about afresh
        exc = asked.refusal
        screen.loss_ok = exc.price
        screen.outcome.say(Text(t("checkout.below_cost", price=fmt(exc.price), cost=fmt(exc.cost),
                                  loss=fmt(exc.cost - exc.price)), style="bold yellow"))
        screen.set_focus(screen.query_one("#price", Input))
    elif asked.ask is Ask.CARRIER:
        # 携号转网 makes it a warning, not an error: the second Enter on the same numbers orders
        screen.carrier_ok = asked.mismatches
        said = "\n".join(t.show(m.msg) for m in asked.mismatches)
        screen.outcome.say(Text(t("checkout.ported_again", said=said), style="bold yellow"))
        screen.set_focus(screen.query_one("#place", Button))
    elif asked.ask is Ask.REPEAT and isinstance(asked.refusal, BadInput):
        screen.allow_repeat = True                # the message says so: Enter again orders it
        screen._show_error(asked.refusal, t("checkout.repeat", order_no=asked.previous))
