"""The TUI checkout fails over as the CLI does (issue 18, "Failover"), with two reference
servers as real processes selling the same goods: refa ranks first (same cost, by name)
and refuses every create `410 out_of_stock` before any write (a nothing-created
refusal); refb costs 0.05 more.

- the policy chose refa: after its refusal the App's runner places refb as a new order
  linked by `attempt_of` under the root's ref; the dialog follows it and says which
  supplier now and why refa was left; refa holds nothing, refb one order;
- refb above `[checkout] max_price_rise` over the confirmed cost: the TUI asks again,
  naming the offer, its supplier and its cost against the confirmed one; yes places it
  as an attempt of the chain, no leaves the failed order as it is (nothing owed) and
  says so; refb is never asked meanwhile;
- a pinned offer (`order SUPPLIER:SKU`, `[offers.pin]`) never moves: in the TUI its
  refusal is the order's, its re-order stays on its supplier, or is refused with the
  reason when that offer cannot be ordered;
- an order that was ever unknown never fails over, even when it failed later."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import pytest
from textual.widgets import Input

from kameng_tui.domain.history import HistoryFilter
from kameng_tui.domain.reasons import reason_code
from kameng_tui.domain.states import OrderState as S
from kameng_tui.tui.screens.checkout import CheckoutScreen
from kameng_tui.tui.screens.confirm import ConfirmScreen

from conftest import screen_lines, settle, type_text

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "http"))
from refkit import KEY_ID, SECRET, start_server  # noqa: E402

SKU = "HF-CM-10"


@pytest.fixture(scope="module")
def refs(tmp_path_factory):
    from concurrent.futures import ThreadPoolExecutor

    root = tmp_path_factory.mktemp("tui-failover")
    with ThreadPoolExecutor(2) as pool:                # both at once: a server takes a second to start
        a = pool.submit(start_server, root / "a", "--catalog-size", "60", faults="refuse_stock=1")
        b = pool.submit(start_server, root / "b", "--catalog-size", "60", faults="cost_up=0.05")
        servers = [a.result(), b.result()]
    yield servers
    for server in servers:
        server.stop()


def config(refs, lang: str = "zh", rise: str = "0.50", pin: str = "") -> str:
    lines = [f'[general]\nlanguage = "{lang}"\n', "[checkout]", f'max_price_rise = "{rise}"', ""]
    if pin:
        lines += ["[offers.pin]", f'"@HF-CM-10-ZC" = "{pin}"', ""]
    for name, server in zip(("refa", "refb"), refs):
        lines += ["[[suppliers]]", f'name = "{name}"', 'kind = "http"', f'base_url = "{server.url}"',
                  f'key_id = "{KEY_ID}"', 'deadline_s = "3"', 'read_s = "1"', ""]
    return "\n".join(lines)


async def app_of(make_app, refs, **kw):
    app = make_app(config(refs, **kw), KAMENG_TUI_SECRET_REFA=SECRET, KAMENG_TUI_SECRET_REFB=SECRET)
    await app.root.catalog.sync()
    return app


async def place(app, pilot, account: str, ref: str, price: str = "") -> CheckoutScreen:
    """The checkout of refa's row (one of the product's two offers: the policy chooses),
    the account and the shop ref typed, Enter."""
    product = app.root.catalog.cache.product_by_sku(f"refa:{SKU}")
    app.push_screen(CheckoutScreen(product))
    await settle(app, pilot)
    screen = app.screen
    assert isinstance(screen, CheckoutScreen)
    screen.query_one("#ref", Input).value = ref
    screen.query_one("#price", Input).value = price
    await type_text(pilot, account)
    await pilot.press("enter")
    await settle(app, pilot)
    return screen


def orders_of(app) -> list:
    """The test's orders, root first (the clock is frozen: the chain orders them)."""
    items = app.root.ledger.history(HistoryFilter(), limit=10).items
    chain = [o for o in items if o.attempt_of is None]
    while len(chain) < len(items):
        more = [o for o in items if o.attempt_of == chain[-1].order_no]
        assert more, items
        chain += more
    return chain


