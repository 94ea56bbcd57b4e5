"""A batch: every line validated first, all intents in one transaction, then sent
with bounded concurrency under the send lock.

Batch identity = hash of the sorted (resolved SKU, account fields, quantity) lines
(domain.idempotency): running the same lines twice is refused unless `again`, by the
store inside the intents' transaction (batch_keys). Resume re-quotes unsent lines and
reports changes before sending; cancel marks unsent lines `cancelled`, except a line
once submitted (refused after `submitted`: the supplier may hold it), which is
cancelled only as `order cancel` would: after the supplier answers "not found" past
its grace time.

A supplier that refuses our key id, secret or clock would refuse every line the same
way: once it has (the adapter counts such refusals, `refusals`/`last_refusal`), the
batch sends it no further line; they stay pending for a resume once it is fixed.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Callable, Mapping, Protocol, Sequence

from kameng_tui.domain.batch_input import BatchLine, ParsedBatch, duplicate_keys, parse_batch
from kameng_tui.domain.errors import (REFUSED_US, BadInput, KamengError, NoSuchBatch, RefTaken, RepeatBatch,
                                      RepeatOrder)
from kameng_tui.domain.idempotency import batch_identity_of
from kameng_tui.domain.models import Order
from kameng_tui.domain.money import fmt, money
from kameng_tui.domain.states import OrderState, once_submitted
from kameng_tui.ledger.store import Batch, NewBatch
from kameng_tui.messages import HasMsg, Localized, Msg
from kameng_tui.services.checkout import OrderInput, Prepared, Quotes
from kameng_tui.ledger.ports import BatchStore, OrderStore
from kameng_tui.services.supplier_set import SupplierSet
from kameng_tui.services.engine import OrderEngine
from kameng_tui.domain.clock import Clock
from kameng_tui.ledger.ports import SendGate
from kameng_tui.services.command_orders import CommandOrders
from kameng_tui.services.checkout import CheckoutService
from kameng_tui.services.crash import crash_point
from kameng_tui.services.pending import PendingActions, may_have_left
from kameng_tui.services.batch_refusals import Refusals
from kameng_tui.services.batch_failover import LineFailover, policy_lines
from kameng_tui.services.failover import Offers
from kameng_tui.services.batch_offers import LineChoices, choose_lines, prepare_line, reshare
from kameng_tui.domain.offer_split import Share

Progress = Callable[[int, int, Order], None]


class BatchLedger(OrderStore, BatchStore, Protocol):
    """A batch's intents and their orders, and the batch runs themselves."""


@dataclass(frozen=True)
class LineProblem(HasMsg):
    line: int
    field: str | None
    msg: Localized
    code: str = "bad_input"
    other: int | None = None          # the earlier line a duplicate or a reused ref points to
    suggestions: tuple[str, ...] = ()  # did you mean: SKUs near an unknown one


AHEAD_PER_SLOT = 0.25
"""Lines committed ahead of a free slot, per slot of concurrency."""


class BatchInvalid(BadInput):
    """Some lines are bad: all of them are listed, nothing is recorded."""

    code = "batch_invalid"

    def __init__(self, problems: Sequence[LineProblem]) -> None:
        self.problems = tuple(problems)
        first = self.problems[0]
        super().__init__(Msg("err.batch.invalid", n=len(self.problems), line=first.line, first=first.msg),
                         field=first.field, line=first.line)


@dataclass(frozen=True)
class BatchCheck:
    """A batch as validated, line by line: what would be ordered, and every problem."""

    lines: tuple[BatchLine, ...]
    prepared: Mapping[int, Prepared]          # line number -> validated, quoted line
    problems: tuple[LineProblem, ...]
    shares: tuple[Share, ...] = ()            # the offer policy's split per supplier (services/batch_offers.py)

    def bad_lines(self) -> set[int]:
        return {p.line for p in self.problems}


@dataclass(frozen=True)
class BatchPlan:
    identity: str
    source: str
    lines: tuple[Prepared, ...]
    warnings: tuple[LineProblem, ...] = ()
    again: bool = False               # run the same lines once more (the next repeat of the batch)
    allow_duplicates: bool = False    # no repeat window, in the file or against the ledger
    shares: tuple[Share, ...] = ()    # the offer policy's split per supplier: the confirmation shows it

    @property
    def total_cost(self) -> Decimal:
        return money(sum((p.total_cost for p in self.lines), Decimal(0)))

    @property
    def total_price(self) -> Decimal:
        return money(sum((p.total_price for p in self.lines), Decimal(0)))


