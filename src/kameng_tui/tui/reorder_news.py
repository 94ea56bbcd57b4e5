"""The app's notice of a failure learned after the order was placed (issue 18,
"Failover"): cron's reconcile or a webhook listener (another process, through the
change feed) or the app's own start-up reconcile moved an order to `failed` with
nothing owed. It is never failed over by itself: the app says so once, naming the
order and the next offer (supplier and cost), and History's key re-orders it
(tui/history_next_offer.py).

An order a checkout dialog or the app's runner still follows is left to them: they
say its end themselves (and, while placing, failover is theirs). So is a refusal of
the create itself (never `processing` or `unknown`): the placing process said it, and
fails over at once where the policy lets it."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING, Any, Iterable

from kameng_tui.domain.money import fmt
from kameng_tui.domain.reasons import reason_code
from kameng_tui.domain.states import OrderState
from kameng_tui.services.failover import SIGNED_FAILED
from kameng_tui.tui.next_offer import NextOffer, read_next_offer
from kameng_tui.tui.textual_compat import all_screens

if TYPE_CHECKING:  # pragma: no cover
    from kameng_tui.tui.app import KamengApp

KEY_ID = "history.next_offer"


class ReorderNews:
    def __init__(self, app: "KamengApp") -> None:
        self.app = app
        self.told: set[str] = set()
        """Orders already reported: each failure is said once per run."""
        self.reordering: set[str] = set()
        """Orders History's `n` is re-ordering now (a second press does nothing)."""

    def learned(self, order_nos: Iterable[str]) -> None:
        """These orders moved where no runner of ours saw it: those now failed with nothing
        owed are reported (read in a worker thread, never on the UI thread)."""
        todo = [no for no in dict.fromkeys(order_nos) if no not in self.told and not self._followed_here(no)]
        if todo:
            self.app.run_worker(partial(self._read, todo), thread=True, group="reorder-news", exit_on_error=False)

    def _followed_here(self, order_no: str) -> bool:
        """A checkout dialog shows this order, or the app's runner still waits on it."""
        app: Any = self.app                # a KamengApp is an App[None]; all_screens takes any App
        if any(getattr(screen, "order_no", None) == order_no for screen in all_screens(app)):
            return True
        return bool(app.runner.running(order_no))

    def _read(self, order_nos: list[str]) -> None:
        for order_no in order_nos:
            found = read_next_offer(self.app.ctx, order_no)
            if found.failed_free and found.followed is None and self._learned_later(found):
                self.app.call_from_thread(self._tell, found)

    def _learned_later(self, found: NextOffer) -> bool:
        """The supplier said `failed` (a reply, a query, a webhook), or the order had been
        taken in (processing) or its reply lost (unknown) before it failed. A refusal of
        the create itself was the placing process's to say (and, by the policy, to fail
        over at once: a batch in another terminal does), so it is not said here."""
        assert found.order is not None
        if reason_code(found.order.reason) == SIGNED_FAILED:
            return True
        held = {OrderState.PROCESSING.value, OrderState.UNKNOWN.value}
        return any(e.kind in held or e.body.get("state") in held for e in self.app.ctx.orders.events(found.order_no))

    def _tell(self, found: NextOffer) -> None:
        if found.order_no in self.told or self._followed_here(found.order_no):
            return
        self.told.add(found.order_no)
        t, key = self.app.t, self.app.data_key_key(KEY_ID)
        chosen = found.choice.chosen if found.choice is not None else None
        if found.ready and chosen is not None:
            message = t("reorder.next.news", order_no=found.order_no, supplier=chosen.supplier,
                        cost=fmt(chosen.unit_cost), key=key)
        else:
            message = t("reorder.next.news_none", order_no=found.order_no, why=t.show(found.refusal or ""))
        self.app.notify(message, severity="warning", timeout=30)