async def test_a_refused_offer_fails_over_to_the_next_and_the_dialog_says_which_and_why(make_app, refs):
    a, b = refs
    before = set(b.orders())
    app = await app_of(make_app, refs)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = await place(app, pilot, "13800130001", "TF-1")
        text = "\n".join(screen_lines(app))
        first, second = orders_of(app)
        assert screen.order_no == second.order_no, "the dialog follows the next attempt"
        assert "refa 下单失败（供应商 refa 缺货" in text and "已换 refb 的报价" in text, text
        assert second.order_no in text, text
    assert first.supplier == "refa" and first.state is S.FAILED and first.charged == 0
    assert reason_code(first.reason) == "out_of_stock"
    assert second.supplier == "refb" and second.state is S.SUCCEEDED
    assert second.attempt_of == first.order_no and second.ref == first.ref == "TF-1"
    assert a.orders() == {} and set(b.orders()) - before == {second.order_no}
    assert b.creates()[second.order_no] == 1
    assert app.root.ledger.verify().ok


async def test_the_next_offer_above_the_rise_asks_again_and_yes_places_it(make_app, refs):
    a, b = refs
    before = set(b.orders())
    app = await app_of(make_app, refs, lang="en", rise="0.01")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = await place(app, pilot, "13800130002", "TF-2")
        for _ in range(100):
            if isinstance(app.screen, ConfirmScreen):
                break
            await pilot.pause(0.05)
        assert isinstance(app.screen, ConfirmScreen)
        question = "\n".join(screen_lines(app))
        assert set(b.orders()) == before, "nothing is sent before the yes"
        (first,) = orders_of(app)
        assert f"refb:{SKU}" in question and "refb" in question, question
        assert "9.9698" in question and str(first.unit_cost.normalize()) in question, question
        await pilot.press("y")
        await settle(app, pilot)
        first, second = orders_of(app)
        assert screen.order_no == second.order_no
        text = "\n".join(screen_lines(app))
        assert "re-ordered from refb's offer" in text and second.order_no in text, text
    assert second.supplier == "refb" and second.state is S.SUCCEEDED and second.unit_cost > first.unit_cost
    assert second.attempt_of == first.order_no and second.ref == "TF-2"
    assert set(b.orders()) - before == {second.order_no} and a.orders() == {}


async def test_the_next_offer_above_the_rise_asks_again_and_no_leaves_the_chain(make_app, refs):
    a, b = refs
    before = set(b.orders())
    app = await app_of(make_app, refs, rise="0.01")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        screen = await place(app, pilot, "13800130003", "TF-3")
        for _ in range(100):
            if isinstance(app.screen, ConfirmScreen):
                break
            await pilot.pause(0.05)
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await settle(app, pilot)
        (first,) = orders_of(app)
        assert app.screen is screen and screen.order_no == first.order_no
        text = "\n".join(screen_lines(app))
        assert f"未换 refb:{SKU}（refb）下单" in text and "未扣款，无需付款" in text, text
    assert first.state is S.FAILED and first.charged == 0 and first.refunded == 0
    assert set(b.orders()) == before and a.orders() == {}


async def test_no_next_offer_to_take_is_said_with_why_and_nothing_more_is_recorded(make_app, refs):
    """Sold at 9.95 typed in the dialog: refb's 9.9698 would sell at a loss, so after
    refa's refusal there is no next offer; the dialog says so, with each offer's reason."""
    a, b = refs
    before = set(b.orders())
    app = await app_of(make_app, refs)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = await place(app, pilot, "13800130007", "TF-7", price="9.95")
        (only,) = orders_of(app)
        assert screen.order_no == only.order_no and only.state is S.FAILED
        text = "\n".join(screen_lines(app))
        assert "没有可换的报价" in text and f"refb:{SKU}" in text, text
    assert set(b.orders()) == before and a.orders() == {}


