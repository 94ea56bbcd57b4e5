"""A failover chain never goes back to an offer that already failed (issue 18): two demo
suppliers that fail every top-up (a signed `failed`, nothing charged, confirmed by a
query). Placing fails over once and stops; a re-order of a failure learned later tries
the other offer once and stops, never the first offer again. The store's side of the
chain runs on both ledgers in tests/ledger/test_attempts.py; this is the service's."""

from __future__ import annotations

import pytest

from kameng_tui.domain.offer_choice import Ask
from kameng_tui.domain.offer_values import Offer, OffersPolicy, SupplierState
from kameng_tui.domain.states import OrderState as S
from kameng_tui.services.checkout import OrderInput
from kameng_tui.services.failover import Offers

SKU = "HF-CM-10"


@pytest.fixture
def env(env, home):
    cfg = home / "config" / "config.toml"
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text('[[suppliers]]\nname = "demo"\nkind = "demo"\n\n[[suppliers]]\nname = "demo2"\nkind = "demo"\n',
                   encoding="utf-8")
    return {**env, "KAMENG_TUI_DEMO_FAIL_RATE": "1", "KAMENG_TUI_DEMO_SIZE": "60"}


@pytest.fixture
async def ctx(env):
    from kameng_tui.bootstrap import build_context

    c = build_context(env)
    yield c
    await c.aclose()
    c.close()


async def offers(ctx) -> Offers:
    found = []
    for name in ("demo", "demo2"):
        quote = await ctx.suppliers.get(name).quote(SKU, 1)
        found.append(Offer(f"{name}:{SKU}", name, "HF-CM-10-ZC", quote.unit_cost))
    return Offers(Ask("HF-CM-10-ZC", tuple(found)), {n: SupplierState(n) for n in ("demo", "demo2")}, OffersPolicy())


async def test_a_chain_tries_each_offer_once(ctx):
    inp = OrderInput(sku=f"demo:{SKU}", fields={"account": "13800138000"}, ref="TB-C1")
    placed = await ctx.checkout.place(inp, offers=await offers(ctx), wait_s=0)
    assert [o.supplier for o in placed.attempts] == ["demo", "demo2"]
    assert all(o.state is S.FAILED and o.charged == 0 for o in placed.attempts)
    assert placed.stopped is not None and placed.stopped.chosen is None     # no offer left: it stops


async def test_a_reorder_never_goes_back_to_the_offer_that_failed(ctx):
    inp = OrderInput(sku=f"demo:{SKU}", fields={"account": "13800138001"}, ref="TB-C2")
    placed = await ctx.checkout.place(inp, wait_s=0)                        # no offers: no failover
    assert placed.order.state is S.FAILED and len(placed.attempts) == 1
    chain = await ctx.failover.reorder(placed.order.order_no, await offers(ctx), wait_s=0)
    assert [o.supplier for o in chain.orders] == ["demo", "demo2"]
    assert chain.latest.attempt_of == placed.order.order_no and chain.latest.ref == "TB-C2"
    assert chain.stopped is not None and chain.stopped.chosen is None
    assert [o.order_no for o in ctx.ledger.by_ref("TB-C2")] == [chain.latest.order_no, placed.order.order_no]


async def test_an_order_that_went_unknown_never_fails_over_even_when_its_wait_hears_failed(ctx):
    """The create reached the supplier but its reply was lost (`unknown`); the wait's query
    then hears a signed `failed` with nothing charged. The first supplier may have done
    more than it says: no new number goes to the next one (found by review)."""
    from kameng_tui.domain.errors import OutcomeUnknown
    from kameng_tui.messages import Msg

    sup = ctx.suppliers.get("demo")
    create = sup.place_order

    async def reply_lost(req):
        await create(req)
        raise OutcomeUnknown(Msg("err.checkout.cancelled"))

    sup.place_order = reply_lost
    inp = OrderInput(sku=f"demo:{SKU}", fields={"account": "13800138009"}, ref="TB-U1")
    placed = await ctx.checkout.place(inp, offers=await offers(ctx), wait_s=5)
    assert [o.supplier for o in placed.attempts] == ["demo"]
    kinds = [e.kind for e in ctx.ledger.events(placed.order.order_no)]
    assert "unknown" in kinds and placed.order.state is S.FAILED
    assert not await ctx.checkout.failover.nothing_created(placed.order)
