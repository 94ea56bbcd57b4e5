"""Adding a real supplier on the settings screen offers to turn the demo off (issue 15,
point 5): yes keeps it in config.toml with `enabled = false` and its products leave
the catalog; no keeps it on, and its products then read 演示 in the catalog."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from kameng_tui.tui.screens.catalog import CatalogScreen
from kameng_tui.tui.screens.confirm import ConfirmScreen
from kameng_tui.tui.widgets.product_table import ProductTable

from conftest import SIZE, screen_lines, settle
from test_settings_screen import KEY_ID, SECRET, config_file, fill_supplier, memory_keyring, open_settings, ref, text_of

__all__ = ["memory_keyring", "ref"]       # fixtures, used by name


async def catalog_rows(app, pilot, text: str) -> list[tuple[str, str]]:
    await pilot.press("1")
    await settle(app, pilot)
    assert isinstance(app.screen, CatalogScreen)
    app.screen.query_one("#search", Input).value = text
    await settle(app, pilot)
    table = app.screen.query_one(ProductTable)
    lines = screen_lines(app)
    out = []
    for y in range(1, table.region.height):
        row = table.scroll_offset.y + y - 1
        if row >= table.row_count():
            break
        out.append((table.product(row).supplier, lines[table.region.y + y]))
    return out


@pytest.mark.parametrize("answer", ["y", "n"])
async def test_adding_a_supplier_offers_to_turn_the_demo_off(make_app, ref, memory_keyring, answer):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await catalog_rows(app, pilot, "移动话费100")                # the catalog is open behind the settings
        await open_settings(app, pilot)
        await fill_supplier(pilot, "ref", ref.url, KEY_ID, SECRET)
        assert isinstance(app.screen, ConfirmScreen)
        assert "停用演示供应商" in text_of(app) and "demo？" in text_of(app), text_of(app)
        await pilot.press(answer)
        await settle(app, pilot)
        cfg = config_file(app).read_text(encoding="utf-8")
        status = screen_lines(app)[0]
        if answer == "y":
            assert "enabled = false" in cfg and "已停用演示供应商 demo" in text_of(app)
            assert "demo" not in status
        else:
            assert "enabled" not in cfg and "已添加 ref" in text_of(app) and "demo" in status
        await pilot.press("s")                                           # sync the new supplier
        await settle(app, pilot)
        rows = await catalog_rows(app, pilot, "移动话费100")
        suppliers = {s for s, _ in rows}
        if answer == "y":
            assert suppliers == {"ref"}
        else:
            assert suppliers == {"demo", "ref"}
            for supplier, line in rows:
                assert ("演示" in line) == (supplier == "demo"), line
