"""What the App tells its screens travels as typed Textual messages (tui/app_messages.py),
posted to every screen of every mode: a screen the user is not looking at is up to date
when they come back to it, and a bug in a screen's handler ends the app (return code 1)
instead of being logged and dropped."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from kameng_tui.domain.errors import AnchorMismatch
from kameng_tui.tui.screens.catalog import CatalogScreen
from kameng_tui.tui.screens.settings import SettingsScreen

from conftest import SIZE, settle

REFUSED = AnchorMismatch(where="head", reason="missing", anchored_seq=3, anchored_hash="ab" * 32, chain_seq=3,
                         chain_hash="ab" * 32)


async def test_the_settings_screen_not_shown_follows_the_ledger_refusing_writes(make_app):
    app = make_app(config_toml='[general]\nlanguage = "en"\n')
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("4")
        await settle(app, pilot)
        settings = app.screen
        assert isinstance(settings, SettingsScreen)
        state = settings.query_one("#ledger-state", Static)
        assert "refus" not in str(state.render()).lower()
        await pilot.press("1")                              # back to the catalog: settings not shown
        await pilot.pause()
        assert isinstance(app.screen, CatalogScreen)

        app.writes_refused(REFUSED)
        await pilot.pause()
        assert str(state.render()) == str(app.t("ledger.refused", why=REFUSED.why())), str(state.render())


async def test_a_bug_in_a_screen_s_handler_ends_the_app_with_return_code_1(make_app, monkeypatch):
    def broken(self, message):
        raise LookupError("a bug in a handler")

    monkeypatch.setattr(CatalogScreen, "on_catalog_changed", broken)
    app = make_app(config_toml='[general]\nlanguage = "en"\n')
    with pytest.raises(LookupError, match="a bug in a handler"):
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            await pilot.press("4")                          # the catalog is not the screen shown
            await pilot.pause()
            app.catalog_changed()
            await pilot.pause()
    assert app.return_code == 1
