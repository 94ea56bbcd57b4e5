"""One way to order a batch, for both faces (`kameng-tui batch run`, the app's batch
screen): lines as values in, typed outcomes out, so a face only presents and asks.

    prepare(lines)  -> Ready (the plan and what to confirm) | Invalid (every bad line)
                       | AskRepeat (the same batch ran before) | Refused (balance, ...)
    record(plan)    -> Recorded (all intents, one transaction) | AskRepeat (the store
                       found a repeated batch or line inside that transaction) | Refused
    then BatchService.send_pending / resume.

The order flow is BatchService's, unchanged (DESIGN.md "The order, end to end"): the
repeat and ref guards are decided by the store inside the intents' transaction; what
prepare says about a repeated batch is an early answer. The ledger is read and written
off the event loop, so the app's UI thread never waits on SQLite.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Mapping, Sequence

from kameng_tui.domain.batch_input import ParsedBatch
from kameng_tui.domain.errors import KamengError, RepeatBatch, RepeatBatchUnsettled, RepeatOrder
from kameng_tui.domain.money import money
from kameng_tui.services.batch import BatchInvalid, BatchPlan, BatchService, LineProblem
from kameng_tui.services.checkout import Prepared
from kameng_tui.domain.offer_split import Share


@dataclass(frozen=True)
class Confirmation:
    """What the run question shows: lines, totals, cost per supplier (to set against each
    supplier's available balance), and the lines whose number is another carrier's."""

    lines: int
    total_price: Decimal
    total_cost: Decimal
    cost_by_supplier: Mapping[str, Decimal] = field(default_factory=dict)
    mismatched: tuple[int, ...] = ()           # line numbers
    shares: tuple[Share, ...] = ()             # the offer policy's split per supplier (lines, cost, what is left)

    @classmethod
    def of(cls, prepared: Sequence[Prepared], shares: tuple[Share, ...] = ()) -> "Confirmation":
        by_supplier: dict[str, Decimal] = {}
        for p in prepared:
            by_supplier[p.product.supplier] = by_supplier.get(p.product.supplier, Decimal(0)) + p.total_cost
        return cls(lines=len(prepared), total_price=money(sum((p.total_price for p in prepared), Decimal(0))),
                   total_cost=money(sum((p.total_cost for p in prepared), Decimal(0))),
                   cost_by_supplier={k: money(v) for k, v in by_supplier.items()},
                   mismatched=tuple(p.input.line_no or 0 for p in prepared if p.mismatches), shares=shares)


@dataclass(frozen=True)
class Ready:
    plan: BatchPlan
    confirmation: Confirmation


@dataclass(frozen=True)
class Invalid:
    """Some lines are bad: all of them, nothing recorded."""

    error: BatchInvalid

    @property
    def problems(self) -> tuple[LineProblem, ...]:
        return self.error.problems


@dataclass(frozen=True)
class AskRepeat:
    """The same batch (`batch_id`), or a line repeating a recent order (`batch_id` None),
    was found: ordering it again is the reseller's explicit choice (`again`). `may_ask`
    is False when even `again` would be refused (the earlier run is not settled)."""

    error: RepeatBatch | RepeatOrder
    batch_id: int | None = None
    may_ask: bool = True


@dataclass(frozen=True)
class Refused:
    """Not ordered, and why (balance too low, a supplier's answer, a ref taken, a ledger
    that refuses writes); nothing recorded."""

    error: KamengError


@dataclass(frozen=True)
class Recorded:
    batch_id: int
    plan: BatchPlan


def _repeat(exc: RepeatBatch | RepeatOrder) -> AskRepeat:
    if isinstance(exc, RepeatBatch):
        return AskRepeat(exc, batch_id=exc.batch_id, may_ask=not isinstance(exc, RepeatBatchUnsettled))
    return AskRepeat(exc)


async def prepare(batch: BatchService, lines: str | ParsedBatch, *, source: str = "-", again: bool = False,
                  allow_duplicates: bool = False,
                  attempt_of: Mapping[int, str] | None = None) -> Ready | Invalid | AskRepeat | Refused:
    """Every line validated and re-quoted, the early repeat-batch answer, the balance."""
    try:
        plan = await batch.plan(lines, source=source, allow_duplicates=allow_duplicates, again=again,
                                attempt_of=attempt_of)
    except BatchInvalid as exc:
        return Invalid(exc)
    except RepeatBatch as exc:
        return _repeat(exc)
    except KamengError as exc:
        return Refused(exc)
    return Ready(plan, Confirmation.of(plan.lines, plan.shares))


async def record(batch: BatchService, plan: BatchPlan, *, in_thread: bool = False) -> Recorded | AskRepeat | Refused:
    """All intents in one transaction (the store's guards decide there). `in_thread`: off
    the event loop (the app's UI thread); a command keeps it on its main thread, where
    a signal (Ctrl-C) lands while the transaction runs."""
    try:
        batch_id = await asyncio.to_thread(batch.record, plan) if in_thread else batch.record(plan)
    except (RepeatBatch, RepeatOrder) as exc:
        return _repeat(exc)
    except KamengError as exc:
        return Refused(exc)
    return Recorded(batch_id, plan)
