"""Batch entry: a grid typed or pasted into, every line checked with its reason on the
line, totals against the balance, drafts saved as you type; Run asks, then sends in an
App-owned task while each line shows its state. Failed lines can be edited and re-run
as new orders; unknown lines are reconciled, never resent under a new number."""

from __future__ import annotations

import asyncio
import time
from dataclasses import replace

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Static
from textual.worker import get_current_worker

from kameng_tui.domain.batch_rows import GRID_COLUMNS, Row
from kameng_tui.domain.errors import KamengError
from kameng_tui.domain.models import AccountField, Order, Product
from kameng_tui.domain.states import OrderState
from kameng_tui.messages import Localized, Msg, Plain
from kameng_tui.services.batch_entry import Draft, EntryCheck, to_send
from kameng_tui.tui.batch_choices import ChoiceLookup
from kameng_tui.tui.app_messages import BatchLinesUpdated, OrderUpdated
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
        self._saving = asyncio.Lock()
        self.orders: dict[str, Order] = {}
        self.quotes: dict = {}
        self.quoted_at = 0.0
        self.checking = False
        self.choice_lookup = ChoiceLookup(self)
        self._suggest_for = ""
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
        self.show_rows()
        self.run_worker(self._open_latest(), group="batch-open", exit_on_error=False)

    async def _open_latest(self) -> None:
        """The last draft, read off the UI thread (the grid shows empty meanwhile)."""
        draft = await asyncio.to_thread(self.entry.latest)
        if draft is not None and self.draft.draft_id is None and not any(not r.blank for r in self.grid.rows):
            self.load(draft)

    def load(self, draft: Draft) -> None:
        self.draft = draft
        self.grid.load(list(draft.rows))
        self.refresh_orders()
        self.check_rows()

    async def review(self, batch_id: int) -> None:
        """Show a batch (from the start-up offer): its draft when this app made it."""
        if batch_id not in self.draft.batch_ids:
            await self.save_async()
            entry = self.entry
            self.load(await asyncio.to_thread(lambda: entry.save(entry.draft_from_batch(batch_id))))

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
            self.suggest(event.text)
        else:
            grid.suggest(event.text, [])
            self._show_suggestions()
        self.save_draft()

    def suggest(self, text: str) -> None:
        """The products for what is typed in a SKU cell, searched in a worker thread (the
        search loads the products it shows from the catalog cache); the latest keystroke
        wins: a search not begun when another key came is skipped (not `exclusive`: no
        worker is cancelled under whoever waits for it)."""
        self._suggest_for = text

        def search() -> None:
            if self._suggest_for != text:
                return
            found = [(p.sku, p.name) for p in self.entry.suggest(text)]
            self.app.call_from_thread(self._suggested, text, found)

        self.run_worker(search, thread=True, group="batch-suggest", exit_on_error=False)

    def _suggested(self, text: str, found: list[tuple[str, str]]) -> None:
        grid = self.grid
        if grid.editing and grid.column == "sku" and grid.buf == text:      # still what is typed
            grid.suggest(text, found)
            self._show_suggestions()

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

    def row_sku(self, i: int) -> str:
        return (self.grid.rows[i].get("sku") if i < len(self.grid.rows) else "") or ""

    def choices(self, i: int) -> tuple[Product, tuple[AccountField, ...]] | None:
        """(product, choice fields) of row i's SKU, looked up once per SKU text in a worker
        (tui/batch_choices.py); None until the answer comes."""
        return self.choice_lookup.get(self.row_sku(i))

    def _pick_hint(self, i: int) -> str:
        found = self.choices(i)
        if found is None or self._locked(i):
            return ""
        _, fields = found
        names = "/".join(self.t.show(Plain(f.label, f.key)) for f in fields)
        key = (self.ctx.settings_view.keymap.get("batch.pick") or "ctrl+o").split(",")[0]
        return self.t("batch.pick_hint", keys=key, fields=names)

    @work(exclusive=True, group="batch-save", exit_on_error=False)
    async def save_draft(self) -> None:
        await asyncio.sleep(SAVE_DELAY_S)
        # the save itself in a worker no keystroke cancels: a save cut off before its
        # draft id comes back would make the next one a second draft
        self.run_worker(self.save_async(), group="batch-saving", exit_on_error=False)

    async def save_async(self) -> None:
        """The rows as typed saved as the draft, off the UI thread; saves queue up."""
        async with self._saving:
            rows = self._draft_rows()
            if not rows and self.draft.draft_id is None:
                return
            self.draft = await asyncio.to_thread(self.entry.save, replace(self.draft, rows=rows))
            self.query_one("#batch-head", Static).update(summary.head(self.t, self.draft))

    def _draft_rows(self) -> tuple[Row, ...]:
        return tuple(r for r in self.rows() if not r.blank or r.order_no)

    def save_now(self) -> None:
        """On the way out only (the app closing): the last keystrokes, saved at once."""
        rows = self._draft_rows()
        if rows or self.draft.draft_id is not None:
            self.draft = self.entry.save(replace(self.draft, rows=rows))

    @work(exclusive=True, group="batch-check", exit_on_error=False)
    async def check_rows(self) -> None:
        self.checking = True
        await asyncio.sleep(CHECK_DELAY_S)
        now = time.monotonic()
        if now - self.quoted_at > QUOTE_TTL_S:          # checks reuse quotes for a while; Run always re-quotes
            self.quotes, self.quoted_at = {}, now
        try:
            await asyncio.to_thread(self.entry.warm, [r.get("sku") or "" for r in self.grid.rows])
            self.checked = await self.entry.check(self.grid.rows, quotes=self.quotes)
        except KamengError as exc:
            self.notify(self.t.error(exc), severity="error")
        finally:
            self.checking = False
        self.show_rows()

    # --- what each line shows -----------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="batch-orders", exit_on_error=False)
    def refresh_orders(self) -> None:
        """The draft's orders as the ledger holds them, read in a thread."""
        batch_ids = self.draft.batch_ids
        orders = self.entry.orders(batch_ids)
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._got_orders, batch_ids, orders)

    def _got_orders(self, batch_ids: tuple[int, ...], orders: dict[str, Order]) -> None:
        if batch_ids == self.draft.batch_ids:
            self.orders = orders
            self.show_rows()

    def on_batch_lines_updated(self, update: BatchLinesUpdated) -> None:
        """The runner's news of this draft's batch: its lines as they now are."""
        message = update.news
        if message.batch_id not in self.draft.batch_ids:
            return
        self.orders.update({o.order_no: o for o in message.orders})
        if not message.running:
            self.refresh_orders()           # once, at the end: what a stop or an error left
        self.show_rows()

    def on_order_updated(self, message: OrderUpdated) -> None:
        """Another process settled one of these lines (the change feed)."""
        if message.order_no in self.orders:
            self.refresh_orders()

    def show_rows(self) -> None:
        t, grid = self.t, self.grid
        notes, full, bad = summary.row_notes(t, grid.rows, self.checked, self.orders, grid.status_width(), self._why)
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
        from kameng_tui.tui.batch_pick import start

        start(self)

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
        self.run_worker(self._new(), group="batch-new", exclusive=True, exit_on_error=False)

    async def _new(self) -> None:
        await self.save_async()
        if self.draft.rows and not to_send(self.draft.rows) and not self.unsent():
            await asyncio.to_thread(self.entry.discard, self.draft.draft_id)
        self.draft, self.checked, self.orders = Draft(), EntryCheck(), {}
        self.grid.load([])
        self.show_rows()
        self.notify(self.t("batch.new_draft"))

    def unsent(self) -> list[Order]:
        return [o for o in self.orders.values() if o.state is OrderState.PENDING]

    def rows_to_send(self) -> list[int]:
        return to_send(self.grid.rows)

    def action_run(self) -> None:
        from kameng_tui.tui import batch_run

        self.grid.commit()
        self.run_worker(batch_run.run(self), group="batch-run", exclusive=True, exit_on_error=False)

    async def resume(self, batch_id: int) -> None:
        """Re-quote the unsent lines, show what changed, then send them."""
        from kameng_tui.tui import batch_run

        await batch_run.resume(self, batch_id)

    def column_of(self, i: int) -> str:
        from kameng_tui.tui.widgets.batch_grid import FIELD_COLUMN

        return FIELD_COLUMN.get(self.grid.bad_field.get(i) or "", "sku")

    def on_screen_resume(self) -> None:
        self.refresh_orders()

    def on_resize(self) -> None:
        """Names in the status column are cut to its width, which a resize changes."""
        self.call_after_refresh(self.show_rows)

    def on_unmount(self) -> None:
        """Quitting within the save delay keeps the last keystrokes too."""
        try:
            self.save_now()
        except Exception:  # the ledger may be closing; the last debounced save stands
            pass
