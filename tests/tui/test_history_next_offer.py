"""A failure learned after the order was placed (issue 18, "Failover"): reported by the
open app and offered as a one-key re-order from the next offer, never failed over by
itself. The embedded demo and two reference servers as real processes selling the same
goods at the same cost (refa ranks first, by name); refa fails every top-up after a
short while (a signed `failed`, nothing charged), refb delivers.

- another process (cron's `kameng-tui reconcile`) learns the failure: the open app says
  so, naming the order and the next offer (supplier and cost); refb holds nothing;
- History: the key is in the footer on that row only; it asks (`[checkout] confirm`)
  showing the chosen offer and why, then re-orders from refb as a new order linked to
  the failed one; on a row it cannot re-order, the key says why;
- the app's own start-up reconcile learns it (en), and without `confirm` the key
  re-orders at once; pressed again on the followed order, it says which order followed."""

from __future__ import annotations

import asyncio
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from kameng_tui.domain.history import HistoryFilter
from kameng_tui.domain.money import fmt
from kameng_tui.domain.states import OrderState as S
from kameng_tui.services.checkout import OrderInput
from kameng_tui.tui.screens.confirm import ConfirmScreen
from kameng_tui.tui.history_reads import read_detail
from kameng_tui.tui.screens.history import HistoryScreen
from kameng_tui.tui.text import Texts
from kameng_tui.tui.textual_compat import notifications
from kameng_tui.tui.widgets.order_detail import detail_lines
from kameng_tui.tui.widgets.order_list import OrderList

from conftest import NOW, SIZE, screen_lines, settle
from kit import base_env, run_cli
from test_keys_where_focus_is import footer_keys

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "http"))
from refkit import KEY_ID, SECRET, start_server  # noqa: E402

SKU = "HF-CM-10"
SETTLE_S = 0.3


def start_refs(root: Path) -> list:
    """refa (fails every top-up SETTLE_S after it was placed) and refb (delivers)."""
    with ThreadPoolExecutor(2) as pool:              # both at once: a server takes a second to start
        a = pool.submit(start_server, root / "a", "--catalog-size", "60", faults=f"settle_ms={SETTLE_S * 1000:.0f},fail=1")
        b = pool.submit(start_server, root / "b", "--catalog-size", "60")
        return [a.result(), b.result()]


@pytest.fixture(scope="module")
def refs(tmp_path_factory):
    servers = start_refs(tmp_path_factory.mktemp("tui-next-offer"))
    yield servers
    for server in servers:
        server.stop()


def config(refs, extra: str = "", names: tuple[str, ...] = ("refa", "refb")) -> str:
    lines = [extra, '[[suppliers]]', 'name = "demo"', 'kind = "demo"', ""]
    for name, server in zip(names, refs):
        lines += ["[[suppliers]]", f'name = "{name}"', 'kind = "http"', f'base_url = "{server.url}"',
                  f'key_id = "{KEY_ID}"', ""]
    return "\n".join(lines)


SECRETS = {"KAMENG_TUI_SECRET_REFA": SECRET, "KAMENG_TUI_SECRET_REFB": SECRET, "KAMENG_TUI_DEMO_SIZE": "60"}


async def failing_order(app, account: str) -> str:
    """An order of the product (`@ID`: the policy chooses refa, the first of equal
    costs; an order by SKU would pin refa), placed with no wait (so nothing fails over
    while placing): it is still processing when this returns; refa fails it a moment later."""
    ctx = app.root
    await ctx.catalog.sync()
    placed = await ctx.checkout.place(OrderInput(sku=f"@{SKU}-ZC", fields={"account": account}), wait_s=0)
    assert placed.order.state is S.PROCESSING and len(placed.attempts) == 1
    assert placed.order.supplier == "refa"
    return placed.order.order_no


def told(app) -> list[str]:
    return [str(n.message) for n in notifications(app)]


