"""The app starts with a broken supplier plugin installed, and the settings form offers
only the kinds that load (the broken ones are listed by `supplier kinds`)."""

from __future__ import annotations

import pytest
from plugin_kit import install_doc_plugin, write_plugins
from textual.widgets import Select
from textual.widgets.select import InvalidSelectValueError

from kameng_tui.tui.screens.settings import SettingsScreen
from kameng_tui.tui.widgets.supplier_panel import SupplierPanel

from conftest import settle


async def test_the_app_starts_and_offers_only_usable_kinds(make_app, tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(write_plugins(tmp_path / "plugins")))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("4")
        await settle(app, pilot)
        assert isinstance(app.screen, SettingsScreen)
        screen = app.screen
        kind = screen.query_one("#f-kind", Select)
        for usable in ("demo", "fulu", "http"):
            kind.value = usable
        for broken in ("gone", "clash", "odd"):
            with pytest.raises(InvalidSelectValueError):
                kind.value = broken


async def test_a_plugin_kind_gets_the_inputs_it_declares_and_is_added(make_app, tmp_path, monkeypatch):
    """The settings form renders a third-party kind's declared fields (docs/plugins.md's
    pricelist): its two inputs with their labels, none of http's; filled in, it is added."""
    from textual.widgets import Input

    files = install_doc_plugin(tmp_path / "site")
    prices = tmp_path / "prices.json"
    prices.write_text(files["prices.json"], encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(app, pilot)
        await pilot.press("4")
        await settle(app, pilot)
        screen = app.screen
        screen.query_one("#f-kind", Select).value = "pricelist"
        await pilot.pause()
        panel = screen.query_one(SupplierPanel)
        shown = {i.id: i.border_title for i in panel.query(".cell Input") if i.parent.display}
        assert shown == {"f-name": "名称", "f-catalog_file": "Price list file (JSON)", "f-credit": "Prepaid credit"}
        screen.query_one("#f-name", Input).value = "shop"
        screen.query_one("#f-catalog_file", Input).value = str(prices)
        screen.query_one("#f-credit", Input).value = "100"
        screen.query_one("#sup-add").press()
        await settle(app, pilot)
        config = app.root.paths.config_file.read_text(encoding="utf-8")
    assert 'kind = "pricelist"' in config and 'credit = "100"' in config and str(prices) in config
