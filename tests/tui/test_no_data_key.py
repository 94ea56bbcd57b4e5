"""卡密 on a machine without a keyring, in the TUI (issue 15 point 1): the header says
at start-up that no data key is available and what that disables; F6 (or the refused
checkout) opens a dialog that says where the key file goes (0600) and that losing it
makes stored 卡密 unreadable; creating it takes effect at once, in an open checkout
too. No message in the TUI names a CLI command."""

from __future__ import annotations

import os
import stat

import pytest
from textual.widgets import Static

from kameng_tui.domain.history import HistoryFilter
from kameng_tui.domain.models import Delivery
from kameng_tui.domain.states import OrderState

from conftest import SIZE, screen_lines, settle, type_text
from test_checkout_screen import open_checkout

NO_KEY = {"KAMENG_TUI_DATA_KEY": ""}


def is_dialog(screen) -> bool:
    """The data key dialog (tui/screens/data_key.py) is the screen on top."""
    return type(screen).__name__ == "DataKeyScreen"


def text_of(app) -> str:
    return "\n".join(screen_lines(app))


def orders(app):
    return list(app.root.ledger.history(HistoryFilter(), limit=100).items)


def key_file(app):
    return app.ctx.data_key.status().key_file


@pytest.mark.parametrize("lang, words", [("zh", ("无数据密钥", "卡密", "F6")), ("en", ("no data key", "card", "F6"))])
async def test_the_header_says_at_start_that_card_goods_cannot_be_ordered(make_app, no_keyring, lang, words):
    app = make_app(f'[general]\nlanguage = "{lang}"\n', **NO_KEY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        header = screen_lines(app)[0]
        assert all(w in header for w in words), header
        assert "use-file" not in text_of(app)


async def test_no_notice_when_a_data_key_is_there(make_app):
    app = make_app()                                  # KAMENG_TUI_DATA_KEY from the kit
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert "无数据密钥" not in screen_lines(app)[0]


async def test_f6_dialog_says_where_and_creates_the_key_file(make_app, no_keyring):
    app = make_app(**NO_KEY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        path = key_file(app)
        await pilot.press("f6")
        await pilot.pause()
        assert is_dialog(app.screen)
        assert path in str(app.screen.query_one("#dk-path", Static).render())
        text = text_of(app)
        assert "0600" in text and "备份" in text and "无法解密" in text
        assert "use-file" not in text and "KAMENG_TUI" not in text
        assert not os.path.exists(path)                 # asked, not done behind the user's back
        await pilot.press("escape")                     # cancel: nothing made
        await pilot.pause()
        assert not is_dialog(app.screen) and not os.path.exists(path)
        await pilot.press("f6")
        await pilot.pause()
        await pilot.press("y")
        await settle(app, pilot)
        assert not is_dialog(app.screen)
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
        assert "无数据密钥" not in screen_lines(app)[0]   # the header drops the notice at once


async def test_a_checkout_open_before_the_key_existed_orders_once_it_is_made(make_app, no_keyring):
    app = make_app(**NO_KEY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = await open_checkout(app, pilot, "qqb kami 10")
        assert screen.product.delivery is Delivery.CARD
        await type_text(pilot, "13800138000")
        await pilot.press("enter")
        await settle(app, pilot)
        assert screen.order_no is None and orders(app) == []          # refused before the intent
        assert is_dialog(app.screen)                   # the way on, offered at once
        assert "use-file" not in text_of(app)
        await pilot.press("y")
        await settle(app, pilot)
        assert app.screen is screen
        await pilot.press("enter")
        await settle(app, pilot)
        assert screen.order_no is not None
        assert app.root.ledger.get(screen.order_no).state is OrderState.SUCCEEDED
        assert "****" in str(screen.query_one("#cards", Static).render())


async def test_f6_inside_an_open_checkout_then_enter_orders(make_app, no_keyring):
    app = make_app(**NO_KEY)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = await open_checkout(app, pilot, "qqb kami 10")
        assert "按 F6 创建密钥文件" in text_of(app)                       # said before the first Enter
        await type_text(pilot, "13800138000")
        await pilot.press("f6")
        await pilot.pause()
        assert is_dialog(app.screen)
        await pilot.press("y")
        await settle(app, pilot)
        assert app.screen is screen and "F6" not in text_of(app)
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.root.ledger.get(screen.order_no).state is OrderState.SUCCEEDED


@pytest.mark.parametrize("lang, words", [("zh", ("0600", "备份", "创建密钥文件 (y)", "取消 (n)")),
                                         ("en", ("0600", "Back it up", "Create the key file (y)", "Cancel (n)"))])
async def test_the_dialog_is_whole_at_80x24(make_app, no_keyring, lang, words):
    """Where the file goes, the warning and both buttons fit without scrolling."""
    app = make_app(f'[general]\nlanguage = "{lang}"\n', **NO_KEY)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("f6")
        await pilot.pause()
        assert is_dialog(app.screen)
        text = text_of(app)
        assert all(w in text for w in words), text
        assert os.path.basename(key_file(app)) in text


async def test_a_card_line_in_the_batch_grid_names_the_key_not_a_command(make_app, no_keyring):
    """Batch entry checks each line as the checkout does: a 卡密 line without a data key
    says so in the app's words (the key), and F6 from the grid opens the dialog."""
    from test_batch_screen import open_batch, paste

    app = make_app(**NO_KEY)
    async with app.run_test(size=SIZE) as pilot:
        await open_batch(app, pilot)
        await paste(app, pilot, "demo:GM-QQB-10-K 13800138000\n")
        text = text_of(app)
        assert "F6" in text and "use-file" not in text and "KAMENG_TUI" not in text, text
        await pilot.press("f6")
        await pilot.pause()
        assert is_dialog(app.screen)
