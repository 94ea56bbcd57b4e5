"""Group commit: sends at once share one transaction, and each still waits for its own.

The promise a user relies on is unchanged: `submitted` is durable before the request
leaves, and a reply is recorded before the order is reported settled. What changes
is how many transactions (fsyncs) a batch costs, counted here on the real ledger.
"""

from __future__ import annotations

import asyncio
from datetime import datetime, timezone
from decimal import Decimal

import pytest

from kameng_tui.domain.clock import FrozenClock
from kameng_tui.domain.errors import LedgerBusy
from kameng_tui.domain.states import OrderState as S
from kameng_tui.ledger.sqlite import open_ledger
from kameng_tui.ledger.store import Move, Transition
from kameng_tui.services.group_commit import GroupCommit

from tests.ledger.test_store import intent

T0 = datetime(2026, 11, 30, 4, 0, tzinfo=timezone.utc)


class Counting:
    """The real ledger, counting the transactions group commit asks of it."""

    def __init__(self, ledger) -> None:
        self.ledger, self.groups = ledger, []

    def transition_many(self, moves, *, at):
        self.groups.append([m.order_no for m in moves])
        return self.ledger.transition_many(moves, at=at)


@pytest.fixture
def led(tmp_path):
    ledger = open_ledger(tmp_path / "data")
    ledger.create_intents([intent(i) for i in range(8)], at=T0)
    yield ledger
    ledger.close()


async def test_moves_asked_together_share_one_transaction(led):
    counting = Counting(led)
    commits = GroupCommit(counting, FrozenClock(T0))
    nos = [intent(i).order_no for i in range(8)]
    orders = await asyncio.gather(*(commits.move(Move(no, S.PENDING, S.SUBMITTED)) for no in nos))
    assert [o.state for o in orders] == [S.SUBMITTED] * 8
    assert counting.groups == [nos]                                   # one transaction for eight
    assert all(led.get(no).state is S.SUBMITTED for no in nos)       # and it is on disk
    assert led.verify().ok


async def test_moves_asked_during_a_commit_go_in_the_next_one(led):
    counting = Counting(led)
    commits = GroupCommit(counting, FrozenClock(T0))
    nos = [intent(i).order_no for i in range(4)]
    first = commits.move(Move(nos[0], S.PENDING, S.SUBMITTED))
    await asyncio.sleep(0)                                            # the writer has taken the first group
    later = [commits.move(Move(no, S.PENDING, S.SUBMITTED)) for no in nos[1:]]
    await asyncio.gather(first, *later)
    assert counting.groups == [nos[:1], nos[1:]]


async def test_a_lost_compare_and_set_does_not_undo_the_others(led):
    commits = GroupCommit(led, FrozenClock(T0))
    a, b = intent(0).order_no, intent(1).order_no
    led.transition(b, S.PENDING, S.SUBMITTED, at=T0)                  # someone else sent b first
    moved_a, moved_b = await asyncio.gather(
        commits.move(Move(a, S.PENDING, S.SUBMITTED)),
        commits.move(Move(b, S.PENDING, S.SUBMITTED)),
        )
    assert moved_a.state is S.SUBMITTED and moved_b is None
    assert [e.kind for e in led.events(b)] == ["created", "submitted"]   # no second event for b


async def test_a_failed_commit_reaches_every_waiter_and_writes_nothing(led):
    class Busy:
        def transition_many(self, moves, *, at):
            raise LedgerBusy("busy")

    commits = GroupCommit(Busy(), FrozenClock(T0))
    nos = [intent(i).order_no for i in range(3)]
    results = await asyncio.gather(*(commits.move(Move(no, S.PENDING, S.SUBMITTED)) for no in nos),
                                   return_exceptions=True)
    assert all(isinstance(r, LedgerBusy) for r in results)
    assert all(led.get(no).state is S.PENDING for no in nos)


async def test_amounts_and_fields_are_recorded_as_by_transition(led):
    commits = GroupCommit(led, FrozenClock(T0))
    no = intent(0).order_no
    await commits.move(Move(no, S.PENDING, S.SUBMITTED))
    done = await commits.move(Move(no, S.SUBMITTED, S.SUCCEEDED,
                                   Transition(charged=Decimal("98.5"), supplier_order_no="SO-1", delivered_qty=1)))
    assert done.state is S.SUCCEEDED and done.charged == Decimal("98.5000") and done.supplier_order_no == "SO-1"
    assert done == led.get(no)
    assert led.verify().ok


async def test_a_send_cancelled_before_the_request_left_goes_back_to_pending(ctx):
    """The TUI quits while a send waits for its `submitted` commit: the request never
    left, so the order must not stay `submitted` (maybe sent) but return to pending."""
    from kameng_tui.services.checkout import OrderInput
    from tests.engine.test_checkout import PHONE, a_product

    product = await a_product(ctx, "direct")
    no = ctx.checkout.commit_intent(await ctx.checkout.prepare(OrderInput(sku=product.sku, fields={"account": PHONE})))
    placed = []
    supplier = ctx.suppliers.get("demo")
    original = supplier.place_order

    async def spy(request):
        placed.append(request)
        return await original(request)

    supplier.place_order = spy
    task = asyncio.ensure_future(ctx.engine.send(no))
    await asyncio.sleep(0)                    # the send has asked for `submitted`, nothing sent yet
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    for _ in range(500):                      # the `submitted` commit lands, then is undone (at most 5 s)
        if [e.kind for e in ctx.ledger.events(no)][-1:] == ["unsent"]:
            break
        await asyncio.sleep(0.01)
    assert placed == []
    assert ctx.ledger.get(no).state is S.PENDING
    assert [e.kind for e in ctx.ledger.events(no)] == ["created", "submitted", "pending", "unsent"]
