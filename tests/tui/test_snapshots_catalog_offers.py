"""SVG snapshots of the catalog of two suppliers publishing the same goods (issue 18):
one row per product with its offers count, the detail pane listing both offers and
why the chosen one wins (a tie on cost and stock: by supplier name), at 120x40 and
at 80x24 with the detail shown, zh and en. Update with `--snapshot-update` after
reading the SVG's text."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from conftest import settle
from test_supplier_column import TWO_DEMOS


@pytest.fixture(autouse=True)
def no_blink(monkeypatch):
    monkeypatch.setattr(Input, "cursor_blink", False)          # a still cursor: the same on every run


async def ready(pilot) -> None:
    await settle(pilot.app, pilot)
    pilot.app.screen.query_one("#search", Input).value = "huafei 100"
    await settle(pilot.app, pilot)


def two_demos(make_app, lang):
    import asyncio

    app = make_app(f'[general]\nlanguage = "{lang}"\n\n' + TWO_DEMOS)
    asyncio.run(app.root.catalog.sync("shop"))
    return app


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_catalog_products_with_offers_120x40(make_app, snap_compare, lang):
    assert snap_compare(two_demos(make_app, lang), terminal_size=(120, 40), run_before=ready)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_catalog_products_with_offers_80x24_detail(make_app, snap_compare, lang):
    assert snap_compare(two_demos(make_app, lang), terminal_size=(80, 24), run_before=ready, press=["i"])
