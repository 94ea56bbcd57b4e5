"""Issue 15 (the first hour of a reseller): after an order the checkout shows what came of
it and offers 再来一单 or closing; the shop's own order number (店铺单号, the CLI's
--ref) names one order; a revealed card reads like `kameng-tui show`."""

from __future__ import annotations

from textual.widgets import Button, Input, Static

from kameng_tui.domain.history import HistoryFilter
from kameng_tui.domain.money import fmt
from kameng_tui.domain.states import OrderState
from kameng_tui.tui.screens.catalog import CatalogScreen
from kameng_tui.tui.screens.checkout import CheckoutScreen
from kameng_tui.tui.screens.history import HistoryScreen
from kameng_tui.tui.textual_compat import visible_widgets

from conftest import SIZE, screen_lines, settle, type_text


def orders(app):
    return list(app.root.ledger.history(HistoryFilter(), limit=100).items)


def shown(screen, selector: str) -> str:
    widget = screen.query_one(selector, Static)
    return str(widget.render()) if widget.display else ""


async def open_checkout(app, pilot, search: str) -> CheckoutScreen:
    await pilot.press("slash")
    await type_text(pilot, search)
    await pilot.press("enter", "o")
    await pilot.pause()
    assert isinstance(app.screen, CheckoutScreen)
    return app.screen


async def place(app, pilot, search: str, account: str, ref: str = "") -> CheckoutScreen:
    screen = await open_checkout(app, pilot, search)
    await type_text(pilot, account)
    if ref:
        screen.set_focus(screen.query_one("#ref", Input))
        await pilot.pause()
        await type_text(pilot, ref)
    await pilot.press("enter")
    await settle(app, pilot)
    return screen


async def test_a_successful_order_shows_its_result_and_enter_never_orders_twice(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = await place(app, pilot, "yidong huafei 10", "13800138000")
        [order] = orders(app)
        assert order.state is OrderState.SUCCEEDED
        result = shown(screen, "#result")
        assert order.order_no in result and "成功" in result
        for amount in (order.total_price, order.charged, order.profit):
            assert fmt(amount) in result, (amount, result)
        again = screen.query_one("#again-new", Button)
        assert again.display and "再来一单" in str(again.label)
        assert "关闭" in str(screen.query_one("#close-result", Button).label)
        await pilot.press("enter")                       # on 再来一单: a new form, nothing ordered
        await settle(app, pilot)
        assert len(orders(app)) == 1
        new = app.screen
        assert isinstance(new, CheckoutScreen) and new is not screen
        assert new.product.sku == screen.product.sku     # the same product
        account = new.query_one("#f-account", Input)
        assert account.value == "" and account.has_focus  # the account cleared, typed into next
        await pilot.press("enter")                       # an empty form is not an order
        await settle(app, pilot)
        assert len(orders(app)) == 1 and new.order_no is None


async def test_again_from_the_result_still_meets_the_repeat_window(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = await place(app, pilot, "yidong huafei 10", "13800138000")
        screen.query_one("#again-new", Button).press()
        await settle(app, pilot)
        new = app.screen
        assert isinstance(new, CheckoutScreen) and new is not screen
        await type_text(pilot, "13800138000")           # the same number within the window
        await pilot.press("enter")
        await settle(app, pilot)
        assert len(orders(app)) == 1 and new.order_no is None
        assert "再按 Enter" in " ".join(str(w.render()) for w in new.query(Static))


async def test_a_delivered_card_shows_labels_and_its_expiry_masked_and_revealed(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = await place(app, pilot, "qqb kami 10", "13800138000")
        masked = shown(screen, "#cards")
        assert "卡号" in masked and "密码" in masked and "有效期 2027-12-31" in masked and "****" in masked
        await pilot.press("r")
        revealed = shown(screen, "#cards")
        assert "卡号" in revealed and "有效期 2027-12-31" in revealed and "****" not in revealed


async def test_history_reveals_a_card_with_labels_and_expiry(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await place(app, pilot, "qqb kami 10", "13800138000")
        await pilot.press("escape")
        await pilot.press("3")
        await settle(app, pilot)
        assert isinstance(app.screen, HistoryScreen)
        text = "\n".join(screen_lines(app))
        assert "卡号" in text and "有效期 2027-12-31" in text, text
        [order] = orders(app)
        revealed = lambda: [e for e in app.root.ledger.events(order.order_no) if e.kind == "revealed"]  # noqa: E731
        assert "****" in text and not revealed()            # masked: nothing to record
        await pilot.press("r")
        await settle(app, pilot)
        assert "****" not in "\n".join(screen_lines(app)) and [e.body["action"] for e in revealed()] == ["reveal"]
        await pilot.press("r")                               # masked again: no second event
        await settle(app, pilot)
        assert "****" in "\n".join(screen_lines(app)) and len(revealed()) == 1


async def test_the_same_shop_order_number_twice_is_the_same_order(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        first = await place(app, pilot, "yidong huafei 10", "13800138000", ref="TB-1001")
        [order] = orders(app)
        assert order.ref == "TB-1001" and first.order_no == order.order_no
        await pilot.press("escape")
        again = await place(app, pilot, "yidong huafei 10", "13800138000", ref="TB-1001")
        assert len(orders(app)) == 1                      # not a second order, and no repeat-window question
        assert again.order_no == order.order_no
        assert order.order_no in shown(again, "#result") and "成功" in shown(again, "#result")
        await pilot.press("escape")                       # 关闭: Esc closes the result
        await settle(app, pilot)
        assert isinstance(app.screen, CatalogScreen)


async def test_the_same_shop_order_number_for_another_account_is_refused(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await place(app, pilot, "yidong huafei 10", "13800138000", ref="TB-1002")
        await pilot.press("escape")
        other = await place(app, pilot, "yidong huafei 10", "13900139000", ref="TB-1002")
        assert len(orders(app)) == 1 and other.order_no is None
        said = " ".join(str(w.render()) for w in other.query(Static) if w.display)
        assert "TB-1002" in said and "新单号" in said, said


async def test_at_80x24_the_result_of_a_card_order_is_in_view_whole(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        screen = await place(app, pilot, "qqb kami 10", "13800138000")
        await settle(app, pilot)
        box = screen.query_one("#checkout-box").scrollable_content_region
        visible = visible_widgets(app.screen)
        for wid in ("#progress", "#result", "#cards", "#again-new", "#close-result"):
            widget = screen.query_one(wid)
            assert widget in visible, wid
            region = app.screen.find_widget(widget).region
            assert region.area and box.contains_region(region), (wid, region, box)


async def test_the_same_shop_order_number_sends_an_order_left_pending(make_app):
    """An order recorded under a ref and never sent (a crash after the intent) is sent
    when the same ref is asked for again: the explicit act, as with the CLI's --ref."""
    from kameng_tui.services.checkout import OrderInput

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        checkout = app.root.checkout
        prepared = await checkout.prepare(OrderInput(sku="demo:HF-CM-10", fields={"account": "13800138000"},
                                                     ref="TB-1003"))
        order_no = checkout.commit_intent(prepared)
        assert app.root.ledger.get(order_no).state is OrderState.PENDING
        screen = await place(app, pilot, "yidong huafei 10", "13800138000", ref="TB-1003")
        assert screen.order_no == order_no and len(orders(app)) == 1
        assert app.root.ledger.get(order_no).state is OrderState.SUCCEEDED
        assert "成功" in shown(screen, "#result")
