"""The lower half of the checkout once an order is placed: its states as they come
(every step, even fast ones, from the OrderStatus its runner posts), then what came of it (order no,
state, price / charged / profit, the cards, masked until revealed) and the two ways
on: 再来一单 and 关闭. Before placing, its first line carries the checkout's
questions (a changed cost, a loss, a ported number)."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button
from textual.worker import get_current_worker

from kameng_tui.domain.errors import KamengError
from kameng_tui.domain.models import Delivery, Order
from kameng_tui.domain.money import fmt
from kameng_tui.domain.reasons import reason_text
from kameng_tui.services.order_progress import OrderStatus
from kameng_tui.tui.cards import card_lines
from kameng_tui.tui.text import Texts
from kameng_tui.tui.widgets.checkout_fields import Note


class OrderOutcome(Vertical):
    def __init__(self, lang: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.lang = lang
        self.t = Texts(lang)
        self.revealed = False
        self._shown = ""
        self._status: OrderStatus | None = None

    def compose(self) -> ComposeResult:
        t = self.t
        yield Note(id="chain")
        yield Note(id="progress")
        yield Note(id="result")
        yield Note(id="cards")
        with Horizontal(id="result-actions"):
            yield Button(t("checkout.result_again"), id="again-new", variant="primary")
            yield Button(t("checkout.result_close"), id="close-result")

    def on_mount(self) -> None:
        self.query_one("#result-actions").display = False
        self.query_one("#chain").display = False

    @property
    def settled(self) -> bool:
        return bool(self.query_one("#result-actions").display)

    def say(self, text: Text) -> None:
        """A question or a refusal before anything was placed."""
        self.query_one("#progress", Note).update(text)

    def show(self, status: OrderStatus) -> bool:
        """Show where the order is now, from the value its runner (or a read of the
        ledger) sent; True once it is settled (the result is shown). A status behind the
        one shown (a read that raced the runner) changes nothing."""
        t = self.t
        if self._status is not None and len(status.steps) < len(self._status.steps):
            return self._status.settled
        self._status = status
        done = status.settled
        # Once settled the result under it names the order: the steps alone, one line less at 80x24.
        line = Text("" if done else t("checkout.placing", order_no=status.order_no) + "\n")
        line.append(" -> ".join(t(f"state.{s.value}") for s in status.steps), style="bold")
        shown = line.plain + (status.state.value if done else "")
        if shown == self._shown:
            return done
        self._shown = shown
        self.query_one("#progress", Note).update(line)
        if done:
            self._result(status.order)
            self._read_cards(status.order)
            self.query_one("#result-actions").display = True
        return done

    def attempt(self, made: Order | None, said: Text) -> None:
        """A failover's line above the progress (services/failover.py): with `made`, the
        next offer's order, followed from here on as the first was; without, the chain
        stopped and the result shown stays."""
        chain = self.query_one("#chain", Note)
        chain.update(said)
        chain.display = True
        if made is None:
            return
        self._status, self._shown, self.revealed = None, "", False
        self.query_one("#result", Note).update("")
        self.query_one("#cards", Note).update("")
        self.query_one("#result-actions").display = False
        self.show(OrderStatus(made, (made.state,)))

    @property
    def order(self) -> Order | None:
        """The order as last shown."""
        return None if self._status is None else self._status.order

    def on_resize(self) -> None:
        """Grown by a step, the result or the cards: scrolled into view once, after the
        relayout that gave it its height (at 80x24 it is below the button)."""
        self.scroll_visible(animate=False)

    def _result(self, order: Order) -> None:
        t = self.t
        head = Text(t("checkout.result", order_no=order.order_no, state=t(f"state.{order.state.value}")), style="bold")
        money = Text(t("checkout.result_money", price=fmt(order.total_price), charged=fmt(order.charged),
                       profit=fmt(order.profit)))
        parts = [head, money]
        if order.reason:
            parts.append(Text(reason_text(order.reason, self.lang) or "", style="red"))
        self.query_one("#result", Note).update(Text("\n").join(parts))

    def _read_cards(self, order: Order) -> None:
        """The delivered cards, masked, read in a worker thread (the ledger, and the
        data key for the masks, never on the UI thread)."""
        if order.delivery is not Delivery.CARD:
            return
        orders, revealed = self.app.ctx.orders, self.revealed

        def read() -> None:
            try:       # shown in the clear again: that showing is recorded too
                cards = orders.reveal(order, "reveal") if revealed else orders.cards(order, False)
            except KamengError as exc:
                self.app.call_from_thread(self.app.notify, self.t.error(exc), severity="error")
                return
            if not get_current_worker().is_cancelled:       # a later reveal or mask wins
                self.app.call_from_thread(self._show_cards, cards)

        self.run_worker(read, thread=True, group="cards", exclusive=True, exit_on_error=False)

    def _show_cards(self, cards: list[dict[str, Any]]) -> None:
        lines = card_lines(cards, self.t)
        self.query_one("#cards", Note).update(Text("\n").join(lines) if lines else
                                              Text(self.t("checkout.card_missing"), style="dim"))

    def toggle_reveal(self) -> None:
        """Reveal or mask again, on request, in a worker as the masked cards were read.
        Revealing is recorded first (a chained `revealed` event): refused, nothing shown."""
        order = self.order
        if order is None or order.delivery is not Delivery.CARD:
            return
        orders, reveal = self.app.ctx.orders, not self.revealed

        def read() -> None:
            try:
                cards = orders.reveal(order, "reveal") if reveal else orders.cards(order, False)
            except KamengError as exc:
                self.app.call_from_thread(self.app.notify, self.t.error(exc), severity="error")
                return
            if not get_current_worker().is_cancelled:       # a later reveal or mask wins
                self.app.call_from_thread(self._now_revealed, reveal, cards)

        # its own group: a settling order's read never cancels a reveal already recorded
        self.run_worker(read, thread=True, group="card-reveal", exclusive=True, exit_on_error=False)

    def _now_revealed(self, revealed: bool, cards: list[dict[str, Any]]) -> None:
        # Revealed only once a card was opened (and its `revealed` event chained): pressed
        # before the cards arrive, nothing was shown, and the settled order stays masked.
        self.revealed = revealed and any("locked" not in c for c in cards)
        self._show_cards(cards)
