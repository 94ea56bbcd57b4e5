"""Run and resume from the batch screen: the screen asks (the run question, a repeated
batch or line, changed prices) and hands the batch to the App's runner. What is checked,
planned and recorded, and in which order, is the batch service's (services/batch_order.py);
the ledger is read and written off the UI thread."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kameng_tui.domain.batch_rows import GRID_COLUMNS
from kameng_tui.domain.errors import AnchorMismatch
from kameng_tui.domain.money import fmt
from kameng_tui.services.batch import PriceChange

if TYPE_CHECKING:  # pragma: no cover
    from kameng_tui.tui.screens.batch import BatchScreen
    from kameng_tui.tui.screens.confirm import ConfirmScreen


async def run(screen: "BatchScreen") -> None:
    """Run: every row checked; the first bad one shown; else the run question, then send."""
    t, grid, app = screen.t, screen.grid, screen.app
    await screen.save_async()
    if any(app.batch_runner.is_running(b) for b in screen.draft.batch_ids):
        screen.notify(t("batch.busy"), severity="warning")
        return
    if not screen.rows_to_send():
        unsent = screen.unsent()
        if unsent:
            await resume(screen, max(o.batch_id or 0 for o in unsent))
        else:
            screen.notify(t("batch.nothing"))
        return
    screen.checked = await screen.entry.check(grid.rows, quotes=screen.quotes)
    screen.show_rows()
    if screen.checked.bad:
        first = screen.checked.bad[0]
        grid.move(first, GRID_COLUMNS.index(screen.column_of(first)))
        screen.notify(t("batch.fix_first", n=len(screen.checked.bad), row=first + 1), severity="warning")
        return
    c = screen.checked.confirmation()
    shared = {share.supplier for share in c.shares}       # the offer policy's split, as `batch run` prints it
    balance = "".join(t.show(share.msg) + "\n" for share in c.shares)
    balance += "".join(t("batch.confirm_balance", supplier=s, after=fmt(a - cost))
                       for s, cost in sorted(c.cost_by_supplier.items())
                       if s not in shared and (a := app.available(s)) is not None)
    if c.mismatched:
        balance += t("batch.confirm_ported", k=len(c.mismatched))
    question = t("batch.confirm", n=c.lines, total=fmt(c.total_price), cost=fmt(c.total_cost), balance=balance)
    if not await app.push_screen_wait(confirm(question)):
        return
    await plan_and_send(screen, again=False)


def confirm(question: str) -> "ConfirmScreen":
    from kameng_tui.tui.screens.confirm import ConfirmScreen

    return ConfirmScreen(question)


async def plan_and_send(screen: "BatchScreen", again: bool) -> None:
    from kameng_tui.services.batch_entry import RowsRecorded
    from kameng_tui.services.batch_order import AskRepeat, Invalid, Ready, Refused

    t, app = screen.t, screen.app
    screen.quotes = {}
    await screen.save_async()
    draft = screen.draft                   # rows without blanks: the plan's row numbers index these
    planned = await screen.entry.plan(draft.rows, again=again)
    if isinstance(planned, Invalid):
        screen.check_rows()
        screen.notify(t("batch.fix_first", n=len(screen.checked.bad) or 1, row=(screen.checked.bad or [0])[0] + 1),
                      severity="warning")
        return
    if isinstance(planned, AskRepeat):
        if await app.push_screen_wait(confirm(t("batch.repeat", id=planned.batch_id))):
            await plan_and_send(screen, again=True)
        return
    if isinstance(planned, Refused):
        screen.notify(t.error(planned.error), severity="error", timeout=10)
        return
    assert isinstance(planned, Ready)
    recorded = await screen.entry.record(draft, planned)
    if isinstance(recorded, Refused):
        if isinstance(recorded.error, AnchorMismatch):     # no intent recorded; the draft stays as typed
            app.writes_refused(recorded.error)
        else:
            screen.notify(t.error(recorded.error), severity="error", timeout=10)
        return
    if isinstance(recorded, AskRepeat):
        # The store refused it inside the transaction (another process ran the same
        # batch, or a line repeats an order within the window): ask, then order again.
        if again or not recorded.may_ask:
            screen.notify(t.error(recorded.error), severity="error", timeout=10)
            return
        question = (t("batch.repeat", id=recorded.batch_id) if recorded.batch_id is not None
                    else t("batch.repeat_order", reason=t.error(recorded.error)))
        if await app.push_screen_wait(confirm(question)):
            await plan_and_send(screen, again=True)
        return
    assert isinstance(recorded, RowsRecorded)
    screen.draft = recorded.draft
    screen.grid.load(list(screen.draft.rows))
    screen.notify(t("batch.started", id=recorded.batch_id, n=len(planned.plan.lines)))
    app.start_batch(recorded.batch_id)
    screen.refresh_orders()
    screen.check_rows()


async def resume(screen: "BatchScreen", batch_id: int) -> None:
    """Re-quote the unsent lines, show what changed, then send them."""
    t, app = screen.t, screen.app
    changes = await screen.ctx.batch.requote(batch_id)
    if changes:
        lines = "\n".join(change_line(screen, c) for c in changes[:10])
        if len(changes) > 10:
            lines += "\n" + t("batch.changes_more", n=len(changes) - 10)
        if not await app.push_screen_wait(confirm(t("batch.changes", lines=lines))):
            return
    app.start_batch(batch_id)
    screen.refresh_orders()


def change_line(screen: "BatchScreen", c: PriceChange) -> str:
    """One re-quoted line: old -> new cost, and why it may not go through."""
    t = screen.t
    if c.new_cost is None:
        return t("batch.change_gone", line=c.line_id, old=fmt(c.old_cost), reason=c.reason)
    reason = t("batch.change_stock", stock=c.stock, qty=c.quantity) if c.stock is not None else ""
    return t("batch.change_line", line=c.line_id, old=fmt(c.old_cost), new=fmt(c.new_cost), reason=reason).rstrip()


