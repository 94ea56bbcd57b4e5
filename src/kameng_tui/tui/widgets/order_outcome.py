"""The lower half of the checkout once an order is placed: its states as they come
(every step, even fast ones, read off its events), then what came of it (order no,
state, price / charged / profit, the cards, masked until revealed) and the two ways
on: 再来一单 and 关闭. Before placing, its first line carries the checkout's
questions (a changed cost, a loss, a ported number)."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button

from kameng_tui.domain.models import Delivery, Order
from kameng_tui.domain.money import fmt
from kameng_tui.domain.reasons import reason_text
from kameng_tui.domain.states import SETTLED
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

    def compose(self) -> ComposeResult:
        t = self.t
        yield Note(id="progress")
        yield Note(id="result")
        yield Note(id="cards")
        with Horizontal(id="result-actions"):
            yield Button(t("checkout.result_again"), id="again-new", variant="primary")
            yield Button(t("checkout.result_close"), id="close-result")

    def on_mount(self) -> None:
        self.query_one("#result-actions").display = False

    @property
    def settled(self) -> bool:
        return bool(self.query_one("#result-actions").display)

    def say(self, text: Text) -> None:
        """A question or a refusal before anything was placed."""
        self.query_one("#progress", Note).update(text)

    def follow(self, order_no: str) -> bool:
        """Show where the order is now; True once it is settled (the result is shown)."""
        t, orders = self.t, self.app.ctx.orders
        seen: list[str] = ["pending"]
        for e in orders.events(order_no):
            state = e.body.get("state") if isinstance(e.body, dict) else None
            if state and seen[-1] != state:
                seen.append(state)
        order = orders.get(order_no)
        done = order is not None and order.state in SETTLED
        # Once settled the result under it names the order: the steps alone, one line less at 80x24.
        line = Text("" if done else t("checkout.placing", order_no=order_no) + "\n")
        line.append(" -> ".join(t(f"state.{s}") for s in seen), style="bold")
        shown = line.plain + (order.state.value if done and order else "")
        if shown == self._shown:
            return done
        self._shown = shown
        self.query_one("#progress", Note).update(line)
        if done and order is not None:
            self._result(order)
            self.show_cards(order)
            self.query_one("#result-actions").display = True
        return done

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

    def show_cards(self, order: Order) -> None:
        if order.delivery is not Delivery.CARD:
            return
        lines = card_lines(self.app.ctx.orders.cards(order, self.revealed), self.t)
        self.query_one("#cards", Note).update(Text("\n").join(lines) if lines else
                                              Text(self.t("checkout.card_missing"), style="dim"))

    def toggle_reveal(self, order: Order) -> None:
        self.revealed = not self.revealed
        self.show_cards(order)
