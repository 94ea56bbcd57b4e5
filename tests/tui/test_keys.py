"""Every binding id: documented, shown in help, remappable through [keymap]; the
palette offers every action; digits switch screens only outside text fields; quitting
with orders in flight asks first."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.binding import BindingsMap
from textual.widgets import Input, Static

from kameng_tui.tui.keys import SCOPES, all_keys, bindings
from kameng_tui.tui.screens.catalog import CatalogScreen
from kameng_tui.tui.screens.checkout import CheckoutScreen
from kameng_tui.tui.screens.confirm import ConfirmScreen
from kameng_tui.tui.screens.help import HelpScreen
from kameng_tui.tui.screens.history import HistoryScreen
from kameng_tui.tui.screens.settings import SettingsScreen
from kameng_tui.tui.textual_compat import notifications

from conftest import SIZE, screen_lines, settle, type_text
from test_checkout_screen import order_in_flight

DOCS = Path(__file__).resolve().parents[2] / "docs" / "keys.md"


def test_every_binding_id_is_documented_and_unique():
    ids = [k.id for k in all_keys()]
    assert len(ids) == len(set(ids))
    text = DOCS.read_text(encoding="utf-8")
    missing = [i for i in ids if f"`{i}`" not in text]
    assert not missing, f"docs/keys.md lacks {missing}"
    for must in ("catalog.search", "catalog.order", "catalog.reorder", "checkout.place", "card.reveal", "card.copy"):
        assert must in ids


@pytest.mark.parametrize("key", all_keys(), ids=lambda k: k.id)
def test_each_binding_can_be_remapped(key):
    scope = next(name for name, keys in SCOPES.items() if key in keys)
    bmap = BindingsMap(bindings(SCOPES[scope]))
    bmap.apply_keymap({key.id: "f12"})
    assert {b.id for b in bmap.key_to_bindings["f12"]} == {key.id}
    for old in key.keys.split(","):
        assert all(b.id != key.id for b in bmap.key_to_bindings.get(old, []))


async def help_text(app, pilot) -> str:
    await pilot.press("f1")
    await pilot.pause()
    assert isinstance(app.screen, HelpScreen)
    text = "\n".join(screen_lines(app))
    await pilot.press("escape")
    return text


async def test_help_lists_every_key_of_each_screen(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        text = await help_text(app, pilot)
        for k in SCOPES["catalog"] + SCOPES["app"] + SCOPES["list"]:
            assert k.id in text
        await pilot.press("f4")
        await settle(app, pilot)
        assert isinstance(app.screen, HistoryScreen)
        text = await help_text(app, pilot)
        for k in SCOPES["history"]:
            assert k.id in text
        await pilot.press("f5")
        await settle(app, pilot)
        assert isinstance(app.screen, SettingsScreen)
        text = await help_text(app, pilot)
        for k in SCOPES["settings"]:
            assert k.id in text
        await pilot.press("f2", "o")
        await pilot.pause()
        assert isinstance(app.screen, CheckoutScreen)
        text = await help_text(app, pilot)
        for k in SCOPES["checkout"]:
            assert k.id in text


async def test_keymap_remaps_a_key_and_help_shows_it(make_app):
    app = make_app('[keymap]\n"catalog.order" = "n"\n"no.such.id" = "x"\n', )
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        assert any("no.such.id" in str(n.message) for n in notifications(app))
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, CatalogScreen)        # o no longer orders
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, CheckoutScreen)
        await pilot.press("escape")
        text = await help_text(app, pilot)
        line = next(l for l in text.splitlines() if "catalog.order" in l)
        assert " n " in line


async def test_palette_offers_every_action_of_the_screen(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        for k in SCOPES["catalog"]:
            assert any(k.id in t for t in titles), k.id
        await pilot.press("ctrl+p")
        await pilot.pause()
        await type_text(pilot, "catalog.sort")
        await pilot.press("enter")
        await settle(app, pilot)
        assert app.screen.q.sort == "price"


async def test_digits_switch_screens_only_outside_text_fields(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("slash", "3")
        assert isinstance(app.screen, CatalogScreen)
        assert app.screen.query_one("#search", Input).value == "3"
        await pilot.press("escape", "3")
        await settle(app, pilot)
        assert isinstance(app.screen, HistoryScreen)
        await pilot.press("1")
        assert isinstance(app.screen, CatalogScreen)


async def test_quit_asks_while_orders_are_in_flight(make_app):
    app = make_app(KAMENG_TUI_DEMO_LATENCY_MS="500")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await order_in_flight(app, pilot)
        await pilot.press("escape", "q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert "1 个订单" in str(app.screen.query_one(Static).render())
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, CatalogScreen) and app.return_code is None
        await app.runner.wait_all()
        await pilot.press("q")
        await pilot.pause()
        assert app.return_code == 0                        # nothing in flight: q quits at once


async def test_j_and_k_move_in_lists_like_the_arrows(make_app):
    from kameng_tui.tui.widgets.product_table import ProductTable

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(ProductTable)
        await pilot.press("j", "j", "down")
        assert table.cursor == 3
        await pilot.press("k", "up")
        assert table.cursor == 1
        await pilot.press("G")
        assert table.cursor == table.row_count() - 1
        await pilot.press("g")
        assert table.cursor == 0