async def told_about(app, pilot, order_no: str, timeout: float = 8.0) -> str:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        said = [m for m in told(app) if order_no in m]
        if said:
            return "\n".join(said)
        await pilot.pause(0.05)
    raise AssertionError(f"nothing said about {order_no}: {told(app)}")


async def select(app, pilot, order_no: str) -> HistoryScreen:
    screen = app.screen
    assert isinstance(screen, HistoryScreen)
    orders = screen.query_one(OrderList)
    orders.move_cursor(next(i for i, o in enumerate(orders.orders) if o.order_no == order_no))
    await settle(app, pilot)
    return screen


def next_offer_shown(app) -> bool:
    return any(action == "next_offer" for _, action in footer_keys(app))


async def test_a_failure_learned_by_another_process_is_told_and_re_ordered_from_the_next_offer(make_app, refs,
                                                                                                 tui_home):
    a, b = refs
    app = make_app(config(refs), **SECRETS)
    no = await failing_order(app, "13800138001")
    cost = app.root.catalog.cache.product_by_sku(f"refb:{SKU}").unit_cost
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await asyncio.sleep(SETTLE_S + 0.1)
        env = base_env(tui_home, KAMENG_TUI_NOW=NOW, **SECRETS)
        done = await asyncio.to_thread(run_cli, env, "reconcile")        # cron's reconcile, another process
        assert done.code == 0, done.stdout + done.stderr
        said = await told_about(app, pilot, no)
        assert "refb" in said and fmt(cost) in said and "换家重下" in said, said
        assert b.creates() == {}, "a failure learned later is never failed over by itself"

        await pilot.press("3")
        await settle(app, pilot)
        screen = await select(app, pilot, no)
        assert screen.query_one(OrderList).selected().state is S.FAILED
        assert next_offer_shown(app), footer_keys(app)
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmScreen)
        question = "\n".join(screen_lines(app))
        assert f"refb:{SKU}" in question and no in question, question
        await pilot.press("y")
        await settle(app, pilot)
        assert isinstance(app.screen, HistoryScreen)
        items = app.root.ledger.history(HistoryFilter(account="13800138001"), limit=5).items
        new = next(o for o in items if o.order_no != no)
        assert new.supplier == "refb" and new.attempt_of == no and new.state is S.SUCCEEDED
        assert list(b.orders()) == [new.order_no]
        assert any(new.order_no in m for m in told(app)), told(app)

        pane = "\n".join(line.plain for line in detail_lines(read_detail(app.ctx, new, False), Texts("zh"), "zh",
                                                               "Asia/Shanghai"))
        assert f"接续失败的订单 {no}" in pane, pane                 # the detail says what it re-ordered
        await select(app, pilot, new.order_no)              # a delivered order: nothing to re-order
        assert not next_offer_shown(app), footer_keys(app)
        app.clear_notifications()
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, HistoryScreen)
        assert any(new.order_no in m and "失败" in m for m in told(app)), told(app)
        assert len(b.orders()) == 1


async def test_the_apps_own_reconcile_tells_it_in_english_and_the_key_reorders_at_once_without_confirm(make_app,
                                                                                                       refs):
    a, b = refs
    app = make_app(config(refs, '[general]\nlanguage = "en"\n[checkout]\nconfirm = false\n'), **SECRETS)
    no = await failing_order(app, "13800138002")
    await asyncio.sleep(SETTLE_S + 0.1)
    before = set(b.orders())
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)                             # the start-up reconcile hears `failed`
        said = await told_about(app, pilot, no)
        assert "refb" in said and "next offer" in said, said
        assert set(b.orders()) == before
        await pilot.press("3")
        await settle(app, pilot)
        await select(app, pilot, no)
        assert next_offer_shown(app)
        await pilot.press("n")
        await settle(app, pilot)
        assert isinstance(app.screen, HistoryScreen)         # no question: placed at once
        new = app.root.ledger.next_attempt(no)
        assert new is not None
        assert app.root.ledger.get(new).supplier == "refb"
        await select(app, pilot, no)                         # followed now: the key says by which order
        assert not next_offer_shown(app)
        app.clear_notifications()
        await pilot.press("n")
        await settle(app, pilot)
        assert any(no in m and new in m for m in told(app)), told(app)
        assert len(set(b.orders()) - before) == 1


