"""The app's start-up work, in the background once the first screen is up: balances,
the claims count, the offer of an unsent batch, the ledger's check since its checkpoint,
the reconcile of orders left in flight (paused while the ledger refuses writes), and
the renewal suggestions. An unreachable supplier blocks nothing but orders to it."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import TYPE_CHECKING, cast

from kameng_tui.tui.app_messages import LedgerStateChanged, OrderUpdated
from kameng_tui.domain.errors import AnchorMismatch, KamengError
from kameng_tui.domain.states import IN_FLIGHT

if TYPE_CHECKING:  # pragma: no cover
    from kameng_tui.tui.app import KamengApp


async def start_up(app: "KamengApp") -> None:
    """Balances, reconciliation of unsettled orders and suggestions, in the background:
    an unreachable supplier blocks nothing but orders to it. First whether the ledger
    refuses chained writes (its anchor read in a thread): the header says so, and the
    reconcile below waits for the restore to be accepted."""
    refused = await asyncio.to_thread(app.ctx.ledger_status.anchor_problem)
    if refused is not None:
        app.refused = cast(AnchorMismatch, refused)       # the store's own check: its only refusal
        app._render_status()
        app.tell_screens(LedgerStateChanged)
    await app.refresh_balances()
    app.refresh_claims()
    from kameng_tui.tui.batch_flow import offer_unsent

    await offer_unsent(app)
    from kameng_tui.tui.ledger_check import check_since_checkpoint

    await check_since_checkpoint(app)
    ctx, t = app.ctx, app.t
    if app.refused is not None:
        app.notify(t("tui.ledger.refused", why=app.refused.why()), severity="error", timeout=30)
    else:
        await reconcile_open(app)
    try:
        suggestions = await ctx.reports.suggestions()
    except KamengError:
        return
    due = [r for r in suggestions.renewals]
    if due:
        accounts = t("filters.sep").join(dict.fromkeys(r.account for r in due[:3]))   # the first few, by name
        app.notify(t("suggest.renewal", n=len(due), accounts=accounts), timeout=15)


async def reconcile_open(app: "KamengApp") -> None:
    """Settle the orders left in flight, in the background (paused while the ledger
    refuses writes: nothing it learnt could be recorded)."""
    ctx, t = app.ctx, app.t
    open_orders = await asyncio.to_thread(ctx.orders.in_state, tuple(IN_FLIGHT))
    if open_orders:
        app.notify(t("reconcile.start", n=len(open_orders)))
        try:
            report = await ctx.reconcile.run()
        except AnchorMismatch as exc:
            app.writes_refused(exc)
        except KamengError as exc:
            app.notify(app.t.error(exc), severity="warning")
        else:
            still = len(await asyncio.to_thread(ctx.orders.in_state, tuple(IN_FLIGHT)))
            app.notify(t("reconcile.done", settled=len(open_orders) - still, open=still))
            for order in open_orders:         # no runner of ours saw these move: an open dialog reads them
                app.tell_screens(partial(OrderUpdated, order.order_no))
            app.reorder_news.learned(o.order_no for o in open_orders)     # failed now: said, offered as a re-order
            for name, message in getattr(report, "errors", {}).items():
                app.notify(t("reconcile.error", supplier=name, message=message), severity="warning")
        app.refresh_claims()