@dataclass(frozen=True)
class PriceChange:
    order_no: str
    line_id: int | None
    old_cost: Decimal
    new_cost: Decimal | None          # None = no longer orderable
    reason: Localized | str = ""     # why it is no longer orderable, or ""
    stock: int | None = None          # set when the supplier has fewer than the line wants
    quantity: int = 1


@dataclass
class BatchOutcome:
    batch_id: int
    orders: list[Order] = field(default_factory=list)
    changes: list[PriceChange] = field(default_factory=list)
    stopped: dict[str, Localized] = field(default_factory=dict)
    """Suppliers this run stopped sending to (our key or clock refused), and why."""

    def count(self, state: OrderState) -> int:
        return sum(1 for o in self.orders if o.state is state)


@dataclass(frozen=True)
class KeptLine:
    """A pending line `batch cancel` did not cancel, and why: `query_failed` or
    `not_found_yet` (left pending; ask again later), or `found` (the supplier holds it
    after all: now unknown or the supplier's state, with a `pending_found` anomaly)."""

    order: Order
    status: str


@dataclass(frozen=True)
class CancelOutcome:
    batch_id: int
    cancelled: tuple[Order, ...] = ()
    kept: tuple[KeptLine, ...] = ()


CANCEL_QUERIES = 4
"""Suppliers asked at once by `batch cancel` about lines once submitted."""


