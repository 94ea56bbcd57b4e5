"""Delivered cards as the TUI shows them: labelled and with their expiry, the way
`kameng-tui show` prints them (卡号 ... 密码 ... 有效期 ...), masked until revealed;
and copying them (cleared from the clipboard after `[ui] clipboard_clear_s`)."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from rich.text import Text

from kameng_tui.domain.errors import KamengError
from kameng_tui.domain.models import Order
from kameng_tui.tui.clipboard import copy_secret
from kameng_tui.tui.text import Texts


def card_lines(cards: Iterable[Mapping[str, Any]], t: Texts) -> list[Text]:
    """One line a card: its number and password under their labels, then the expiry."""
    lines = []
    for c in cards:
        if c.get("locked"):                # sealed with a key this terminal does not hold: said, not shown
            lines.append(Text(t(f"card.locked.{c['locked']}", key_id=c.get("key_id") or ""), style="dim"))
            continue
        line = t("card.line", number=c["number"], password=c["password"])
        if c.get("expires"):
            line += t("card.line_expires", expires=c["expires"])
        lines.append(Text(line, style="bold"))
    return lines


def copy_card(app: Any, order: Order) -> None:
    """The copy is recorded first (a chained `revealed` event, services/cards.py), so a
    ledger refusing writes copies nothing. The record and the read (opened with the data
    key) happen in a worker thread, never on the UI thread; the clipboard and the notice
    stay on it."""
    orders = app.ctx.orders

    def read() -> None:
        try:
            cards = [c for c in orders.reveal(order, "copy") if not c.get("locked")]
        except KamengError as exc:
            app.call_from_thread(app.notify, app.t.error(exc), severity="error")
            return
        app.call_from_thread(_copy, app, cards)

    app.run_worker(read, thread=True, group="card-copy")


def _copy(app: Any, cards: list[dict[str, Any]]) -> None:
    if not cards:
        app.notify(app.t("card.none"), severity="warning")
        return
    text = "\n".join(f"{c['number']} {c['password']}" for c in cards)
    clear_s = app.ctx.settings_view.ui.clipboard_clear_s
    copy_secret(app, text, clear_s)
    app.notify(app.t("card.copied", s=clear_s))