async def test_a_product_pinned_to_a_supplier_never_fails_over_in_the_tui(make_app, refs):
    """`[offers.pin]` pins the product to refa: its refusal is the order's, as in the CLI."""
    a, b = refs
    before = set(b.orders())
    app = await app_of(make_app, refs, pin="refa")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        screen = await place(app, pilot, "13800130005", "TF-5")
        (only,) = orders_of(app)
        assert screen.order_no == only.order_no
        text = "\n".join(screen_lines(app))
        assert "失败" in text and "已换" not in text, text   # no failover line (the detail pane behind lists refb)
    assert only.supplier == "refa" and only.state is S.FAILED
    assert set(b.orders()) == before and a.orders() == {}


async def test_a_pinned_order_is_re_ordered_on_its_own_supplier_or_refused_with_why(make_app, refs):
    """`order refa:HF-CM-10` pins refa: its refusal is the order's (no failover), its
    re-order stays on refa, and when refa's offer cannot be ordered the re-order is
    refused with that reason (never refb)."""
    from kameng_tui.domain.choice_errors import NoEligibleOffer
    from kameng_tui.domain.offer_record import record_in
    from kameng_tui.services.checkout import OrderInput

    a, b = refs
    before = set(b.orders())
    app = await app_of(make_app, refs)
    ctx = app.root
    placed = await ctx.checkout.place(OrderInput(sku=f"refa:{SKU}", fields={"account": "13800130004"}, ref="TF-4"))
    root = placed.order
    assert root.supplier == "refa" and root.state is S.FAILED and len(placed.attempts) == 1
    record = record_in(ctx.ledger.events(root.order_no))
    assert record is not None and record["pin"] == {"code": "sku", "params": {"sku": f"refa:{SKU}"}}, record
    offered = ctx.failover.offered(root)
    assert offered is not None and offered.chosen is not None and offered.chosen.supplier == "refa"
    chain = await ctx.failover.reorder(root.order_no)
    assert [o.supplier for o in chain.orders] == ["refa", "refa"], "a pinned order never hops supplier"
    assert chain.latest.attempt_of == root.order_no and chain.latest.ref == "TF-4"
    assert set(b.orders()) == before and a.orders() == {}
    # refa's offer out of stock: the re-order is refused with that reason, nothing recorded
    offers = ctx.failover.offers_of(chain.latest)
    gone = replace(offers, ask=replace(offers.ask, offers=tuple(replace(o, stock=0) if o.supplier == "refa" else o
                                                                  for o in offers.ask.offers)))
    choice = ctx.failover.reorder_choice(chain.latest, gone)
    assert choice.chosen is None and choice.pin_skip is not None and choice.pin_skip.code == "out_of_stock"
    stopped = await ctx.failover.reorder(chain.latest.order_no, gone)
    assert stopped.latest == chain.latest and stopped.stopped is not None
    assert isinstance(stopped.stopped, type(choice)) and "refa" in str(NoEligibleOffer(stopped.stopped).details())
    assert len(orders_of(app)) == 2 and set(b.orders()) == before
    assert ctx.ledger.verify().ok, "the pin is part of the created event's hashed body"


async def test_an_order_that_was_unknown_never_fails_over_even_when_it_failed_later(make_app, refs, tmp_path):
    """refa accepts the order and drops its reply (unknown), then says failed with nothing
    charged: the create may have reached it, so the runner never moves to refb."""
    a = start_server(tmp_path / "a", "--catalog-size", "60", faults="drop_after_accept=1,fail=1")
    try:
        b = refs[1]
        before = set(b.orders())
        app = await app_of(make_app, [a, b])
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(app, pilot)
            screen = await place(app, pilot, "13800130006", "TF-6")
            (only,) = orders_of(app)
            assert screen.order_no == only.order_no
            text = "\n".join(screen_lines(app))
            assert "已换" not in text, text
        events = [e.body.get("state") for e in app.root.ledger.events(only.order_no)]
        assert "unknown" in events and only.state is S.FAILED, events
        assert only.supplier == "refa" and set(b.orders()) == before
    finally:
        a.stop()
