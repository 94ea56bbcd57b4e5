"""History's `n` (issue 18, "Failover"): a failure with nothing owed, learned after the
order was placed, re-ordered from the next offer through the `[offers]` policy in one
key: a new order linked to it (`attempt_of`, the same ref), chosen as
`kameng-tui order reorder` chooses (services/failover.py `Failover.reorder`).

With `[checkout] confirm` the question shows the offer chosen and why first. The key is
in the footer only on a row it re-orders (`NextOfferKeys.check_action`); on any other row its twin binding
(the same key, hidden) says why not. What the key needs is read in a worker thread
(tui/next_offer.py); the re-order runs in an App worker, never the screen's, and an
order still open after it is handed to the App's runner, which says its end."""

from __future__ import annotations

from decimal import Decimal
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.binding import Binding

from kameng_tui.domain.choice_errors import refusal_of
from kameng_tui.domain.errors import AnchorMismatch, KamengError
from kameng_tui.domain.models import Order
from kameng_tui.domain.money import fmt
from kameng_tui.domain.states import IN_FLIGHT
from kameng_tui.messages import Msg
from kameng_tui.tui.app_messages import OrdersAdded
from kameng_tui.tui.keys import HISTORY_KEYS
from kameng_tui.tui.next_offer import NextOffer, read_next_offer
from kameng_tui.tui.order_news import order_done

if TYPE_CHECKING:  # pragma: no cover
    from kameng_tui.tui.app import KamengApp
    from kameng_tui.tui.screens.history import HistoryScreen

KEY_ID = "history.next_offer"
ACTION, TWIN = "next_offer", "next_offer_why"


def twin_binding() -> Binding:
    """`history.next_offer`'s twin: the same key, hidden, under the same id so that a
    `[keymap]` remap moves both (Textual's keymap replaces the keys of every binding of
    an id). On a row the key cannot re-order, it says why."""
    default = next(k.keys for k in HISTORY_KEYS if k.id == KEY_ID)
    return Binding(default, TWIN, "", show=False, id=KEY_ID)


class NextOfferKeys:
    """The history screen's part of it: what `n` would do on the selected row (as its
    detail read it), which of the two bindings runs, and both actions."""

    next_offer: NextOffer | None = None

    def selected_order(self) -> Order | None:
        from kameng_tui.tui.widgets.order_list import OrderList

        return cast("HistoryScreen", self).query_one(OrderList).selected()

    def remember_next_offer(self, found: NextOffer) -> None:
        self.next_offer = found
        cast("HistoryScreen", self).refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`n` shows (and runs as itself) only on the selected row when it re-orders; the
        twin runs everywhere else."""
        if action not in (ACTION, TWIN):
            return True
        found, order = self.next_offer, self.selected_order()
        ready = (found is not None and order is not None and found.order_no == order.order_no
                 and (found.ready or found.pricier is not None))
        return ready if action == ACTION else not ready

    def action_next_offer(self) -> None:
        press(cast("HistoryScreen", self))

    def action_next_offer_why(self) -> None:
        press(cast("HistoryScreen", self))


def press(screen: "HistoryScreen") -> None:
    """Either binding: the selected order read again in a thread, then asked, or why not."""
    order = screen.selected_order()
    if order is not None:
        screen.run_worker(partial(_read, screen, order.order_no), thread=True, group="next-offer",
                          exit_on_error=False)


def _read(screen: "HistoryScreen", order_no: str) -> None:
    found = read_next_offer(screen.ctx, order_no)
    screen.app.call_from_thread(_answer, screen, found)


def _answer(screen: "HistoryScreen", found: NextOffer) -> None:
    screen.remember_next_offer(found)
    t = screen.t
    app: KamengApp = screen.app       # type: ignore[assignment]  # the history runs in the KamengApp only
    over = found.pricier
    if over is not None and found.order is not None and found.confirmed is not None:
        from kameng_tui.tui.failover_news import ask_text
        from kameng_tui.tui.screens.confirm import ConfirmScreen

        # above the price cap: asked again whatever `[checkout] confirm` says (issue 18)
        app.push_screen(ConfirmScreen(ask_text(app, found.order, over, found.confirmed)),
                        lambda yes: start(app, found, over.unit_cost) if yes else None)
        return
    if not found.ready or found.choice is None or found.order is None:
        screen.notify(t.show(found.refusal or ""), severity="warning", timeout=10)
        return
    if not screen.ctx.settings_view.checkout.confirm:
        start(app, found)
        return
    from kameng_tui.tui.screens.confirm import ConfirmScreen

    order = found.order
    question = t("reorder.next.ask", order_no=order.order_no, account=order.account_text, quantity=order.quantity,
                 why=t.show(found.choice.why), price=fmt(order.unit_price))
    app.push_screen(ConfirmScreen(question), lambda yes: start(app, found) if yes else None)


def start(app: "KamengApp", found: NextOffer, confirmed_cost: Decimal | None = None) -> None:
    """`confirmed_cost`: the dearer cost said yes to above the cap (else the root's)."""
    assert found.choice is not None
    offer = found.choice.chosen or found.choice.over_cap
    assert offer is not None
    busy = app.reorder_news.reordering
    if found.order_no in busy:                 # a second press while the first still runs
        return
    busy.add(found.order_no)
    app.notify(app.t("reorder.next.placing", order_no=found.order_no, sku=offer.sku))
    app.run_worker(run(app, found, confirmed_cost), group="reorder-next", exit_on_error=False)


async def run(app: "KamengApp", found: NextOffer, confirmed_cost: Decimal | None = None) -> None:
    """The re-order (its create reply only), then: settled, said here; open, handed to
    the App's runner (it follows it and says its end)."""
    t = app.t
    try:
        chain = await app.ctx.checkout.failover.reorder(found.order_no, found.offers, wait_s=0,
                                                        confirmed_cost=confirmed_cost)
    except AnchorMismatch as exc:
        app.writes_refused(exc)
        return
    except KamengError as exc:
        app.notify(f"{found.order_no}: {t.error(exc)}", severity="error", timeout=10)
        app.tell_screens(OrdersAdded)
        return
    except Exception as exc:  # an adapter bug must not kill the app; the ledger keeps the truth
        app.notify(f"{found.order_no}: {t.show(Msg('err.internal.tui', kind=type(exc).__name__))}", severity="error",
                   timeout=10)
        app.tell_screens(OrdersAdded)
        return
    finally:
        app.reorder_news.reordering.discard(found.order_no)
    if len(chain.orders) == 1:                 # no offer could be taken after all: nothing recorded
        assert chain.stopped is not None
        app.notify(f"{found.order_no}: {t.error(refusal_of(chain.stopped))}", severity="warning", timeout=10)
        return
    for before, after in zip(chain.orders, chain.orders[1:]):
        app.notify(t("reorder.next.placed", order_no=before.order_no, sku=after.sku, new_no=after.order_no,
                     state=t(f"state.{after.state.value}")), timeout=10)
    app.tell_screens(OrdersAdded)
    latest = chain.latest
    if latest.state in IN_FLIGHT:
        app.start_order(latest.order_no)
    else:
        order_done(app, latest, latest.order_no, None)
