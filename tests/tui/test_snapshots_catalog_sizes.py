"""SVG snapshots of the catalog at 80x24 and 120x40, zh and en, on the long-name
fixture (names differing only in their last word): what the Pilot assertions in
test_narrow_catalog.py check, as a picture. Update with `--snapshot-update` after
reading the SVG's text."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from conftest import settle
from test_narrow_catalog import LARGE, SMALL, long_name_catalog


@pytest.fixture(autouse=True)
def no_blink(monkeypatch):
    monkeypatch.setattr(Input, "cursor_blink", False)          # a still cursor: the same on every run


async def ready(pilot) -> None:
    await settle(pilot.app, pilot)


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["80x24", "120x40"])
def test_catalog_long_names(make_app, snap_compare, lang, size):
    app = make_app(f'[general]\nlanguage = "{lang}"\n')
    long_name_catalog(app)
    assert snap_compare(app, terminal_size=size, run_before=ready)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_catalog_80x24_with_detail_shown(make_app, snap_compare, lang):
    app = make_app(f'[general]\nlanguage = "{lang}"\n')
    long_name_catalog(app)
    assert snap_compare(app, terminal_size=SMALL, run_before=ready, press=["i"])


def test_too_small_notice(make_app, snap_compare):
    app = make_app()
    assert snap_compare(app, terminal_size=(70, 20), run_before=ready)
