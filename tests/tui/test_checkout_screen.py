"""One-key checkout: validation on the field, placing, progress, Esc before the reply,
cards masked / revealed / copied, recent accounts, 再来一单, a changed price."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

from rich.text import Text
from textual.widgets import Button, Input, Static

from kameng_tui.domain.history import HistoryFilter
from kameng_tui.domain.models import Delivery
from kameng_tui.domain.states import OrderState
from kameng_tui.tui.screens.catalog import CatalogScreen
from kameng_tui.tui.screens.checkout import CheckoutScreen
from kameng_tui.tui.textual_compat import notifications

from conftest import SIZE, settle, type_text


def orders(app):
    return list(app.root.ledger.history(HistoryFilter(), limit=100).items)


async def open_checkout(app, pilot, search: str, key: str = "o") -> CheckoutScreen:
    await pilot.press("slash")
    await type_text(pilot, search)
    await pilot.press("enter", key)
    await pilot.pause()
    assert isinstance(app.screen, CheckoutScreen)
    return app.screen


async def order_in_flight(app, pilot) -> CheckoutScreen:
    """A 话费 order placed from the checkout, its intent committed, its reply not back yet."""
    screen = await open_checkout(app, pilot, "yidong huafei 10")
    await type_text(pilot, "13800138000")
    await pilot.press("enter")
    while screen.order_no is None:
        await pilot.pause()
    return screen


def msg(screen, key: str) -> str:
    return str(screen.query_one(f"#msg-{key}", Static).render())


async def test_bad_phone_number_is_shown_on_the_field_and_nothing_is_recorded(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = await open_checkout(app, pilot, "yidong huafei 10")
        await type_text(pilot, "1380013")
        assert "11 位" in msg(screen, "account")
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen is screen and screen.order_no is None
        assert orders(app) == []
        await type_text(pilot, "x")                     # letters: a different message, still nothing
        assert "数字" in msg(screen, "account")
        assert orders(app) == []


async def test_valid_order_places_and_shows_progress_to_final(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = await open_checkout(app, pilot, "yidong huafei 10")
        await type_text(pilot, "13800138000")
        assert "移动" in msg(screen, "account")          # the carrier of the number
        label = str(screen.query_one("#place", Button).label)
        assert "10.00" in label and "8000" in label      # total and the account's last 4 digits
        await pilot.press("enter")
        await settle(app, pilot)
        [order] = orders(app)
        assert order.state is OrderState.SUCCEEDED and order.account_text == "13800138000"
        progress = str(screen.query_one("#progress", Static).render())
        assert "待发送 -> 已提交" in progress and "成功" in progress
        await pilot.press("escape")
        assert isinstance(app.screen, CatalogScreen)


async def test_esc_before_the_reply_keeps_the_order_running(make_app):
    # 2 s: on a busy 2-core machine 500 ms could pass between Enter and the first assertion
    app = make_app(KAMENG_TUI_DEMO_LATENCY_MS="2000")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = await order_in_flight(app, pilot)
        await pilot.press("escape")                    # the modal closed before any reply
        assert isinstance(app.screen, CatalogScreen)
        assert app.root.ledger.get(screen.order_no).state in (OrderState.PENDING, OrderState.SUBMITTED)
        assert app.runner.in_flight == 1
        await app.runner.wait_all()
        assert app.root.ledger.get(screen.order_no).state is OrderState.SUCCEEDED
        assert len(orders(app)) == 1


async def test_card_secrets_are_masked_revealed_and_copied(make_app):
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        screen = await open_checkout(app, pilot, "qqb kami 10")
        assert screen.product.delivery is Delivery.CARD
        await type_text(pilot, "13800138000")        # the demo's card goods ask for a phone number
        await pilot.press("enter")
        await settle(app, pilot)
        order = app.root.ledger.get(screen.order_no)
        assert order.state is OrderState.SUCCEEDED
        masked = str(screen.query_one("#cards", Static).render())
        assert "****" in masked
        await pilot.press("r")
        revealed = str(screen.query_one("#cards", Static).render())
        assert "****" not in revealed and revealed.strip()
        await pilot.press("y")
        assert app.clipboard and app.clipboard.split()[0] in revealed
        # each explicit act is chained, with the operator and without the card's text (issue 19)
        seen = [e.body for e in app.root.ledger.events(screen.order_no) if e.kind == "revealed"]
        assert [b["action"] for b in seen] == ["reveal", "copy"] and all(b["operator"] for b in seen)
        assert app.clipboard.split()[0] not in str(seen)


async def test_up_picks_a_recent_account_and_again_prefills(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await open_checkout(app, pilot, "yidong huafei 10")
        await type_text(pilot, "13800138000")
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("escape", "escape", "escape")
        # another 话费 product: up offers the number used before
        screen = await open_checkout(app, pilot, "liantong huafei 20")
        await pilot.press("up")
        assert screen.query_one("#f-account", Input).value == "13800138000"
        await pilot.press("escape", "escape", "escape")
        # 再来一单 on the product ordered before: same account, shown masked
        screen = await open_checkout(app, pilot, "yidong huafei 10", key="a")
        assert "再来一单 -> 138****8000" in str(screen.query_one("#again", Static).render())
        assert screen.query_one("#f-account", Input).value == "13800138000"
        await pilot.press("enter")
        await settle(app, pilot)
        assert len(orders(app)) == 2                    # again=True: no repeat-window refusal


async def test_a_repeat_within_the_window_names_the_key_not_a_cli_flag(make_app):
    """The store refuses the same 话费 for the same number within the window; the dialog
    says how to go on in the app (Enter again), never the CLI's --again."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await open_checkout(app, pilot, "yidong huafei 10")
        await type_text(pilot, "13800138000")
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("escape", "escape", "escape")
        screen = await open_checkout(app, pilot, "yidong huafei 10")
        await type_text(pilot, "13800138000")
        await pilot.press("enter")
        await settle(app, pilot)
        shown = " ".join(str(w.render()) for w in screen.query(Static))
        assert "再按 Enter" in shown and "--again" not in shown, shown
        assert len(orders(app)) == 1
        await pilot.press("enter")
        await settle(app, pilot)
        assert len(orders(app)) == 2


