"""Batch entry for the terminal app: drafts saved as they are typed (their own table,
never an intent), every row checked through BatchService.check with its reason, the
plan and intents through BatchService, unsent batches for the start-up offer.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass, field, replace
from typing import Mapping, Protocol, Sequence

from kameng_tui.domain.accounts import CarrierMismatch
from kameng_tui.domain.batch_rows import EXTRA_KEYS, GRID_COLUMNS, Row, grid_lines, parse_extra
from kameng_tui.domain.errors import KamengError
from kameng_tui.domain.models import AccountField, Order, Product, Rule
from kameng_tui.domain.states import OrderState
from kameng_tui.ledger.store import Batch
from kameng_tui.messages import Joined, Localized, Msg
from kameng_tui.services import batch_order
from kameng_tui.services.batch import LineProblem
from kameng_tui.services.batch_order import AskRepeat, Confirmation, Invalid, Ready, Refused
from kameng_tui.services.checkout import Prepared, Quotes
from kameng_tui.ledger.ports import BatchStore, DraftStore
from kameng_tui.domain.clock import Clock
from kameng_tui.domain.offer_split import Share
from kameng_tui.services.catalog import CatalogService
from kameng_tui.services.batch import BatchService


class EntryStore(BatchStore, DraftStore, Protocol):
    """What batch entry keeps: its drafts, and a past batch's lines to start one from."""


@dataclass(frozen=True)
class Draft:
    draft_id: int | None = None
    rows: tuple[Row, ...] = ()
    batch_ids: tuple[int, ...] = ()        # batches run from this draft (first run, retries)

    def to_json(self) -> str:
        return json.dumps({"rows": [r.as_json() for r in self.rows], "batch_ids": list(self.batch_ids)},
                          ensure_ascii=False, sort_keys=True)


@dataclass(frozen=True)
class RowCheck:
    ok: bool
    msg: Localized | None = None          # why the row cannot be ordered
    field: str | None = None
    prepared: Prepared | None = None

    @property
    def mismatches(self) -> tuple[CarrierMismatch, ...]:
        """Numbers of another carrier than the product's: orderable, asked about once."""
        return () if self.prepared is None else self.prepared.mismatches

    @property
    def message(self) -> str:
        return "" if self.msg is None else self.msg.text("zh")

    @property
    def message_en(self) -> str:
        return "" if self.msg is None else self.msg.text("en")


@dataclass(frozen=True)
class EntryCheck:
    rows: Mapping[int, RowCheck] = field(default_factory=dict)    # row index -> result (rows to send only)
    shares: tuple[Share, ...] = ()     # the offer policy's split per supplier (services/batch_offers.py)

    @property
    def good(self) -> list[Prepared]:
        return [c.prepared for c in self.rows.values() if c.ok and c.prepared is not None]

    @property
    def bad(self) -> list[int]:
        return sorted(i for i, c in self.rows.items() if not c.ok)

    @property
    def mismatched(self) -> list[int]:
        """Good rows whose number belongs to another carrier than the product's."""
        return sorted(i for i, c in self.rows.items() if c.ok and c.mismatches)

    def confirmation(self) -> Confirmation:
        """The run question's figures, worked out as `batch run` works them out."""
        return Confirmation.of(self.good, self.shares)


@dataclass(frozen=True)
class RowsRecorded:
    """The grid's rows became intents: the batch, and the draft whose rows know their orders."""

    batch_id: int
    draft: Draft


def _on_grid(p: LineProblem, line_row: Mapping[int, int]) -> LineProblem:
    """A problem worded for the grid: other lines by their row number, no CLI flags."""
    if p.code == "duplicate_line" and p.other is not None and p.other in line_row:
        n = line_row[p.other] + 1
        return replace(p, msg=Msg("err.grid.duplicate_row", row=n))
    if p.code == "ref_used":
        where = (Msg("batch.where.row", row=line_row[p.other] + 1) if p.other is not None and p.other in line_row
                 else Msg("batch.where.earlier"))
        return replace(p, msg=Msg("err.grid.ref_used", where=where))
    return p


