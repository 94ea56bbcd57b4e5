"""Supplier text is untrusted (issue 14, point 5): a catalog synced from a hostile
supplier (the reference server as a real process, `evil_text=1`) reaches the TUI's
screen as plain text, without a control or format character from the data."""

from __future__ import annotations

import re

from kameng_tui.tui.screens.catalog import CatalogScreen

from conftest import NOW, SIZE, screen_lines, settle

CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2028\u2029\u2060-\u2069\ufeff]")


async def test_the_catalog_screen_shows_an_evil_catalog_as_plain_text(tmp_path, home):
    from kameng_tui.bootstrap import build_context
    from kameng_tui.tui.app import KamengApp
    from tests.http.refkit import client_env, start_server

    server = start_server(tmp_path, "--catalog-size", "200", faults="evil_text=1")
    try:
        env = {**client_env(home, server.url, deadline_s="5", read_s="2"), "KAMENG_TUI_NOW": NOW}
        ctx = build_context(env)
        report = await ctx.catalog.sync()
        assert report.errors == {} and report.counts["ref"] == 200
        app = KamengApp(ctx.shop)
        app.root = ctx
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            assert isinstance(app.screen, CatalogScreen)
            await pilot.press("down", "enter")             # the detail pane: name, category, attributes
            await settle(app, pilot)
            lines = screen_lines(app)
        text = "\n".join(lines)
        assert "]0;owned" in text                          # the hostile names are there, as plain text
        assert not any(CONTROL.search(line) for line in lines), [l for l in lines if CONTROL.search(l)][:3]
        await ctx.aclose()
        ctx.close()
    finally:
        server.stop()
