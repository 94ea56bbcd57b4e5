"""Batch entry: a grid typed or pasted into, every line checked with its reason on the
line, totals against the balance, drafts saved as you type; Run asks, then sends in an
App-owned task while each line shows its state. Failed lines can be edited and re-run
as new orders; unknown lines are reconciled, never resent under a new number."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from kameng_tui.domain.accounts import choice_options, first_unchosen
from kameng_tui.domain.batch_rows import GRID_COLUMNS, Row, parse_extra, set_extra
from kameng_tui.domain.errors import (AnchorMismatch, BadInput, KamengError, RepeatBatch, RepeatBatchUnsettled,
                                      RepeatOrder)
from kameng_tui.domain.field_names import field_named
from kameng_tui.domain.models import Order
from kameng_tui.domain.money import fmt
from kameng_tui.domain.states import OrderState
from kameng_tui.domain.text_fit import fit_name
from kameng_tui.messages import Localized, Msg, Plain
from kameng_tui.services.batch import BatchInvalid
from kameng_tui.services.batch_entry import Draft, EntryCheck, to_send
from kameng_tui.tui.keys import BATCH_KEYS, bindings
from kameng_tui.tui.text import Texts
from kameng_tui.tui.textual_compat import install_bindings
from kameng_tui.tui.widgets import batch_summary as summary
from kameng_tui.tui.widgets.batch_grid import BatchGrid
from kameng_tui.tui.widgets.status_bar import StatusBar
from kameng_tui.tui.widgets.fit_footer import FitFooter

CHECK_DELAY_S = 0.15
SAVE_DELAY_S = 0.3
QUOTE_TTL_S = 60.0


class BatchScreen(Screen[None]):
    SCOPE = "batch"
    AUTO_FOCUS = "#grid"

    def __init__(self) -> None:
        super().__init__()
        self.ctx = self.app.ctx
        self.entry = self.ctx.batch_entry
        self.lang = self.app.lang
        self.t = Texts(self.lang)
        # Textual's own tab / shift+tab (focus next / previous) stay beside our bindings.
        install_bindings(self, [*Screen.BINDINGS, *bindings(BATCH_KEYS, self.lang)])
        self.draft = Draft()
        self.checked = EntryCheck()
        self.orders: dict[str, Order] = {}
        self.quotes: dict = {}
        self.quoted_at = 0.0
        self.checking = False
        self._choice_cache: dict[str, tuple | None] = {}
        self.full_notes: dict[int, Text] = {}
        """Row notes with whole product names (the grid's may cut them to its status column)."""

    def compose(self) -> ComposeResult:
        t = self.t
        yield StatusBar(id="status")
        yield Static(t("batch.title"), id="batch-head")
        labels = {c: t(f"bcol.{c}") for c in GRID_COLUMNS} | {"status": t("bcol.status")}
        yield BatchGrid(labels, lang=self.lang, id="grid")
        yield Static("", id="batch-suggest")
        yield Static("", id="batch-progress")
        yield Static("", id="batch-totals")
        yield FitFooter()        # keys that fit whole only (the app frame at 80 columns)

    @property
    def grid(self) -> BatchGrid:
        return self.query_one(BatchGrid)

    def on_mount(self) -> None:
        grid = self.grid
        grid.locked = self._locked
        grid.retry = self._retry_row
        grid.is_sku = self.entry.is_sku
        draft = self.entry.latest()
        if draft is not None:
            self.load(draft)
        else:
            self._show()

    def load(self, draft: Draft) -> None:
        self.draft = draft
        self.grid.load(list(draft.rows))
        self.refresh_orders()
        self.check_rows()

    def review(self, batch_id: int) -> None:
        """Show a batch (from the start-up offer): its draft when this app made it."""
        if batch_id not in self.draft.batch_ids:
            self.save_now()
            self.load(self.entry.save(self.ctx.batch_entry.draft_from_batch(batch_id)))

    # --- rows, checks, drafts ---------------------------------------------------------------------
    def rows(self) -> list[Row]:
        """The grid's rows, with the cell being edited as typed so far."""
        rows = list(self.grid.rows)
        g = self.grid
        if g.editing and g.row < len(rows):
            rows[g.row] = rows[g.row].with_cell(g.col, g.buf)
        return rows

    @on(BatchGrid.Changed)
    def _changed(self) -> None:
        self.save_draft()
        self.check_rows()

    @on(BatchGrid.Editing)
    def _editing(self, event: BatchGrid.Editing) -> None:
        grid = self.grid
        if event.column == "sku" and grid.editing and event.text.strip():
            found = self.entry.suggest(event.text)
            grid.suggestions = [(p.sku, p.name) for p in found]
        else:
            grid.suggestions = []
        self._show_suggestions()
        self.save_draft()

    @on(BatchGrid.Refused)
    def _refused(self, event: BatchGrid.Refused) -> None:
        order = self.orders.get(self.grid.rows[event.row].order_no or "")
        state = self.t(f"state.{order.state.value}") if order else ""
        self.notify(self.t("batch.locked", state=state), severity="warning")

    @on(BatchGrid.PasteRefused)
    def _paste_refused(self, event: BatchGrid.PasteRefused) -> None:
        self.notify(self.t("batch.paste_refused", line=event.line, message=Msg("err.batch.unclosed_quote")),
                    severity="error", timeout=10)

    @on(BatchGrid.Moved)
    def _show_suggestions(self) -> None:
        """SKU suggestions while one is typed; else the whole note of the row under the
        cursor (the status column may cut a long reason)."""
        grid, out = self.grid, Text()
        if grid.suggestions:
            out.append(self.t("batch.suggest"), style="dim")
            for i, (sku, name) in enumerate(grid.suggestions):
                out.append(f"  {name} ({sku})", style="reverse" if i == grid.pick else "")
        else:
            hint = self._pick_hint(grid.row)
            if grid.row in grid.notes or hint:
                out.append(f"{grid.row + 1}: ", style="dim")
            if hint:                                        # first: the note may take both lines
                out.append(hint, style="bold")
                out.append("   ")
            if grid.row in grid.notes:
                out.append_text(self.full_notes.get(grid.row, grid.notes[grid.row]))
        self.query_one("#batch-suggest", Static).update(out)

    def _choices(self, i: int):
        """(product, choice fields) of row i's SKU, looked up once per SKU text."""
        sku = self.grid.rows[i].get("sku") if i < len(self.grid.rows) else ""
        if sku not in self._choice_cache:
            if len(self._choice_cache) > 500:
                self._choice_cache.clear()
            self._choice_cache[sku] = self.entry.choice_fields(sku)
        return self._choice_cache[sku]

    def _pick_hint(self, i: int) -> str:
        found = self._choices(i)
        if found is None or self._locked(i):
            return ""
        _, fields = found
        names = "/".join(self.t.show(Plain(f.label, f.key)) for f in fields)
        key = (self.ctx.settings_view.keymap.get("batch.pick") or "ctrl+o").split(",")[0]
        return self.t("batch.pick_hint", keys=key, fields=names)

    @work(exclusive=True, group="batch-save", exit_on_error=False)
    async def save_draft(self) -> None:
        await asyncio.sleep(SAVE_DELAY_S)
        self.save_now()

    def save_now(self) -> None:
        rows = tuple(r for r in self.rows() if not r.blank or r.order_no)
        if not rows and self.draft.draft_id is None:
            return
        self.draft = self.entry.save(replace(self.draft, rows=rows))
        self.query_one("#batch-head", Static).update(summary.head(self.t, self.draft))

    @work(exclusive=True, group="batch-check", exit_on_error=False)
    async def check_rows(self) -> None:
        self.checking = True
        await asyncio.sleep(CHECK_DELAY_S)
        now = time.monotonic()
        if now - self.quoted_at > QUOTE_TTL_S:          # checks reuse quotes for a while; Run always re-quotes
            self.quotes, self.quoted_at = {}, now
        try:
            self.checked = await self.entry.check(self.grid.rows, quotes=self.quotes)
        except KamengError as exc:
            self.notify(self.t.error(exc), severity="error")
        finally:
            self.checking = False
        self._show()

    # --- what each line shows -----------------------------------------------------------------------
    def refresh_orders(self) -> None:
        self.orders = self.entry.orders(self.draft.batch_ids)
        self._show()

    def batch_changed(self, batch_id: int) -> None:
        if batch_id in self.draft.batch_ids:
            self.refresh_orders()

    def _show(self) -> None:
        t, grid = self.t, self.grid
        notes: dict[int, Text] = {}
        full: dict[int, Text] = {}
        bad: dict[int, str | None] = {}
        for i, row in enumerate(grid.rows):
            if row.order_no:
                notes[i] = summary.order_note(t, self.orders.get(row.order_no))
                continue
            check = self.checked.rows.get(i)
            if check is None:
                continue
            if check.ok and check.prepared is not None and check.mismatches:
                p, short = check.prepared, check.mismatches[0].short
                total = fmt(p.total_price)
                room = grid.status_width() - cell_len(t("batch.ok_ported", short=short, name="", total=total))
                name = fit_name(p.product.name, max(8, room))
                notes[i] = Text(t("batch.ok_ported", short=short, name=name, total=total), style="bold yellow")
                full[i] = Text(t("batch.ok_ported", short=short, name=p.product.name, total=total), style="bold yellow")
            elif check.ok and check.prepared is not None:
                p = check.prepared
                total = fmt(p.total_price)
                room = grid.status_width() - cell_len(t("batch.ok", name="", total=total))
                name = fit_name(p.product.name, max(8, room))
                notes[i] = Text(t("batch.ok", name=name, total=total), style="green")
                full[i] = Text(t("batch.ok", name=p.product.name, total=total), style="green")
            elif not check.ok:
                notes[i] = Text(self._why(check.msg) if check.msg is not None else "", style="red")
                bad[i] = check.field
        grid.notes, grid.bad_field = notes, bad
        self.full_notes = full
        grid.refresh()
        self._show_suggestions()
        self.query_one("#batch-head", Static).update(summary.head(t, self.draft))
        self.query_one("#batch-totals", Static).update(summary.totals(t, self.checked, self.app.available, self.checking))
        running = any(self.app.batch_runner.is_running(b) for b in self.draft.batch_ids)
        self.query_one("#batch-progress", Static).update(
            summary.progress(t, self.orders, {r.order_no for r in grid.rows if r.order_no}, running))

    def _why(self, msg: Localized) -> str:
        """A line's reason in the app's words (no data key: the key that opens its dialog)."""
        from kameng_tui.tui.screens.data_key import in_app_words

        return in_app_words(msg, self.t, self.app.data_key_key())

    # --- row locks and retries -------------------------------------------------------------------------
    def _locked(self, i: int) -> bool:
        row = self.grid.rows[i]
        if not row.order_no:
            return False
        order = self.orders.get(row.order_no)
        return order is None or order.state is not OrderState.FAILED

    def _retry_row(self, i: int) -> Row | None:
        row = self.grid.rows[i]
        if row.order_no and not self._locked(i):
            return Row(cells=row.cells, attempt_of=row.order_no)
        return None

    # --- actions ------------------------------------------------------------------------------------------
    def action_focus_grid(self) -> None:
        self.set_focus(self.grid)

    def action_duplicate(self) -> None:
        self.grid.duplicate()

    def action_delete(self) -> None:
        self.grid.delete()

    def action_undo(self) -> None:
        self.grid.undo()

    def action_pick(self) -> None:
        """The line's product's choices (大区, then 服务器 ...) from a list into "other fields"."""
        grid = self.grid
        grid.commit()
        i = grid.row
        found = self._choices(i)
        if found is None:
            self.notify(self.t("batch.pick_none"), severity="warning")
            return
        if not grid.may_edit():
            return
        product, fields = found
        values, _ = parse_extra(grid.rows[i].get("extra"))
        self._pick(i, product, first_unchosen(fields, values) or fields[0], fields)

    def _pick(self, i: int, product, field, fields) -> None:
        from kameng_tui.tui.screens.batch_dialogs import PickScreen

        row = self.grid.rows[i]
        values, _ = parse_extra(row.get("extra"))
        title = self.t("batch.pick_title", row=i + 1, name=product.name, field=field_named(field))
        parent = product.field(field.depends_on) if field.depends_on and field.option_tree else None
        if parent is not None and values.get(parent.key) in field.option_tree:
            title += self.t("batch.pick_parent", label=Plain(parent.label, parent.key), value=values[parent.key])

        def picked(value: str | None) -> None:
            self.set_focus(self.grid)
            if value is None or i >= len(self.grid.rows) or self.grid.rows[i].get("sku") != row.get("sku"):
                return
            self.grid.set_cell(i, "extra", set_extra(self.grid.rows[i].get("extra"), field.key, value))
            now, _ = parse_extra(self.grid.rows[i].get("extra"))
            nxt = first_unchosen(fields, now)
            if nxt is not None and nxt is not field:         # 大区 chosen: on to 服务器
                self._pick(i, product, nxt, fields)

        self.app.push_screen(PickScreen(title, choice_options(field, values), values.get(field.key)), picked)

    def action_paste(self) -> None:
        from kameng_tui.tui.screens.batch_dialogs import PasteScreen

        def pasted(text: str | None) -> None:
            n = self.grid.paste_rows(text) if text else 0
            if n:
                self.notify(self.t("batch.pasted", n=n))
            self.set_focus(self.grid)

        self.app.push_screen(PasteScreen(), pasted)

    def action_retry(self) -> None:
        grid = self.grid
        failed = [i for i, r in enumerate(grid.rows) if r.order_no and not self._locked(i)]
        if not failed:
            self.notify(self.t("batch.no_failed"))
            return
        grid.replace_rows({i: self._retry_row(i) or grid.rows[i] for i in failed})
        self.notify(self.t("batch.retried", n=len(failed)))

    def action_new(self) -> None:
        if any(self.app.batch_runner.is_running(b) for b in self.draft.batch_ids):
            self.notify(self.t("batch.busy"), severity="warning")
            return
        self.save_now()
        if self.draft.rows and not to_send(self.draft.rows) and not self._unsent():
            self.entry.discard(self.draft.draft_id)
        self.draft, self.checked, self.orders = Draft(), EntryCheck(), {}
        self.grid.load([])
        self._show()
        self.notify(self.t("batch.new_draft"))

    def _unsent(self) -> list[Order]:
        return [o for o in self.orders.values() if o.state is OrderState.PENDING]

    def action_run(self) -> None:
        self.grid.commit()
        self.run_worker(self._run(), group="batch-run", exclusive=True, exit_on_error=False)

    async def _run(self) -> None:
        t, grid = self.t, self.grid
        self.save_now()
        if any(self.app.batch_runner.is_running(b) for b in self.draft.batch_ids):
            self.notify(t("batch.busy"), severity="warning")
            return
        if not to_send(grid.rows):
            if self._unsent():
                await self.resume(max(o.batch_id or 0 for o in self._unsent()))
            else:
                self.notify(t("batch.nothing"))
            return
        self.checked = await self.entry.check(grid.rows, quotes=self.quotes)
        self._show()
        if self.checked.bad:
            first = self.checked.bad[0]
            grid.move(first, GRID_COLUMNS.index(self._column_of(first)))
            self.notify(t("batch.fix_first", n=len(self.checked.bad), row=first + 1), severity="warning")
            return
        c = self.checked
        balance = "".join(t("batch.confirm_balance", supplier=s, after=fmt(a - cost))
                          for s, cost in sorted(c.cost_by_supplier().items())
                          if (a := self.app.available(s)) is not None)
        if c.mismatched:
            balance += t("batch.confirm_ported", k=len(c.mismatched))
        question = t("batch.confirm", n=len(c.good), total=fmt(c.total_price), cost=fmt(c.total_cost), balance=balance)
        if not await self.app.push_screen_wait(self._confirm(question)):
            return
        await self._plan_and_send(again=False)

    def _column_of(self, i: int) -> str:
        from kameng_tui.tui.widgets.batch_grid import FIELD_COLUMN

        return FIELD_COLUMN.get(self.grid.bad_field.get(i) or "", "sku")

    def _confirm(self, question: str):
        from kameng_tui.tui.screens.confirm import ConfirmScreen

        return ConfirmScreen(question)

    async def _plan_and_send(self, again: bool) -> None:
        t = self.t
        self.quotes = {}
        self.save_now()
        draft = self.draft                   # rows without blanks: the plan's row numbers index these
        try:
            plan, plan_rows = await self.entry.plan(draft.rows, again=again)
        except BatchInvalid:
            self.check_rows()
            self.notify(t("batch.fix_first", n=len(self.checked.bad) or 1, row=(self.checked.bad or [0])[0] + 1),
                        severity="warning")
            return
        except BadInput as exc:
            if isinstance(exc, RepeatBatch) and not again:
                if await self.app.push_screen_wait(self._confirm(t("batch.repeat", id=exc.batch_id))):
                    await self._plan_and_send(again=True)
                return
            self.notify(self.t.error(exc), severity="error", timeout=10)
            return
        try:
            self.draft, batch_id = self.entry.record(draft, plan, plan_rows)
        except AnchorMismatch as exc:             # no intent recorded; the draft stays as typed
            self.app.writes_refused(exc)
            return
        except (RepeatBatch, RepeatOrder) as exc:
            # The store refused it inside the transaction (another process ran the same
            # batch, or a line repeats an order within the window): ask, then order again.
            if again or isinstance(exc, RepeatBatchUnsettled):
                self.notify(self.t.error(exc), severity="error", timeout=10)
                return
            question = (t("batch.repeat", id=exc.batch_id) if isinstance(exc, RepeatBatch)
                        else t("batch.repeat_order", reason=self.t.error(exc)))
            if await self.app.push_screen_wait(self._confirm(question)):
                await self._plan_and_send(again=True)
            return
        except KamengError as exc:
            self.notify(self.t.error(exc), severity="error", timeout=10)
            return
        self.grid.load(list(self.draft.rows))
        self.notify(t("batch.started", id=batch_id, n=len(plan.lines)))
        self.app.start_batch(batch_id)
        self.refresh_orders()
        self.check_rows()

    async def resume(self, batch_id: int) -> None:
        """Re-quote the unsent lines, show what changed, then send them."""
        t = self.t
        changes = await self.ctx.batch.requote(batch_id)
        if changes:
            lines = "\n".join(self._change_line(c) for c in changes[:10])
            if len(changes) > 10:
                lines += "\n" + t("batch.changes_more", n=len(changes) - 10)
            if not await self.app.push_screen_wait(self._confirm(t("batch.changes", lines=lines))):
                return
        self.app.start_batch(batch_id)
        self.refresh_orders()

    def _change_line(self, c) -> str:
        """One re-quoted line: old -> new cost, and why it may not go through."""
        t = self.t
        if c.new_cost is None:
            return t("batch.change_gone", line=c.line_id, old=fmt(c.old_cost), reason=c.reason)
        reason = t("batch.change_stock", stock=c.stock, qty=c.quantity) if c.stock is not None else ""
        return t("batch.change_line", line=c.line_id, old=fmt(c.old_cost), new=fmt(c.new_cost), reason=reason).rstrip()

    def on_screen_resume(self) -> None:
        self.refresh_orders()

    def on_resize(self) -> None:
        """Names in the status column are cut to its width, which a resize changes."""
        self.call_after_refresh(self._show)

    def on_unmount(self) -> None:
        """Quitting within the save delay keeps the last keystrokes too."""
        try:
            self.save_now()
        except Exception:  # the ledger may be closing; the last debounced save stands
            pass