class BatchService:
    def __init__(self, ledger: BatchLedger, suppliers: SupplierSet, checkout: CheckoutService, engine: OrderEngine,
                 send_lock: SendGate, pending: PendingActions, clock: Clock, orders: CommandOrders) -> None:
        self.ledger, self.suppliers, self.checkout, self.engine = ledger, suppliers, checkout, engine
        self.send_lock, self.pending, self.clock, self.orders = send_lock, pending, clock, orders

    # --- plan --------------------------------------------------------------------------
    async def check(self, lines: str | ParsedBatch, *, allow_duplicates: bool = False, quotes: Quotes | None = None,
                    attempt_of: Mapping[int, str] | None = None) -> BatchCheck:
        """Every line validated and quoted; never raises for bad lines (the TUI shows each
        reason on its line). `lines` are values (the app's grid), or a file's text, parsed
        here once. `attempt_of` maps a line number to the failed order it retries. The
        ledger is read off the event loop (the app's screens call this)."""
        parsed = parse_batch(lines) if isinstance(lines, str) else lines
        problems = [LineProblem(e.line, e.field, e.msg, e.code) for e in parsed.errors]
        if not parsed.lines and not problems:
            problems.append(LineProblem(0, None, Msg("err.batch.empty"), "empty"))
        checkout = self.checkout
        picks = LineChoices({})
        if checkout.picker is not None and parsed.lines:
            picks = await asyncio.to_thread(choose_lines, checkout.picker, parsed.lines,
                                            checkout.config.checkout.max_price_rise)
        if not allow_duplicates:
            for a, b in duplicate_keys(parsed.lines, picks.keys):
                problems.append(LineProblem(b, "account", Msg("err.batch.duplicate_line", line=a), "duplicate_line",
                                            other=a))
        quotes = {} if quotes is None else quotes
        prepared: dict[int, Prepared] = {}
        refs: dict[str, int] = {}
        wanted = {line.ref for line in parsed.lines if line.ref}
        taken = await asyncio.to_thread(self._refs_taken, wanted) if wanted else set()
        moved = False
        for line in parsed.lines:
            inp = OrderInput(sku=line.sku, fields=dict(line.fields), quantity=line.quantity, ref=line.ref,
                             customer=line.customer, note=line.note, price=line.price, line_no=line.line_no,
                             attempt_of=(attempt_of or {}).get(line.line_no), allow_loss=line.allow_loss)
            choice = picks.choices.get(line.line_no)
            try:
                p, choice = await prepare_line(checkout, line, inp, choice, quotes)
            except KamengError as exc:
                problems.append(LineProblem(line.line_no, exc.field, exc.msg, exc.code,
                                            suggestions=getattr(exc, "suggestions", ())))
                continue
            moved = moved or choice is not picks.choices.get(line.line_no)
            p = replace(p, choice=choice, product_key=picks.keys.get(line.sku.strip()))
            if line.ref and (line.ref in refs or line.ref in taken):
                where = Msg("batch.where.line", line=refs[line.ref]) if line.ref in refs else Msg("batch.where.earlier")
                problems.append(LineProblem(line.line_no, "ref", Msg("err.batch.ref_used", ref=line.ref, where=where),
                                            "ref_used", other=refs.get(line.ref)))
                continue
            if line.ref:
                refs[line.ref] = line.line_no
            prepared[line.line_no] = p
        shares = picks.shares
        if moved and checkout.picker is not None:     # a line took the next offer: the split as the lines took it
            states = await asyncio.to_thread(checkout.picker.board.supplier_states)
            shares = reshare(picks.shares, ((p.product.supplier, p.quantity, p.total_cost) for p in prepared.values()
                                            if p.choice is not None and p.choice.chosen is not None),
                             {name: st.available for name, st in states.items()})
        return BatchCheck(lines=parsed.lines, prepared=prepared, problems=tuple(sorted(problems, key=lambda p: p.line)),
                          shares=shares)

    def _prior(self, identity: str, legacy: str) -> Batch | None:
        found = self.ledger.batch_by_identity(identity)
        return found if found is not None or legacy == identity else self.ledger.batch_by_identity(legacy)

    def _refs_taken(self, refs: set[str]) -> set[str]:
        return {r for r in refs if self.ledger.by_ref(r)}

    async def plan(self, lines: str | ParsedBatch, *, source: str = "-", allow_duplicates: bool = False,
                   again: bool = False, attempt_of: Mapping[int, str] | None = None) -> BatchPlan:
        checked = await self.check(lines, allow_duplicates=allow_duplicates, attempt_of=attempt_of)
        if checked.problems:
            raise BatchInvalid(checked.problems)
        prepared = list(checked.prepared.values())
        identity = batch_identity_of((p.product_key or p.product.sku, {**p.account, **p.sealed}, p.quantity)
                                     for p in prepared)
        # a batch recorded before offers keyed its lines on the SKU: that identity is the same batch
        legacy = batch_identity_of((p.product.sku, {**p.account, **p.sealed}, p.quantity) for p in prepared)
        if not again:                 # an early answer; the store decides in the intents' transaction
            prior = await asyncio.to_thread(self._prior, identity, legacy)
            if prior is not None:
                raise RepeatBatch(Msg("err.batch.repeat", batch_id=prior.batch_id), batch_id=prior.batch_id,
                                  field="batch")
        warnings = tuple(LineProblem(p.input.line_no or 0, m.field, m.msg, m.code)
                         for p in prepared for m in p.mismatches)
        plan = BatchPlan(identity=identity, source=source, lines=tuple(prepared), again=again,
                         allow_duplicates=allow_duplicates, warnings=warnings, shares=checked.shares)
        await self._check_balance(plan.lines)
        return plan

    async def _check_balance(self, lines: Sequence[Prepared]) -> None:
        need: dict[str, Decimal] = {}
        for p in lines:
            need[p.product.supplier] = need.get(p.product.supplier, Decimal(0)) + p.total_cost
        for supplier, total in need.items():
            available = await self.checkout.available(supplier)
            if available is not None and total > available:
                raise BadInput(Msg("err.batch.balance", supplier=supplier, needed=fmt(total), available=fmt(available)))

    # --- run ---------------------------------------------------------------------------
    def record(self, plan: BatchPlan) -> int:
        """All intents in one transaction; returns the batch id. The store checks the
        batch identity (RepeatBatch, RepeatBatchUnsettled), each line's ref and, unless
        `again` or `allow_duplicates`, the repeat window against the ledger and the
        lines before it (RepeatOrder): then nothing is recorded."""
        checkout = self.checkout
        intents = [checkout.new_intent(p, line_id=i + 1) for i, p in enumerate(plan.lines)]
        self.orders.touch(*(n.order_no for n in intents))
        repeat = checkout.repeat_guard(plan.again or plan.allow_duplicates)
        try:
            batch_id = self.ledger.create_intents(
                intents, NewBatch(identity=plan.identity, source=plan.source, line_count=len(intents), again=plan.again),
                at=self.clock.now(), repeat=repeat)
        except (RepeatOrder, RefTaken) as exc:     # line_id -> the line number in the file
            if exc.line is not None and 0 < exc.line <= len(plan.lines):
                exc.line = plan.lines[exc.line - 1].input.line_no
            raise
        assert batch_id is not None
        crash_point("after-intent")
        return batch_id

    async def run(self, plan: BatchPlan, *, concurrency: int = 4, progress: Progress | None = None,
                  offers: Mapping[str, Offers] | None = None) -> BatchOutcome:
        batch_id = self.record(plan)
        return await self.send_pending(batch_id, concurrency=concurrency, progress=progress, offers=offers)

    async def send_pending(self, batch_id: int, *, concurrency: int = 4, progress: Progress | None = None,
                           stop: Callable[[], bool] | None = None,
                           stopped: Mapping[str, Localized] | None = None,
                           offers: Mapping[str, Offers] | None = None) -> BatchOutcome:
        """Send the pending lines. Once `stop()` is true, lines not yet started stay
        pending (kept for a later resume or cancel); lines in flight finish. Lines of a
        supplier in `stopped`, or that refuses our key or clock during this run, stay
        pending too.

        At most `concurrency` requests are at the supplier at once. A few lines more
        (AHEAD_PER_SLOT of them a slot, at least one) may have their `submitted`
        committed while they wait for a slot, so a freed slot is taken at once instead
        of after an fsync; a line that never gets its slot goes back to pending.

        A line that fails (the ledger refused a write, the send session is gone) stops
        the batch as `stop()` does: no line starts after it, lines in flight finish and
        record their answers, then that first error is raised. Raising at once would
        leave the other lines running in the loop with the send gate already released.

        `offers` (product id -> its ranked offers): a line that fails with nothing created
        is followed by the next offer on the same line (services/batch_failover.py). None:
        the lines the policy chose for (not pinned) fail over, on their local offers; {}: none.
        """
        pending = [o for o in self.ledger.batch_orders(batch_id) if o.state is OrderState.PENDING]
        concurrency = max(1, concurrency)
        limit = asyncio.Semaphore(concurrency)
        window = asyncio.Semaphore(concurrency + max(1, int(concurrency * AHEAD_PER_SLOT)))
        done = 0
        halted = Refusals(self.suppliers, {o.supplier for o in pending}, stopped)
        failing_over = await self._failing_over(pending, offers)

        failed: list[Exception] = []

        def held_back(order: Order) -> bool:
            """Not to be sent now: the batch was stopped or a line failed, or its supplier refused us."""
            return bool(failed) or (stop is not None and stop()) or halted.now(order.supplier)

        async def line(order: Order) -> None:
            """A line: its order, then each next attempt while it fails over."""
            nxt: Order | None = order
            while nxt is not None:
                nxt = await one(nxt)

        async def one(order: Order) -> Order | None:
            nonlocal done
            async with window:
                if held_back(order):
                    return None
                if once_submitted(order):
                    # refused after `submitted` once: ask the supplier before sending it again
                    order, known = await self.engine.ask_first(order)
                    if not known or order.state is not OrderState.PENDING:
                        done += 1
                        if progress is not None:
                            progress(done, len(pending), order)
                        return None
                submitted = await self.engine.submit(order)
                if submitted is None:
                    after = self.ledger.get(order.order_no) or order
                else:
                    try:
                        await limit.acquire()
                    except asyncio.CancelledError:
                        self.engine.unsubmit(submitted)
                        raise
                    slot = [True]

                    def free() -> None:    # once: when the supplier answered, or at the latest here
                        if slot:
                            slot.clear()
                            limit.release()

                    try:
                        if held_back(order):
                            self.engine.unsubmit(submitted)
                            return None
                        after = await self.engine.place(submitted, answered=free)
                    finally:
                        free()
            nxt = None if failing_over is None else await failing_over.next_of(after)
            if nxt is not None and nxt.state is OrderState.PENDING:
                return nxt
            done += 1
            if progress is not None:
                progress(done, len(pending), nxt or after)
            return None

        async def guarded(order: Order) -> None:
            try:
                await line(order)
            except Exception as exc:
                failed.append(exc)

        async with self.send_lock.held():
            with self.ledger.anchor_deferred():
                await asyncio.gather(*(guarded(o) for o in pending))
        if failed:
            raise failed[0]
        return BatchOutcome(batch_id=batch_id, orders=self.ledger.batch_orders(batch_id), stopped=halted.why())

    async def _failing_over(self, pending: Sequence[Order], offers: Mapping[str, Offers] | None) -> LineFailover | None:
        """`offers` as given (tests), else the lines the policy chose for, found from the
        ledger and the local catalog (as CheckoutFlow.place finds a single order's)."""
        if offers is not None:
            return LineFailover(self.checkout.failover, offers) if offers else None
        if not pending:
            return None
        failover = self.checkout.failover
        found, lines = await asyncio.to_thread(policy_lines, pending, self.checkout.ledger.events, failover.offers_of)
        return LineFailover(failover, found, lines) if lines else None

    # --- resume, cancel, read ----------------------------------------------------------
    async def requote(self, batch_id: int, refused: dict[str, Localized] | None = None) -> list[PriceChange]:
        """Price or stock changes of the unsent lines since they were recorded. A
        supplier that refuses our key or clock is asked once, not once per line; it
        is added to `refused` (the batch then sends it nothing)."""
        changes = []
        refused = {} if refused is None else refused
        for order in await asyncio.to_thread(self._unsent, batch_id):
            if order.supplier in refused:
                changes.append(PriceChange(order.order_no, order.line_id, order.unit_cost, None,
                                           refused[order.supplier], quantity=order.quantity))
                continue
            supplier = self.suppliers.get(order.supplier)
            try:
                quote = await supplier.quote(order.product_id, order.quantity)
            except KamengError as exc:
                if isinstance(exc, REFUSED_US):
                    refused[order.supplier] = exc.msg
                changes.append(PriceChange(order.order_no, order.line_id, order.unit_cost, None, exc.msg,
                                           quantity=order.quantity))
                continue
            new_cost = money(quote.unit_cost)
            stock = quote.product.stock
            short = stock is not None and stock < order.quantity
            if new_cost != order.unit_cost or short:
                reason: Localized | str = Msg("batch.change.stock", stock=stock) if short else ""
                changes.append(PriceChange(order.order_no, order.line_id, order.unit_cost, new_cost, reason,
                                           stock=stock if short else None, quantity=order.quantity))
        return changes

    async def resume(self, batch_id: int, *, confirm: Callable[[list[PriceChange]], bool] | None = None,
                     concurrency: int = 4, progress: Progress | None = None,
                     stop: Callable[[], bool] | None = None, offers: Mapping[str, Offers] | None = None) -> BatchOutcome:
        self._batch(batch_id)
        refused: dict[str, Localized] = {}
        changes = await self.requote(batch_id, refused)
        if changes and confirm is not None and not confirm(changes):
            return BatchOutcome(batch_id=batch_id, orders=self.ledger.batch_orders(batch_id), changes=changes,
                                stopped=refused)
        outcome = await self.send_pending(batch_id, concurrency=concurrency, progress=progress, stop=stop,
                                          stopped=refused, offers=offers)
        outcome.changes = changes
        return outcome

    async def cancel(self, batch_id: int) -> CancelOutcome:
        """Cancel the unsent lines. A line never submitted is cancelled at once; a line once
        submitted (refused after `submitted`) only after its supplier says "not found"
        past the not-found grace. Found there, it moves pending -> unknown with an anomaly
        and takes the supplier's state; no answer, or "not found" within the grace, it
        stays pending. Under the send lock, so no one sends a line meanwhile."""
        self._batch(batch_id)
        actions = self.pending
        asking = asyncio.Semaphore(CANCEL_QUERIES)

        async def one(order: Order) -> Order | KeptLine:
            if may_have_left(self.ledger, order):
                async with asking:
                    why = await actions.may_cancel(order)
                if why is not None:
                    after = self.ledger.get(order.order_no) or order
                    return KeptLine(after, why if why in ("query_failed", "not_found_yet") else "found")
            self.ledger.transition(order.order_no, OrderState.PENDING, OrderState.CANCELLED, at=self.clock.now())
            return self.ledger.get(order.order_no) or order

        async with self.send_lock.held():
            done = await asyncio.gather(*(one(o) for o in self._unsent(batch_id)))
        cancelled = tuple(o for o in done if isinstance(o, Order) and o.state is OrderState.CANCELLED)
        return CancelOutcome(batch_id, cancelled, tuple(k for k in done if isinstance(k, KeptLine)))

    def _unsent(self, batch_id: int) -> list[Order]:
        return [o for o in self.ledger.batch_orders(batch_id) if o.state is OrderState.PENDING]

    def _batch(self, batch_id: int) -> Batch:
        batch = self.ledger.get_batch(batch_id)
        if batch is None:
            raise NoSuchBatch(Msg("err.batch.none", batch_id=batch_id), batch_id=batch_id)
        return batch

    def show(self, batch_id: int) -> tuple[Batch, list[Order]]:
        return self._batch(batch_id), self.ledger.batch_orders(batch_id)

    def list(self, limit: int = 50) -> list[Batch]:
        return self.ledger.list_batches(limit)