def to_send(rows: Sequence[Row]) -> list[int]:
    """Rows that would become orders: typed, and not already an order."""
    return [i for i, r in enumerate(rows) if not r.blank and r.order_no is None]


class BatchEntryService:
    def __init__(self, ledger: EntryStore, batch: BatchService, catalog: CatalogService, clock: Clock) -> None:
        self.ledger, self.batch, self.catalog, self.clock = ledger, batch, catalog, clock

    # --- drafts ------------------------------------------------------------------------------
    def draft_from_batch(self, batch_id: int) -> Draft:
        """A batch made by the CLI or an earlier session, as rows to review."""
        return draft_from_batch(self.ledger, batch_id)

    def save(self, draft: Draft) -> Draft:
        draft_id = self.ledger.save_draft(draft.draft_id, draft.to_json(), at=self.clock.now())
        return replace(draft, draft_id=draft_id)

    def latest(self) -> Draft | None:
        found = self.ledger.load_draft()
        if found is None:
            return None
        draft_id, body = found
        data = json.loads(body)
        return Draft(draft_id=draft_id, rows=tuple(Row.from_json(r) for r in data.get("rows", ())),
                     batch_ids=tuple(data.get("batch_ids", ())))

    def discard(self, draft_id: int | None) -> None:
        if draft_id is not None:
            self.ledger.delete_draft(draft_id)

    # --- checking ------------------------------------------------------------------------------
    async def check(self, rows: Sequence[Row], quotes: Quotes | None = None) -> EntryCheck:
        """Every row to send, checked as `batch run` would; the reason on each bad row."""
        out: dict[int, RowCheck] = {}
        shares: tuple[Share, ...] = ()
        include = []
        for i in to_send(rows):
            _, bad_token = parse_extra(rows[i].get("extra"))
            if bad_token is not None:
                out[i] = RowCheck(False, Msg("err.grid.extra", token=bad_token), "extra")
            else:
                include.append(i)
        if include:
            lines, line_row = grid_lines(rows, include)
            attempts = {n: a for n, i in line_row.items() if (a := rows[i].attempt_of)}
            checked = await self.batch.check(lines, quotes=quotes, attempt_of=attempts)
            shares = checked.shares
            problems: dict[int, list[LineProblem]] = {}
            for p in checked.problems:
                if p.line in line_row:
                    problems.setdefault(line_row[p.line], []).append(_on_grid(p, line_row))
            for line_no, i in line_row.items():
                found = problems.get(i)
                if found:
                    hint = self._field_hint(rows[i], found[0].field, found[0].message)
                    reasons = Joined([p.msg for p in found])
                    out[i] = RowCheck(False, reasons if hint is None else Joined([reasons, hint], sep=None),
                                      found[0].field)
                else:
                    out[i] = RowCheck(True, prepared=checked.prepared.get(line_no))
        return EntryCheck(rows=dict(sorted(out.items())), shares=shares)

    def _field_hint(self, row: Row, key: str | None, said: str) -> Msg | None:
        """For a field typed in "other fields" (大区, 服务器): how to write it and its choices."""
        if key not in EXTRA_KEYS or key == "price":
            return None
        try:
            product = self.catalog.product(row.get("sku"))
        except KamengError:
            return None
        f = product.field(key)
        if f is None:
            return None
        values, _ = parse_extra(row.get("extra"))
        options = f.option_tree.get(values.get(f.depends_on or "", ""), ()) if f.depends_on else f.options
        shown = "/".join(options[:6]) + ("/..." if len(options) > 6 else "")
        if not shown or options[0] in said:          # the reason lists the choices already
            return Msg("grid.hint.extra", key=key)
        return Msg("grid.hint.extra_choices", key=key, shown=shown)

    async def plan(self, rows: Sequence[Row], *, again: bool = False) -> Ready | Invalid | AskRepeat | Refused:
        """The batch of every unsent row, as `batch run` prepares one (services/batch_order.py)."""
        include = to_send(rows)
        lines, line_row = grid_lines(rows, include)
        attempts = {n: a for n, i in line_row.items() if (a := rows[i].attempt_of)}
        return await batch_order.prepare(self.batch, lines, source="tui", again=again, attempt_of=attempts)

    async def record(self, draft: Draft, ready: Ready) -> RowsRecorded | AskRepeat | Refused:
        """All intents in one transaction; each row learns its order number; the draft is
        saved (off the event loop)."""
        recorded = await batch_order.record(self.batch, ready.plan, in_thread=True)
        if not isinstance(recorded, batch_order.Recorded):
            return recorded
        return await asyncio.to_thread(self._rows_recorded, draft, recorded)

    def _rows_recorded(self, draft: Draft, recorded: batch_order.Recorded) -> RowsRecorded:
        # plan line index -> row index: grid lines are numbered row index + 1
        plan_rows = {n: p.input.line_no - 1 for n, p in enumerate(recorded.plan.lines) if p.input.line_no is not None}
        rows = list(draft.rows)
        for order in self.ledger.batch_orders(recorded.batch_id):
            if order.line_id is not None and order.line_id - 1 in plan_rows:
                i = plan_rows[order.line_id - 1]
                rows[i] = replace(rows[i], order_no=order.order_no)
        saved = self.save(replace(draft, rows=tuple(rows), batch_ids=draft.batch_ids + (recorded.batch_id,)))
        return RowsRecorded(recorded.batch_id, saved)

    # --- reading orders and batches -----------------------------------------------------------------
    def orders(self, batch_ids: Sequence[int]) -> dict[str, Order]:
        out = {}
        for b in batch_ids:
            out.update({o.order_no: o for o in self.ledger.batch_orders(b)})
        return out

    def unsent_batches(self) -> list[Batch]:
        return [b for b in self.batch.list(200) if b.counts.get(OrderState.PENDING.value, 0)]

    def suggest(self, text: str, limit: int = 5) -> list[Product]:
        """Products for what is typed in a SKU cell: a SKU as is, else pinyin search."""
        from kameng_tui.domain.catalog_query import Query

        if not text.strip():
            return []
        try:
            return list(self.catalog.search(Query(text=text), limit=limit).rows)
        except KamengError:
            return []

    def warm(self, skus: Sequence[str]) -> None:
        """Load these SKUs' products (and the index, after a sync) into the catalog's
        memory: called in a worker thread before `check`, whose catalog reads then find
        them there instead of reading SQLite on the event loop."""
        for sku in dict.fromkeys(s.strip() for s in skus if s and s.strip()):
            try:
                self.catalog.product(sku)
            except KamengError:
                continue

    def choice_fields(self, sku: str) -> tuple[Product, tuple[AccountField, ...]] | None:
        """The product of a SKU cell and its fields chosen from a list (大区, 服务器),
        which the grid keeps in "other fields"; None when there are none."""
        if not sku.strip():
            return None
        try:
            product = self.catalog.product(sku.strip())
        except KamengError:
            return None
        fields = tuple(f for f in product.account_fields
                       if f.key in EXTRA_KEYS and f.rule is Rule.CHOICE and (f.options or f.option_tree))
        return (product, fields) if fields else None

    def is_sku(self, text: str) -> bool:
        """Whether the synced catalog holds this SKU, from the index in memory (no
        product is loaded: the grid asks on the UI thread). Before the index is built
        (just after a sync) the text counts as a SKU: it is kept, and the check judges it."""
        known = self.catalog.has_sku(text.strip())
        return True if known is None else known


def draft_from_batch(ledger: BatchStore, batch_id: int) -> Draft:
    """A batch made by the CLI or an earlier session, as rows to review."""
    rows = []
    for o in ledger.batch_orders(batch_id):
        extra = " ".join(f"{k}={v}" for k, v in o.account.items() if k != "account")
        cells = {"sku": o.sku, "account": o.account.get("account", ""), "quantity": str(o.quantity),
                 "customer": o.customer or "", "ref": o.ref or "", "note": o.note or "", "extra": extra}
        rows.append(Row(cells=tuple(cells[c] for c in GRID_COLUMNS), order_no=o.order_no))
    return Draft(rows=tuple(rows), batch_ids=(batch_id,))