async def test_the_demo_beside_a_real_supplier_is_never_the_next_offer(make_app, refs):
    """Only refa and the embedded demo: the demo's offer of the same goods stands apart
    (never sold, never chosen, as on the catalog screen), so a failure at refa has no
    next offer; the key says so and records nothing."""
    app = make_app(config(refs, names=("refa",)), **SECRETS)
    assert app.ctx.supplier_names() == ["demo", "refa"]
    no = await failing_order(app, "13800138003")
    await asyncio.sleep(SETTLE_S + 0.1)
    await app.root.reconcile.run()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("3")
        await settle(app, pilot)
        await select(app, pilot, no)
        assert not next_offer_shown(app)
        app.clear_notifications()
        await pilot.press("n")
        await settle(app, pilot)
        assert any("没有可下单的报价" in m for m in told(app)), told(app)
    assert app.root.ledger.next_attempt(no) is None


async def test_a_remapped_key_says_why_under_its_new_key_only(make_app):
    """`[keymap] "history.next_offer" = "N"`: on a delivered order N says why it is not
    re-ordered; n is nothing any more (the twin that says why moved with it)."""
    app = make_app('[keymap]\n"history.next_offer" = "N"\n')
    ctx = app.root
    placed = await ctx.checkout.place(OrderInput(sku="demo:HF-CM-10", fields={"account": "13800138000"}), wait_s=5)
    no = placed.order.order_no
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await pilot.press("3")
        await settle(app, pilot)
        await select(app, pilot, no)
        app.clear_notifications()
        await pilot.press("n")
        await settle(app, pilot)
        assert not any(no in m for m in told(app)), told(app)
        await pilot.press("N")
        await settle(app, pilot)
        assert any(no in m and "成功" in m for m in told(app)), told(app)


async def test_a_next_offer_above_the_price_cap_is_asked_again_even_without_confirm(make_app, refs, tmp_path):
    """refc sells the goods 0.05 dearer and `max_price_rise` is 0: after refa's failure
    is learned, `n` (shown on the row) asks again, naming refc's offer and its cost
    against the confirmed one, whatever `[checkout] confirm` says; no records nothing,
    yes re-orders from refc at that cost, linked to the failed order."""
    a, _ = refs
    c = start_server(tmp_path / "c", "--catalog-size", "60", faults="cost_up=0.05")
    try:
        extra = '[checkout]\nconfirm = false\nmax_price_rise = "0"\n'
        app = make_app(config([a, c], extra, names=("refa", "refc")), KAMENG_TUI_SECRET_REFC=SECRET, **SECRETS)
        no = await failing_order(app, "13800138004")
        await asyncio.sleep(SETTLE_S + 0.1)
        await app.root.reconcile.run()
        dearer = app.root.catalog.cache.product_by_sku(f"refc:{SKU}").unit_cost
        assert dearer > app.root.ledger.get(no).unit_cost
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await settle(app, pilot)
            await pilot.press("3")
            await settle(app, pilot)
            await select(app, pilot, no)
            assert next_offer_shown(app), footer_keys(app)
            for answer in ("n", "y"):
                await pilot.press("n")
                await settle(app, pilot)
                assert isinstance(app.screen, ConfirmScreen), (answer, told(app))
                question = "\n".join(screen_lines(app))
                assert f"refc:{SKU}" in question and fmt(dearer) in question and no in question, question
                await pilot.press(answer)
                await settle(app, pilot)
                if answer == "n":
                    assert app.root.ledger.next_attempt(no) is None and c.creates() == {}
                    await select(app, pilot, no)
            new = app.root.ledger.next_attempt(no)
            assert new is not None
            made = app.root.ledger.get(new)
            assert made.supplier == "refc" and made.attempt_of == no and made.unit_cost == dearer
            assert list(c.orders()) == [new]
    finally:
        c.stop()
