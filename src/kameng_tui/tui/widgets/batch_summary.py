"""The batch screen's lines of text around the grid: each sent line's state, the head,
the totals against the balance, and the progress of the run. Plain functions of what
the screen holds, so the screen keeps to input and flow."""

from __future__ import annotations

from decimal import Decimal
from typing import Callable, Collection, Mapping, Sequence

from rich.cells import cell_len
from rich.text import Text

from kameng_tui.domain.batch_rows import Row
from kameng_tui.domain.models import Order
from kameng_tui.domain.money import fmt
from kameng_tui.domain.reasons import reason_text
from kameng_tui.domain.states import OrderState
from kameng_tui.domain.text_fit import fit_name
from kameng_tui.messages import Localized
from kameng_tui.state_style import STATE_STYLE
from kameng_tui.services.batch_entry import Draft, EntryCheck
from kameng_tui.tui.text import Texts


def order_note(t: Texts, order: Order | None) -> Text:
    """A sent line's note: its state and number, a failure's reason, or what to do when in doubt."""
    if order is None:
        return Text("")
    state = t(f"state.{order.state.value}")
    style = STATE_STYLE.get(order.state.value, "")
    if order.state is OrderState.FAILED:
        return Text(t("batch.state_reason", state=state, reason=reason_text(order.reason, t.lang) or ""), style=style)
    if order.state is OrderState.UNKNOWN:
        return Text(t("batch.unknown_note", state=state), style=style)
    return Text(f"{state}  {order.order_no}", style=style)


def head(t: Texts, draft: Draft) -> Text:
    out = Text(t("batch.title"), style="bold")
    out.append("   " + (t("batch.draft", id=draft.draft_id) if draft.draft_id else t("batch.draft_none")), style="dim")
    if draft.batch_ids:
        out.append("   " + t("batch.of_batch", ids=",".join(map(str, draft.batch_ids))), style="dim")
    return out


def totals(t: Texts, checked: EntryCheck, available: Callable[[str], Decimal | None], checking: bool) -> Text:
    """Lines ok and bad, their price, cost and profit; each supplier's balance after them,
    in red when it would not cover them."""
    n_ok = sum(1 for r in checked.rows.values() if r.ok)
    c = checked.confirmation()
    out = Text(t("batch.totals", ok=n_ok, bad=len(checked.bad), total=fmt(c.total_price),
                 cost=fmt(c.total_cost), profit=fmt(c.total_price - c.total_cost)))
    for supplier, cost in sorted(c.cost_by_supplier.items()):
        have = available(supplier)
        if have is None:
            continue
        after = have - cost
        out.append(t("batch.balance", supplier=supplier, available=fmt(have), after=fmt(after)),
                   style="bold red" if after < 0 else "")
        if after < 0:
            out.append(t("batch.short"), style="bold red")
    if checking:
        out.append("   " + t("batch.checking"), style="dim")
    return out


def progress(t: Texts, orders: Mapping[str, Order], on_grid: Collection[str], running: bool) -> Text:
    """A bar of the lines sent, counts by state, and, once nothing runs, what is left to do:
    unsent lines to resume, failed lines on the grid to retry."""
    if not orders:
        return Text("")
    counts: dict[str, int] = {}
    for o in orders.values():
        counts[o.state.value] = counts.get(o.state.value, 0) + 1
    sent = len(orders) - counts.get("pending", 0) - counts.get("cancelled", 0)
    total = len(orders) - counts.get("cancelled", 0)
    width = 30
    filled = 0 if not total else round(width * sent / total)
    out = Text(f"[{'#' * filled}{'.' * (width - filled)}] ", style="bold")
    out.append(t("batch.progress", done=sent, total=total))
    out.append(t("batch.counts", succeeded=counts.get("succeeded", 0), failed=counts.get("failed", 0),
                 open=counts.get("submitted", 0) + counts.get("processing", 0), unknown=counts.get("unknown", 0),
                 pending=counts.get("pending", 0)))
    if counts.get("pending") and not running:
        out.append(t("batch.unsent_hint", n=counts["pending"]), style="yellow")
    if not running and any(o.state is OrderState.FAILED and o.order_no in on_grid for o in orders.values()):
        out.append(t("batch.failed_hint"), style="yellow")
    return out


def row_notes(t: Texts, rows: Sequence[Row], checked: EntryCheck, orders: Mapping[str, Order], width: int,
              why: Callable[[Localized], str]) -> tuple[dict[int, Text], dict[int, Text], dict[int, str | None]]:
    """Each row's note in the status column (`width` cells: product names cut to fit),
    the same notes with whole names, and the field each bad row is refused for."""
    notes: dict[int, Text] = {}
    full: dict[int, Text] = {}
    bad: dict[int, str | None] = {}
    for i, row in enumerate(rows):
        if row.order_no:
            notes[i] = order_note(t, orders.get(row.order_no))
            continue
        check = checked.rows.get(i)
        if check is None:
            continue
        if check.ok and check.prepared is not None and check.mismatches:
            p, short = check.prepared, check.mismatches[0].short
            total = fmt(p.total_price)
            room = width - cell_len(t("batch.ok_ported", short=short, name="", total=total))
            name = fit_name(p.product.name, max(8, room))
            notes[i] = Text(t("batch.ok_ported", short=short, name=name, total=total), style="bold yellow")
            full[i] = Text(t("batch.ok_ported", short=short, name=p.product.name, total=total), style="bold yellow")
        elif check.ok and check.prepared is not None:
            p = check.prepared
            total = fmt(p.total_price)
            room = width - cell_len(t("batch.ok", name="", total=total))
            name = fit_name(p.product.name, max(8, room))
            notes[i] = Text(t("batch.ok", name=name, total=total), style="green")
            full[i] = Text(t("batch.ok", name=p.product.name, total=total), style="green")
        elif not check.ok:
            notes[i] = Text(why(check.msg) if check.msg is not None else "", style="red")
            bad[i] = check.field
    return notes, full, bad
