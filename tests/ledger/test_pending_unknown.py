"""pending -> unknown (issue 14) is allowed only for an order once submitted: derived
from its chained events (the projection's submitted_at), not a new column."""

from __future__ import annotations

import pytest

from kameng_tui.domain.states import IllegalTransition, OrderState as S
from kameng_tui.services.checkout import OrderInput


async def test_pending_to_unknown_only_for_an_order_once_submitted(ctx):
    async def intent(account):
        return ctx.checkout.commit_intent(await ctx.checkout.prepare(
            OrderInput(sku="demo:HF-CM-10", fields={"account": account}, again=True)))

    never = await intent("13800138000")
    with pytest.raises(IllegalTransition):
        ctx.ledger.transition(never, S.PENDING, S.UNKNOWN, at=ctx.clock.now())
    assert ctx.ledger.get(never).state is S.PENDING
    once = await intent("13800138001")
    ctx.ledger.transition(once, S.PENDING, S.SUBMITTED, at=ctx.clock.now())
    ctx.ledger.transition(once, S.SUBMITTED, S.PENDING, at=ctx.clock.now())
    assert ctx.ledger.transition(once, S.PENDING, S.UNKNOWN, at=ctx.clock.now())
    assert [e.kind for e in ctx.ledger.events(once)] == ["created", "submitted", "pending", "unknown"]
    assert ctx.ledger.verify().ok
