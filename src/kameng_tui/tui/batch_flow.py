"""App-level batch questions: quitting while a batch sends, and the start-up offer of
a batch with unsent lines (Resume / Cancel unsent / Review). Nothing pending is sent
without the reseller's explicit answer."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from kameng_tui.domain.errors import KamengError
from kameng_tui.domain.states import OrderState

if TYPE_CHECKING:  # pragma: no cover
    from kameng_tui.tui.app import KamengApp


async def cancel_unsent(app: "KamengApp", batch_id: int) -> None:
    """Cancel Unsent: a line once submitted is asked about first (services/batch.py); one
    the supplier may hold stays pending, one it holds becomes a claim, and the message
    says so and where to look."""
    t = app.t
    try:
        outcome = await app.ctx.batch.cancel(batch_id)
    except KamengError as exc:
        app.notify(t.error(exc), severity="error", timeout=10)
        return
    app.notify(t("batch.cancelled", id=batch_id, n=len(outcome.cancelled)))
    pending = sum(1 for k in outcome.kept if k.status != "found")
    found = len(outcome.kept) - pending
    if pending:
        app.notify(t("batch.cancel_kept", id=batch_id, k=pending), severity="warning", timeout=15)
    if found:
        app.notify(t("batch.cancel_found", id=batch_id, k=found), severity="error", timeout=15)


async def quit_mid_batch(app: "KamengApp") -> None:
    from kameng_tui.tui.screens.batch_dialogs import ChoiceScreen

    t = app.t
    running = app.batch_runner.running
    orders = app.ctx.orders
    unsent = await asyncio.to_thread(
        lambda: sum(1 for b in running for o in orders.batch_orders(b) if o.state is OrderState.PENDING))
    question = t("batch.quit_ask", ids=",".join(map(str, running)), n=unsent)

    async def finish(answer: str | None) -> None:
        if answer not in ("keep", "cancel"):
            return
        app.notify(t("batch.quitting"))
        app.batch_runner.stop()
        await app.batch_runner.wait()
        if answer == "cancel":
            for b in running:
                await cancel_unsent(app, b)
        app.exit()

    def answered(answer: str | None) -> None:
        app.run_worker(finish(answer), group="quit", exit_on_error=False)

    app.push_screen(ChoiceScreen(question, [("keep", t("batch.quit_keep"), "k"),
                                            ("cancel", t("batch.quit_cancel"), "c"),
                                            ("stay", t("batch.quit_stay"), "")]), answered)


async def offer_unsent(app: "KamengApp") -> None:
    """On start: the newest batch with unsent lines, and what to do with it."""
    from kameng_tui.tui.screens.batch_dialogs import ChoiceScreen

    try:
        unsent = await asyncio.to_thread(app.ctx.batch_entry.unsent_batches)      # off the UI thread
        batches = [b for b in unsent if not app.batch_runner.is_running(b.batch_id)]
    except KamengError:
        return
    if not batches:
        return
    t, b = app.t, batches[0]
    counts = b.counts
    unsent = counts.get("pending", 0)
    sent = sum(v for k, v in counts.items() if k not in ("pending", "cancelled"))
    question = t("batch.offer", id=b.batch_id, sent=sent, unsent=unsent, unknown=counts.get("unknown", 0))
    if len(batches) > 1:
        question += t("batch.offer_more", n=len(batches) - 1)

    async def go(answer: str | None) -> None:
        if answer == "cancel":
            await cancel_unsent(app, b.batch_id)
            return
        if answer not in ("resume", "review"):
            return
        await app.switch_mode("batch")
        screen = app.screen
        review = getattr(screen, "review", None)
        if review is None:
            return
        await review(b.batch_id)
        if answer == "resume":
            await screen.resume(b.batch_id)

    def answered(answer: str | None) -> None:
        app.run_worker(go(answer), group="batch-offer", exit_on_error=False)

    app.push_screen(ChoiceScreen(question, [("resume", t("batch.resume"), "r"),
                                            ("cancel", t("batch.cancel_unsent"), "c"),
                                            ("review", t("batch.review"), "v")]), answered)
