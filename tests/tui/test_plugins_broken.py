"""The app starts with a broken supplier plugin installed, and the settings form offers
only the kinds that load (the broken ones are listed by `supplier kinds`)."""

from __future__ import annotations

import pytest
from plugin_kit import write_plugins
from textual.widgets import Select
from textual.widgets.select import InvalidSelectValueError

from kameng_tui.tui.screens.settings import SettingsScreen

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
