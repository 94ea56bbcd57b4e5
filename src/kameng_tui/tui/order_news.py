"""What the app says when one of its orders is done with."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.notifications import SeverityLevel

from kameng_tui.domain.errors import AnchorMismatch, KamengError
from kameng_tui.domain.models import Order
from kameng_tui.domain.reasons import reason_msg
from kameng_tui.domain.states import OrderState
from kameng_tui.tui.app_messages import OrderUpdated

if TYPE_CHECKING:  # pragma: no cover
    from kameng_tui.tui.app import KamengApp


def order_done(app: "KamengApp", order: Order | None, order_no: str, error: KamengError | None) -> None:
    """An order's runner is done: its end said (a failure with its reason, an open order with
    where to follow it), what the supplier said against what we asked, the counts read again."""
    t = app.t
    if isinstance(error, AnchorMismatch):
        app.writes_refused(error)
    elif error is not None:
        app.notify(f"{order_no}: {t.error(error)}", severity="error", timeout=10)
    elif order is not None:
        state = t(f"state.{order.state.value}")
        message = t("order.final", order_no=order_no, state=state)
        severity: SeverityLevel = "information"
        if order.state is OrderState.FAILED:
            message += "\n" + t("order.failed_hint", reason=t.show(reason_msg(order.reason) or ""))
            severity = "error"
        elif order.state in (OrderState.UNKNOWN, OrderState.SUBMITTED, OrderState.PROCESSING):
            message += "\n" + t("order.unknown_hint")
            severity = "warning"
        elif order.state is OrderState.PENDING:
            message += "\n" + t("history.pending_keys") + "  " + t("order.pending_where")
            severity = "warning"
        app.notify(message, severity=severity, timeout=8)
        tell_anomalies(app, order)
    app.refresh_claims()
    app.unsettled.refresh()
    app.run_worker(app.refresh_balances(), group="balances", exit_on_error=False)
    app.tell_screens(partial(OrderUpdated, order_no))


def tell_anomalies(app: "KamengApp", order: Order) -> None:
    """What the supplier said against what we asked: one warning naming where to look."""
    from kameng_tui.domain.reply_check import anomaly_msg

    orders = app.ctx.orders

    def read() -> None:            # the events in a worker thread, never on the UI thread
        said = [m for m in (anomaly_msg(e.body) for e in orders.events(order.order_no) if e.kind == "anomaly")
                if m is not None]
        if said:
            text = "; ".join(m.text(app.lang) for m in dict.fromkeys(said))
            app.call_from_thread(app.notify, app.t("order.anomaly_hint", order_no=order.order_no, message=text),
                                  severity="error", timeout=15)

    app.run_worker(read, thread=True, group="anomalies", exit_on_error=False)
