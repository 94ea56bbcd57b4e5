"""Batches: every line validated first, one transaction of intents, identity, resume, cancel."""

from __future__ import annotations

import asyncio

import pytest

from kameng_tui.domain.errors import BadInput
from kameng_tui.domain.history import HistoryFilter
from kameng_tui.domain.states import OrderState
from kameng_tui.services.batch import AHEAD_PER_SLOT, BatchInvalid

GOOD = "sku,account,quantity,ref\ndemo:HF-CM-10,13800000001,1,A1\ndemo:HF-LT-20,13100000002,1,A2\ndemo:HF-DX-30,13300000003,1,A3\n"


def n_orders(ctx) -> int:
    return len(ctx.ledger.history(HistoryFilter(), limit=1000).items)


async def test_batch_runs_all_lines(ctx):
    seen = []
    plan = await ctx.batch.plan(GOOD, source="t.csv")
    outcome = await ctx.batch.run(plan, concurrency=2, progress=lambda d, n, o: seen.append((d, n)))
    assert len(outcome.orders) == 3
    assert sorted(o.line_id for o in outcome.orders) == [1, 2, 3]
    assert all(o.state is not OrderState.PENDING for o in outcome.orders)
    assert seen[-1] == (3, 3)


async def test_bad_lines_are_all_listed_and_nothing_recorded(ctx):
    text = ("demo:HF-CM-10 13800000001\n"
            "demo:HF-CM-10 1380000\n"          # bad phone
            "demo:NO-SUCH 13800000002\n"       # unknown sku
            "demo:HF-CM-10 13800000001\n")     # duplicate of line 1
    with pytest.raises(BatchInvalid) as err:
        await ctx.batch.plan(text)
    assert [p.line for p in err.value.problems] == [2, 3, 4]
    assert n_orders(ctx) == 0


async def test_duplicates_allowed_on_request(ctx):
    text = "demo:HF-CM-10 13800000001\ndemo:HF-CM-10 13800000001\n"
    plan = await ctx.batch.plan(text, allow_duplicates=True)
    assert len(plan.lines) == 2


async def test_the_same_batch_twice_needs_again(ctx):
    text = "demo:HF-CM-10 13800000001\ndemo:HF-LT-20 13100000002\n"
    await ctx.batch.run(await ctx.batch.plan(text))
    reordered = "demo:HF-LT-20 13100000002\ndemo:HF-CM-10 13800000001\n"
    with pytest.raises(BadInput) as err:
        await ctx.batch.plan(reordered)
    assert err.value.code == "repeat_batch"
    again = await ctx.batch.plan(reordered, again=True)
    assert len(again.lines) == 2


async def test_ref_already_used_is_a_line_error(ctx):
    await ctx.batch.run(await ctx.batch.plan(GOOD))
    with pytest.raises(BatchInvalid) as err:
        await ctx.batch.plan("sku,account,ref\ndemo:HF-CM-20,13800000009,A2\n", again=True)
    assert err.value.problems[0].field == "ref"


async def test_cancel_and_resume_unsent_lines(ctx):
    plan = await ctx.batch.plan(GOOD)
    batch_id = ctx.batch.record(plan)               # intents only: as if killed after-intent
    assert {o.state for o in ctx.ledger.batch_orders(batch_id)} == {OrderState.PENDING}
    outcome = await ctx.batch.resume(batch_id, confirm=lambda changes: True)
    assert all(o.state is not OrderState.PENDING for o in outcome.orders)
    for o in outcome.orders:                        # --again waits until the first run has settled
        await ctx.reconcile.settle(o.order_no, 10)
    plan2 = await ctx.batch.plan(GOOD.replace("A", "Z"), again=True)
    batch2 = ctx.batch.record(plan2)
    assert len((await ctx.batch.cancel(batch2)).cancelled) == 3
    assert {o.state for o in ctx.ledger.batch_orders(batch2)} == {OrderState.CANCELLED}
    assert (await ctx.batch.cancel(batch2)).cancelled == ()


async def test_batch_over_balance_is_refused_before_any_intent(ctx):
    lines = "\n".join(f"demo:HF-CM-500 1380000{i:04d}" for i in range(12)) + "\n"   # 12 x 500 > 5000
    with pytest.raises(BadInput) as err:
        await ctx.batch.plan(lines)
    assert "余额" in err.value.message
    assert n_orders(ctx) == 0


async def test_check_lists_every_problem_and_quotes_the_good_lines_without_raising(ctx):
    text = ("demo:HF-CM-10 13800000001\n"
            "demo:HF-CM-10 1380000\n"
            "demo:HF-CM-10 13800000001\n"
            "demo:HF-LT-20 13100000002 1 ref=R1\n"
            "demo:HF-DX-30 13300000003 1 ref=R1\n")
    checked = await ctx.batch.check(text, attempt_of={5: "KM-OLD"})
    assert sorted(checked.bad_lines()) == [2, 3, 5]
    dup = next(p for p in checked.problems if p.code == "duplicate_line")
    assert (dup.line, dup.other) == (3, 1)
    ref = next(p for p in checked.problems if p.code == "ref_used")
    assert (ref.line, ref.other) == (5, 4)
    assert set(checked.prepared) == {1, 3, 4}                # a duplicate is still quoted, but reported
    assert checked.prepared[1].total_cost > 0
    assert n_orders(ctx) == 0


