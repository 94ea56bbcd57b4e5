"""The catalog with several suppliers' offers of the same goods (issue 18): the embedded
demo and two reference servers as real processes, one publishing the same goods under
other ids and wording, one names only. The list shows one row per product at its
cheapest eligible offer's cost with the offers count (the demo, beside real
suppliers, keeps its own marked rows: never sold, never chosen); the detail pane lists every
offer (cost, stock, sync time, balance and health, our delivery figures, 样本不足 with
no orders yet) and why the chosen one wins, at 120x40 and 80x24, in zh and en."""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

import pytest
from rich.cells import cell_len
from textual.widgets import Input

from kameng_tui.domain.money import fmt
from kameng_tui.tui.widgets.product_table import ProductTable

from conftest import screen_lines, settle

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "http"))
from refkit import KEY_ID, SECRET, start_server  # noqa: E402

SMALL, LARGE = (80, 24), (120, 40)
OFFERS = {"zh": "2家", "en": " 2 "}
DEMO = {"zh": "演示", "en": "Demo"}
FEW = {"zh": "样本不足（0 单）", "en": "too few samples (0 orders)"}
WHY = {"zh": "同价同库存，按供应商名先后", "en": "same cost and stock as"}      # refa and refb: a tie


@pytest.fixture
def refs(tmp_path):
    servers = [start_server(tmp_path / style, "--catalog-size", "400", "--catalog-style", style)
               for style in ("reworded", "names")]
    yield servers
    for server in servers:
        server.stop()


def config(lang: str, refs) -> str:
    lines = [f'[general]\nlanguage = "{lang}"\n', '[[suppliers]]', 'name = "demo"', 'kind = "demo"', ""]
    for name, server in zip(("refa", "refb"), refs):
        lines += ["[[suppliers]]", f'name = "{name}"', 'kind = "http"', f'base_url = "{server.url}"',
                  f'key_id = "{KEY_ID}"', ""]
    return "\n".join(lines)


async def three_suppliers(make_app, refs, lang):
    app = make_app(config(lang, refs), KAMENG_TUI_SECRET_REFA=SECRET, KAMENG_TUI_SECRET_REFB=SECRET)
    await app.root.catalog.sync()
    return app


def offers_of(app, product_id: str):
    """The SKUs the CLI's matching puts under a product, from the cache."""
    cache = app.root.catalog.cache
    skus = app.root.offers.match().offers[product_id]
    return [cache.product_by_sku(s) for s in skus]


async def search(app, pilot, text: str) -> None:
    app.screen.query_one("#search", Input).value = text
    await settle(app, pilot)


def crop(line: str, x: int, right: int) -> str:
    """The cells x..right of a screen line (a CJK character is two cells)."""
    out, at = [], 0
    for ch in line:
        w = cell_len(ch)
        if x <= at and at + w <= right:
            out.append(ch)
        at += w
    return "".join(out)


def rows(app) -> list[str]:
    table = app.screen.query_one(ProductTable)
    lines = screen_lines(app)
    region = table.region
    n = min(region.height - 1, table.row_count())
    return [crop(lines[region.y + 1 + y], region.x, region.right) for y in range(n)]


def detail(app) -> str:
    pane = app.screen.query_one("#detail")
    lines = screen_lines(app)
    r = pane.region
    return "\n".join(crop(lines[y], r.x, r.right) for y in range(r.y, r.bottom))


@pytest.mark.parametrize("size", [LARGE, SMALL])
@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_one_row_per_product_at_the_cheapest_offer_with_every_offer_in_the_detail(make_app, refs, lang, size):
    app = await three_suppliers(make_app, refs, lang)
    matched = offers_of(app, "HF-CM-100-ZC")
    assert sorted(p.supplier for p in matched) == ["demo", "refa", "refb"]
    offers = [p for p in matched if p.supplier != "demo"]    # the demo beside real suppliers stays apart
    demo = next(p for p in matched if p.supplier == "demo")
    best = min(offers, key=lambda p: (p.unit_cost, p.supplier))
    dearer = sorted({fmt(p.unit_cost) for p in offers} - {fmt(best.unit_cost)})
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await search(app, pilot, "移动话费100")
        listed = rows(app)
        cheapest = f"{best.unit_cost:.2f}"
        mine = [line for line in listed if OFFERS[lang] in line]
        assert len(mine) == 1, listed                        # the three SKUs are one row
        assert cheapest in mine[0], (cheapest, mine)
        if size == LARGE:
            assert f" {best.supplier} " in mine[0], mine  # the chosen offer's supplier
        for cost in dearer:                              # no row of its own for a dearer offer
            assert not any(f"{Decimal(cost):.2f}" in line and "100" in line for line in listed), (cost, listed)
        own = [line for line in listed if DEMO[lang] in line and f"{demo.unit_cost:.2f}" in line]
        assert len(own) == 1 and OFFERS[lang] not in own[0], listed    # its own row, marked, never chosen
        table = app.screen.query_one(ProductTable)
        table.move_cursor(next(i for i, line in enumerate(listed) if OFFERS[lang] in line))
        await settle(app, pilot)
        if size == SMALL:
            await pilot.press("i")
            await settle(app, pilot)
        text = detail(app)
        flat = text.replace("\n", "")
        for p in offers:
            assert p.supplier in text, text
        assert "demo" not in text.replace(DEMO[lang], ""), text
        assert FEW[lang] in text, text
        assert WHY[lang] in flat, text
        assert best.sku in flat and best.supplier == "refa", text

