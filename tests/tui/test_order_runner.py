"""The App's order runner answers "do you still follow this order?" for the attempts it
failed over to as well (History's failure notice asks it, tui/reorder_news.py: an
attempt the runner still waits on is the runner's to report, not a "press n")."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from types import SimpleNamespace

from kameng_tui.services.failover import Chain
from kameng_tui.tui.order_runner import OrderRunner


async def test_the_runner_follows_the_attempt_it_failed_over_to_until_its_end():
    root, made = SimpleNamespace(order_no="ROOT"), SimpleNamespace(order_no="NEXT")
    gate, attempted = asyncio.Event(), asyncio.Event()

    class Failover:
        async def follow_placed(self, order, inp, wait_s, *, confirmed_cost, on_move, on_attempt):
            on_attempt(order, made)
            attempted.set()
            await gate.wait()                  # the runner waits on NEXT's reply
            return Chain((made,))

    ctx = SimpleNamespace(checkout=SimpleNamespace(failover=Failover()), orders=SimpleNamespace(get=lambda no: root))
    done = []
    runner = OrderRunner(ctx, lambda *a: done.append(a), lambda message: None)
    runner.go_on(root, None, Decimal("10"))
    await attempted.wait()
    assert runner.running("ROOT") and runner.running("NEXT")
    assert not runner.running("OTHER")
    gate.set()
    await runner.wait_all()
    assert not runner.running("NEXT") and done
