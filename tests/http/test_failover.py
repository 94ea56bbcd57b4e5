"""Failover to the next offer (issue 18) with real suppliers: two reference servers as
real processes selling the same goods at the same cost (so `refa` ranks first, by name).

- a refusal the adapter declares nothing-created -> the next offer, a new order linked
  by `attempt_of`, under the root's ref; the refusing server holds nothing;
- an unknown outcome -> no failover; after reconcile, no number at two suppliers;
- a signed `failed` by webhook after the wait -> no failover; a re-order is offered
  (the CLI's hint) and is one explicit act;
- the next offer above the confirmed cost + max_price_rise -> the service stops and the
  CLI exits 1 naming the offer and its cost;
- a 300-line batch split across both by balance, one selling out mid-way: its lines
  fail over, no supplier is overdrawn, `batch resume` sends the latest attempts."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from pathlib import Path

import pytest

from kit import base_env, run_cli
from refkit import KEY_ID, SECRET, free_port, start_server

from kameng_tui.domain.choice_errors import NextOfferPricier
from kameng_tui.domain.history import HistoryFilter
from kameng_tui.domain.reasons import reason_code
from kameng_tui.domain.offer_choice import Ask
from kameng_tui.domain.offer_record import pin_of, record_in, skip_msgs, why_of
from kameng_tui.domain.offer_values import Offer, OffersPolicy, SupplierState
from kameng_tui.domain.states import OrderState as S
from kameng_tui.services.checkout import OrderInput

SKU = "HF-CM-10"
PRODUCT = "HF-CM-10-ZC"
NAMES = ("refa", "refb")


def write_config(home: Path, urls: dict[str, str]) -> dict[str, str]:
    cfg = home / "config" / "config.toml"
    cfg.parent.mkdir(parents=True, exist_ok=True)
    lines = ["[checkout]", "max_price_rise = \"0.50\"", "repeat_window_s = 600", ""]
    for name, url in urls.items():
        lines += ["[[suppliers]]", f'name = "{name}"', 'kind = "http"', f'base_url = "{url}"', f'key_id = "{KEY_ID}"',
                  'deadline_s = "3"', 'read_s = "1"', ""]
    cfg.write_text("\n".join(lines), encoding="utf-8")
    return base_env(home, KAMENG_TUI_SECRET_REFA=SECRET, KAMENG_TUI_SECRET_REFB=SECRET)


@pytest.fixture
def servers(request, tmp_path):
    """refa and refb with the faults the test names (`@pytest.mark.parametrize` not needed:
    the test calls the factory)."""
    started = []

    def start(faults_a: str = "", faults_b: str = "", *extra: str, balance_a: str = "1000000"):
        with ThreadPoolExecutor(2) as pool:          # both at once: a server takes seconds to start
            a_ = pool.submit(start_server, tmp_path / "a", "--catalog-size", "60", "--balance", balance_a, *extra,
                             faults=faults_a)
            b_ = pool.submit(start_server, tmp_path / "b", "--catalog-size", "60", faults=faults_b)
            a, b = a_.result(), b_.result()
        started.extend([a, b])
        return a, b

    yield start
    for s in started:
        s.stop()


async def context(home: Path, a, b):
    from kameng_tui.bootstrap import build_context

    return build_context(write_config(home, {"refa": a.url, "refb": b.url}))


async def offers_of(ctx, sku: str = SKU):
    """The ranked offers of one product as the choice sees them (quotes and balances now)."""
    from kameng_tui.services.failover import Offers

    offers, states = [], {}
    for name in NAMES:
        sup = ctx.suppliers.get(name)
        quote = await sup.quote(sku, 1)
        offers.append(Offer(f"{name}:{sku}", name, PRODUCT, quote.unit_cost, True, quote.product.stock))
        states[name] = SupplierState(name, await sup.balance())
    return Offers(Ask(PRODUCT, tuple(offers)), states, OffersPolicy())


def order_input(i: int = 0, **kw) -> OrderInput:
    return OrderInput(sku=f"refa:{SKU}", fields={"account": f"1380013{i:04d}"}, **kw)


async def test_a_nothing_created_refusal_fails_over_to_the_next_offer_under_the_same_ref(servers, home):
    a, b = servers("refuse_stock=1")
    ctx = await context(home, a, b)
    try:
        placed = await ctx.checkout.place(order_input(ref="TB-F1"), offers=await offers_of(ctx), wait_s=0)
        first, second = placed.attempts
        assert first.supplier == "refa" and first.state is S.FAILED and first.charged == 0
        assert reason_code(first.reason) == "out_of_stock"
        assert second.supplier == "refb" and second.state is S.SUCCEEDED and placed.order == second
        assert second.attempt_of == first.order_no and second.ref == first.ref == "TB-F1"
        assert a.orders() == {} and list(b.orders()) == [second.order_no]
        # the attempt records which offer and why: refa was skipped, its order having failed
        offer = record_in(ctx.ledger.events(second.order_no))
        assert offer is not None and offer["chosen"]["sku"] == f"refb:{SKU}"
        assert {"sku": f"refa:{SKU}", "code": "failed_attempt",
                "params": {"supplier": "refa", "order_no": first.order_no}} in offer["skipped"]
        assert why_of(offer) is not None and pin_of(offer) is None
        assert any("refa" in m.text("zh") and "失败" in m.text("zh") for m in skip_msgs(offer))     # History's lines
        # the same ref again follows the chain's latest attempt; nothing new is recorded
        again = await ctx.checkout.place(order_input(ref="TB-F1"), offers=await offers_of(ctx))
        assert again.existed and again.order.order_no == second.order_no
        assert ctx.ledger.verify().ok
    finally:
        await ctx.aclose()
        ctx.close()


async def test_an_unknown_outcome_never_fails_over_and_reconcile_finds_no_duplicate(servers, home):
    a, b = servers("drop_after_accept=1")
    ctx = await context(home, a, b)
    try:
        placed = await ctx.checkout.place(order_input(), offers=await offers_of(ctx), wait_s=0)
        assert placed.order.state is S.UNKNOWN and len(placed.attempts) == 1
        assert b.creates() == {}
        await ctx.reconcile.run(None)
        settled = ctx.ledger.get(placed.order.order_no)
        assert settled.state is S.SUCCEEDED
        assert list(a.orders()) == [settled.order_no] and b.orders() == {}
        assert all(n == 1 for n in a.creates().values())
        assert len(ctx.ledger.history(HistoryFilter(), limit=10).items) == 1
    finally:
        await ctx.aclose()
        ctx.close()


async def test_a_failure_learned_by_reconcile_is_listed_for_a_reorder_never_failed_over(servers, home):
    a, b = servers("settle_ms=200,fail=1")
    ctx = await context(home, a, b)
    try:
        placed = await ctx.checkout.place(order_input(), offers=await offers_of(ctx), wait_s=0)
        assert placed.order.state is S.PROCESSING and len(placed.attempts) == 1
        await ctx.catalog.sync()                      # the hint names a next offer from the synced catalog
    finally:
        await ctx.aclose()
        ctx.close()
    await asyncio.sleep(0.3)
    env = write_config(home, {"refa": a.url, "refb": b.url})
    done = run_cli(env, "--lang", "en", "reconcile")
    assert done.code == 0 and f"order reorder {placed.order.order_no}" in done.stdout, done.stdout + done.stderr
    assert b.creates() == {} and len(a.orders()) == 1


async def test_a_failure_told_by_webhook_after_the_wait_is_offered_as_a_reorder_never_failed_over(servers, home):
    from kameng_tui.services.webhooks import WebhookListener

    port = free_port()
    a, b = servers("settle_ms=300,fail=1", "", "--webhook-url", f"http://127.0.0.1:{port}/hook")
    ctx = await context(home, a, b)
    listener = WebhookListener(ctx.hooks, "refa", port=port)
    await listener.start()
    serving = asyncio.create_task(listener.serve_until_stopped())
    try:
        offers = await offers_of(ctx)
        placed = await ctx.checkout.place(order_input(ref="TB-W1"), offers=offers, wait_s=0)
        no = placed.order.order_no
        assert placed.order.state is S.PROCESSING and len(placed.attempts) == 1
        for _ in range(100):
            if ctx.ledger.get(no).state is S.FAILED:
                break
            await asyncio.sleep(0.05)
        assert ctx.ledger.get(no).state is S.FAILED
        await asyncio.sleep(0.3)
        assert b.creates() == {}, "a failure learned after the wait is never failed over by itself"
        offered = ctx.failover.reorder_choice(ctx.ledger.get(no), offers)
        assert offered.chosen is not None and offered.chosen.sku == f"refb:{SKU}"
        await ctx.catalog.sync()                      # the hint names a next offer from the synced catalog
        # the CLI says how to re-order it from the next offer
        shown = run_cli(write_config(home, {"refa": a.url, "refb": b.url}), "--lang", "en", "show", no)
        assert shown.code == 0 and f"order reorder {no}" in shown.stdout, shown.stdout
        chain = await ctx.failover.reorder(no, offers, wait_s=0)
        assert chain.latest.supplier == "refb" and chain.latest.attempt_of == no and chain.latest.ref == "TB-W1"
        assert list(b.orders()) == [chain.latest.order_no]
    finally:
        serving.cancel()
        await listener.aclose()
        await ctx.aclose()
        ctx.close()


async def test_the_next_offer_above_the_confirmed_cost_stops_the_service_and_the_cli(servers, home):
    a, b = servers("refuse_stock=1", "cost_up=2")
    ctx = await context(home, a, b)
    try:
        with pytest.raises(NextOfferPricier) as err:
            await ctx.checkout.place(order_input(), offers=await offers_of(ctx), wait_s=0)
        assert err.value.exit_code == 1 and err.value.sku == f"refb:{SKU}"
        assert err.value.unit_cost == Decimal("11.9198")
        assert b.creates() == {}
        failed = err.value.order_no
        assert ctx.ledger.get(failed).state is S.FAILED
        await ctx.catalog.sync()                      # the CLI's re-order reads the offers from the catalog
    finally:
        await ctx.aclose()
        ctx.close()
    env = write_config(home, {"refa": a.url, "refb": b.url})
    cli = run_cli(env, "--lang", "en", "order", "reorder", failed, "--yes", "--json")
    assert cli.code == 1, cli.stdout + cli.stderr
    error = cli.json["error"]
    assert error["code"] == "next_offer_pricier" and error["sku"] == f"refb:{SKU}" and error["unit_cost"] == "11.9198"
    assert b.creates() == {}


async def test_a_300_line_batch_spreads_over_offers_fails_over_mid_way_and_resumes_the_latest(servers, home):
    from kameng_tui.domain.offer_split import BatchLine, split_batch

    # refa covers 201 lines by its balance, and sells out after 100 orders
    a, b = servers("sold_out_after=100", "", balance_a="2000")
    ctx = await context(home, a, b)
    try:
        offers = await offers_of(ctx)
        lines = [BatchLine(i, PRODUCT) for i in range(1, 301)]
        split = split_batch(lines, {PRODUCT: offers.ask.offers}, offers.suppliers, offers.policy)
        assert [(s.supplier, s.lines) for s in split.shares] == [("refa", 201), ("refb", 99)]
        text = "\n".join(f"{c.chosen.sku} 1380013{line.line:04d}" for line, c in split.lines)
        batch_id = ctx.batch.record(await ctx.batch.plan(text, source="t.csv"))
        # the run stops (as on ctrl+q) once a line failed: what is in flight finishes
        failed = HistoryFilter(states=(S.FAILED,))
        first = await ctx.batch.send_pending(batch_id, concurrency=8, offers={PRODUCT: offers},
                                             stop=lambda: bool(ctx.ledger.history(failed, limit=1).items))
        assert len(first.orders) == 300
        waiting = [o for o in first.orders if o.attempt_of and o.state is S.PENDING]
        assert waiting and all(o.supplier == "refb" for o in waiting), "a line's latest attempt waits, unsent"
        assert all(ctx.ledger.get(o.attempt_of).state is S.FAILED for o in waiting)
        resumed = await ctx.batch.resume(batch_id, concurrency=8, offers={PRODUCT: offers})
        by_line = {o.line_id: o for o in resumed.orders}
        assert len(by_line) == 300 == len(resumed.orders)
        assert all(o.state is S.SUCCEEDED for o in resumed.orders)
        assert all(by_line[o.line_id].order_no == o.order_no for o in waiting), "resume sent the latest attempt"
        moved = [o for o in resumed.orders if o.attempt_of]
        assert len(moved) == 101 and all(o.supplier == "refb" for o in moved)
        assert len(a.orders()) == 100 and len(b.orders()) == 200 and a.balance() >= 0
        assert all(n == 1 for n in {**a.creates(), **b.creates()}.values())
        assert not set(a.orders()) & set(b.orders())
        assert ctx.ledger.get_batch(batch_id).counts == {"succeeded": 300}
        assert ctx.ledger.verify().ok
    finally:
        await ctx.aclose()
        ctx.close()


def test_order_by_product_id_fails_over_by_itself_and_a_pinned_offer_never_does(servers, home):
    """`order @ID` (the policy chose the offer) follows a nothing-created refusal to the
    next offer without being told which offers there are; `order SUPPLIER:SKU` pins the
    offer: its refusal is the order's."""
    a, b = servers("refuse_stock=1")
    env = write_config(home, {"refa": a.url, "refb": b.url})
    assert run_cli(env, "catalog", "sync", "--json").code == 0
    placed = run_cli(env, "order", f"@{PRODUCT}", "--account", "13800130001", "--yes", "--json", "--wait", "5")
    assert placed.code == 0, placed.stdout + placed.stderr
    latest = placed.json["order"]
    assert latest["supplier"] == "refb" and latest["state"] == "succeeded" and latest["attempt_of"]
    assert a.orders() == {} and list(b.orders()) == [latest["order_no"]]
    pinned = run_cli(env, "order", f"refa:{SKU}", "--account", "13800130002", "--yes", "--json", "--wait", "5")
    assert pinned.code == 1 and pinned.json["order"]["supplier"] == "refa", pinned.stdout + pinned.stderr
    assert pinned.json["order"]["state"] == "failed" and len(b.orders()) == 1
    # its re-order stays on the pinned offer (refa refuses it again), never refb
    again = run_cli(env, "order", "reorder", pinned.json["order"]["order_no"], "--yes", "--json", "--wait", "5")
    assert again.json["order"]["supplier"] == "refa", again.stdout + again.stderr
    assert again.json["order"]["attempt_of"] == pinned.json["order"]["order_no"] and len(b.orders()) == 1
