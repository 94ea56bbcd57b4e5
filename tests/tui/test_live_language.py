"""Settings -> Interface -> language switches the words while the app runs: the keys the
footer shows (bindings made at run time, tui/textual_compat.install_bindings) are in the
new language at once, on the app and on the settings screen, and the keys still work."""

from __future__ import annotations

from textual.widgets import Select

from kameng_tui.tui.screens.batch import BatchScreen
from kameng_tui.tui.screens.settings import SettingsScreen

from conftest import SIZE, settle


def shown(app) -> dict[str, str]:
    """binding id -> the label the footer shows for it now."""
    return {b.binding.id: b.binding.description for b in app.screen.active_bindings.values() if b.binding.id}


async def test_switching_the_language_in_settings_relabels_the_keys_and_they_still_work(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("f5")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        before = shown(app)
        assert before["app.batch"] == "批量" and before["settings.new"] == "添加", before

        screen.query_one("#ui-language", Select).value = "en"
        await settle(app, pilot)
        after = shown(app)
        assert after["app.batch"] == "Batch" and after["settings.new"] == "Add", after
        assert all(label.isascii() for label in after.values()), after

        await pilot.press("f3")                                      # the relabelled key still switches
        await settle(app, pilot)
        assert isinstance(app.screen, BatchScreen)
        assert shown(app)["app.batch"] == "Batch"