async def test_stop_keeps_unstarted_lines_pending(ctx):
    """A line's slot is freed when the supplier answers, before the answer is recorded,
    so at concurrency 1 the next line may start just before the first one's progress
    arrives: at most that one more is sent, and the rest stays pending."""
    plan = await ctx.batch.plan(GOOD)
    batch_id = ctx.batch.record(plan)
    sent = []
    outcome = await ctx.batch.send_pending(batch_id, concurrency=1, progress=lambda d, n, o: sent.append(o.order_no),
                                           stop=lambda: len(sent) >= 1)
    assert 1 <= len(sent) <= 2
    assert outcome.count(OrderState.PENDING) == 3 - len(sent) >= 1


LINES = "".join(f"demo:HF-CM-10 1380000{i:04d}\n" for i in range(16))


def watch_supplier(ctx, monkeypatch, hold: float = 0.02):
    """Wraps the demo's place_order: records each order number that reached the
    supplier, the most requests at the supplier at once, and the most orders that were
    `submitted` in the ledger but not yet at the supplier (in doubt after a crash)."""
    supplier = ctx.suppliers.get("demo")
    real = supplier.place_order
    seen = {"sent": [], "at_once": 0, "now": 0, "submitted": 0}

    async def place_order(request):
        seen["sent"].append(request.client_order_no)
        seen["now"] += 1
        seen["at_once"] = max(seen["at_once"], seen["now"])
        submitted = ctx.ledger.history(HistoryFilter(states=(OrderState.SUBMITTED,)), limit=1000).items
        seen["submitted"] = max(seen["submitted"], len(submitted))
        try:
            await asyncio.sleep(hold)
            return await real(request)
        finally:
            seen["now"] -= 1

    monkeypatch.setattr(supplier, "place_order", place_order)
    return seen


@pytest.mark.parametrize("concurrency", [1, 4])
async def test_at_most_concurrency_requests_and_a_few_submitted_ahead(ctx, monkeypatch, concurrency):
    """A line's `submitted` may be committed while it waits for a slot, so the next
    request leaves without waiting for an fsync; the concurrency bound still holds at
    the supplier, and only a few more lines than that are ever in doubt."""
    seen = watch_supplier(ctx, monkeypatch)
    outcome = await ctx.batch.run(await ctx.batch.plan(LINES), concurrency=concurrency)
    assert {o.state for o in outcome.orders} <= {OrderState.PROCESSING, OrderState.SUCCEEDED}
    assert sorted(seen["sent"]) == sorted(o.order_no for o in outcome.orders)
    assert seen["at_once"] == concurrency
    assert concurrency < seen["submitted"] <= concurrency + max(1, int(concurrency * AHEAD_PER_SLOT))


async def test_lines_submitted_ahead_go_back_to_pending_when_stopped(ctx, monkeypatch):
    seen = watch_supplier(ctx, monkeypatch, hold=0.05)
    batch_id = ctx.batch.record(await ctx.batch.plan(LINES))
    outcome = await ctx.batch.send_pending(batch_id, concurrency=2, stop=lambda: len(seen["sent"]) >= 2)
    pending = [o for o in outcome.orders if o.state is OrderState.PENDING]
    assert len(seen["sent"]) == 2 and len(pending) == 14
    assert outcome.count(OrderState.SUBMITTED) == 0
    assert not {o.order_no for o in pending} & set(seen["sent"])
    assert not ctx.engine.sending
    again = await ctx.batch.send_pending(batch_id, concurrency=4)
    assert {o.state for o in again.orders} <= {OrderState.PROCESSING, OrderState.SUCCEEDED}
    assert sorted(seen["sent"]) == sorted(o.order_no for o in again.orders)


async def test_a_batch_line_within_the_repeat_window_is_refused_unless_asked(ctx):
    """Issue 14: every batch line meets the repeat window, against the ledger and the
    lines before it (the SKU as resolved: HF-CM-10 is demo:HF-CM-10); nothing is recorded."""
    from kameng_tui.domain.errors import RepeatOrder
    from kameng_tui.services.checkout import OrderInput

    first = await ctx.checkout.place(OrderInput(sku="demo:HF-CM-20", fields={"account": "13800000009"}), wait_s=5)
    against_ledger = "demo:HF-CM-10 13800000001\nHF-CM-20 13800000009\n"
    with pytest.raises(RepeatOrder) as err:
        await ctx.batch.run(await ctx.batch.plan(against_ledger))
    assert err.value.previous == first.order.order_no and err.value.line == 2
    within_file = "demo:HF-CM-10 13800000002\nHF-CM-10 13800000002\n"
    with pytest.raises(RepeatOrder) as err:
        await ctx.batch.run(await ctx.batch.plan(within_file))
    assert err.value.line == 2
    assert len(ctx.ledger.history(HistoryFilter(), limit=50).items) == 1, "nothing recorded"
    outcome = await ctx.batch.run(await ctx.batch.plan(against_ledger, allow_duplicates=True))
    assert len(outcome.orders) == 2
