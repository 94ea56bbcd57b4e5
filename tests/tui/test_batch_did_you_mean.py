"""The batch screen names the SKUs near an unknown one on its line (issue 15, point 10):
the row's reason ends with "你是不是要找 demo:HF-CM-50..."."""

from __future__ import annotations

from textual import events

from kameng_tui.tui.screens.batch import BatchScreen

from conftest import SIZE, screen_lines, settle


async def test_an_unknown_sku_in_the_grid_suggests_the_near_ones(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("f3")
        await settle(app, pilot)
        assert isinstance(app.screen, BatchScreen)
        app.screen.grid.post_message(events.Paste("demo:HF-CM-5O\t13800138000\t1\n"))
        await settle(app, pilot)
        text = "\n".join(screen_lines(app))
        assert "你是不是要找 demo:HF-CM-50、demo:HF-CM-10、demo:HF-CM-20" in text, text