async def test_a_changed_price_is_shown_and_asked_again(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        product = app.ctx.catalog.product("demo:HF-CM-500")
        stale = dataclasses.replace(product, unit_cost=product.unit_cost - Decimal("3"))
        screen = CheckoutScreen(stale)
        await app.push_screen(screen)
        await pilot.pause()
        await type_text(pilot, "13800138000")
        await pilot.press("enter")
        await settle(app, pilot)
        shown = str(screen.query_one("#progress", Static).render())
        assert "进价变了" in shown and f"{product.unit_cost:.2f}"[:5] in shown
        assert orders(app) == []                       # nothing recorded at the old price
        await pilot.press("enter")
        await settle(app, pilot)
        [order] = orders(app)
        assert order.unit_cost == product.unit_cost


async def test_game_order_with_a_region_picker(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = await open_checkout(app, pilot, "wzry 6")
        await type_text(pilot, "123456789")
        assert "格式正确" in msg(screen, "account")
        await pilot.press("enter")                        # the region is still missing
        await settle(app, pilot)
        assert screen.order_no is None and orders(app) == []
        assert screen.focused.id == "f-region"
        await pilot.press("enter", "down", "down", "enter")  # open the picker, take the second entry
        await pilot.pause()
        region = screen.values()["region"]
        assert region == screen.product.field("region").options[1]
        assert screen.focused.id == "quantity"             # a pick moves on to the next field
        await pilot.press("enter")
        await settle(app, pilot)
        [order] = orders(app)
        assert order.state is OrderState.SUCCEEDED
        assert order.account == {"account": "123456789", "region": region}


async def test_a_copied_card_secret_is_cleared_after_the_timeout(make_app):
    app = make_app("[ui]\nclipboard_clear_s = 5\n")            # the least [ui] clipboard_clear_s takes
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await open_checkout(app, pilot, "qqb kami 10")
        await type_text(pilot, "13800138000")
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("y")
        assert app.clipboard
        await pilot.pause(4.0)
        assert app.clipboard                                  # still there before the 5 s
        await pilot.pause(1.5)
        assert app.clipboard == ""
        assert any("已清除" in str(n.message) for n in notifications(app))


async def test_tab_moves_between_the_fields_and_back(make_app):
    """Filling an order from the keyboard: Tab to the next field, shift+Tab back."""
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = await open_checkout(app, pilot, "yidong huafei 10")
        first = screen.focused
        assert isinstance(first, Input)
        await pilot.press("tab")
        await pilot.pause()
        assert screen.focused is not first and screen.focused is not None
        await pilot.press("shift+tab")
        await pilot.pause()
        assert screen.focused is first


async def open_with_price(app, pilot, price: str) -> CheckoutScreen:
    """The 移动 10 元 checkout (cost 9.85-9.96) with a phone number and a price of our own."""
    screen = await open_checkout(app, pilot, "yidong huafei 10")
    await type_text(pilot, "13800138000")
    screen.set_focus(screen.query_one("#price", Input))
    await pilot.pause()
    await type_text(pilot, price)
    return screen


def progress(screen) -> Text:
    content = screen.query_one("#progress", Static).content
    return content if isinstance(content, Text) else Text(str(content))


async def test_a_price_below_cost_is_asked_again_in_the_warning_colour(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = await open_with_price(app, pilot, "5")
        assert "5.00" in str(screen.query_one("#place", Button).label)
        await pilot.press("enter")
        await settle(app, pilot)
        shown = progress(screen)
        assert "低于成本" in shown.plain and "5.00" in shown.plain
        assert "yellow" in str(shown.style) and "red" not in str(shown.style)
        assert screen.order_no is None and orders(app) == []       # asked, nothing recorded
        await pilot.press("enter")                                   # the second Enter: sell at a loss
        await settle(app, pilot)
        [order] = orders(app)
        assert order.unit_price == Decimal("5.00") and order.profit < 0


async def test_a_new_price_after_the_warning_is_asked_again(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = await open_with_price(app, pilot, "5")
        await pilot.press("enter")
        await settle(app, pilot)
        assert "低于成本" in progress(screen).plain
        await pilot.press("backspace")
        await type_text(pilot, "4")                                  # another price: the question again
        await pilot.press("enter")
        await settle(app, pilot)
        assert "4.00" in progress(screen).plain and orders(app) == []


async def test_a_price_that_is_no_amount_is_shown_on_its_field(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = await open_with_price(app, pilot, "10,00")
        assert "小数点" in msg(screen, "price")
        await pilot.press("enter")
        await settle(app, pilot)
        assert screen.order_no is None and orders(app) == []
        for _ in range(5):
            await pilot.press("backspace")
        await type_text(pilot, "１２.５")                             # fullwidth digits, as an IME types them
        assert msg(screen, "price") == ""
        await pilot.press("enter")
        await settle(app, pilot)
        [order] = orders(app)
        assert order.unit_price == Decimal("12.50")


async def test_a_number_of_another_carrier_is_a_warning_and_takes_enter_twice(make_app):
    # 131 is a 联通 prefix, the product is 移动 话费: the number may have been ported
    # (携号转网), so the checkout warns in the warning colour and asks once more.
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = await open_checkout(app, pilot, "yidong huafei 10")
        await type_text(pilot, "13100131000")
        shown = screen.query_one("#msg-account", Static).render()
        assert "联通" in str(shown) and "移动" in str(shown)
        styles = " ".join(str(span.style) for span in shown.spans)
        assert "yellow" in styles and "green" not in styles          # the warning colour
        assert "号段属联通，仍要下单" in str(screen.query_one("#place", Button).label)
        await pilot.press("enter")
        await settle(app, pilot)
        assert screen.order_no is None and orders(app) == []        # the first Enter only asks
        assert "Enter" in str(screen.query_one("#progress", Static).render())
        await pilot.press("enter")
        await settle(app, pilot)
        [order] = orders(app)
        assert order.account_text == "13100131000" and order.state is OrderState.SUCCEEDED


async def test_a_changed_number_is_asked_about_afresh(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = await open_checkout(app, pilot, "yidong huafei 10")
        await type_text(pilot, "13100131000")
        await pilot.press("enter")                     # asked about 131...
        await settle(app, pilot)
        screen.query_one("#f-account", Input).focus()
        await pilot.press("end", "backspace")
        await type_text(pilot, "2")                    # ...another 联通 number now
        await pilot.press("enter")
        await settle(app, pilot)
        assert screen.order_no is None and orders(app) == []
        screen.query_one("#f-account", Input).focus()
        for _ in range(11):
            await pilot.press("backspace")
        await type_text(pilot, "13800138000")          # a 移动 number: no question, one Enter
        assert "号段" not in str(screen.query_one("#place", Button).label)
        await pilot.press("enter")
        await settle(app, pilot)
        assert len(orders(app)) == 1


async def test_a_reveal_pressed_before_the_cards_arrive_never_shows_them_unrecorded(make_app):
    """`r` while the 卡密 order is still on its way opens nothing and records nothing; the
    settled order's cards then stay masked until `r` again, which records the showing
    (found by review: they were shown in the clear with no `revealed` event)."""
    import asyncio

    app = make_app(KAMENG_TUI_DEMO_LATENCY_MS="1500")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = await open_checkout(app, pilot, "qqb kami 10")
        await type_text(pilot, "13800138000")
        await pilot.press("enter")
        await asyncio.sleep(0.3)
        await pilot.pause()
        assert app.root.ledger.get(screen.order_no).state is not OrderState.SUCCEEDED
        await pilot.press("r")
        await settle(app, pilot)
        assert app.root.ledger.get(screen.order_no).state is OrderState.SUCCEEDED

        def revealed() -> int:
            return sum(1 for e in app.root.ledger.events(screen.order_no) if e.kind == "revealed")

        assert "****" in str(screen.query_one("#cards", Static).render()) and revealed() == 0
        await pilot.press("r")
        await settle(app, pilot)
        assert "****" not in str(screen.query_one("#cards", Static).render()) and revealed() == 1
