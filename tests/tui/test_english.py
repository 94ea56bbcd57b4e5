"""The terminal app in English: every screen, dialog and notification reads in en;
Chinese is left only where the catalog's own data (names, categories, attributes,
account field labels) or a customer's name is shown."""

from __future__ import annotations

import re

from textual import events

from kameng_tui.domain.catalog_index import Result
from kameng_tui.domain.catalog_query import DELIVERY_FACET, TAG_FACET, Query
from kameng_tui.tui.text import Texts
from kameng_tui.tui.widgets.filter_pane import build_entries
from kameng_tui.tui.screens.batch import BatchScreen
from kameng_tui.tui.screens.checkout import CheckoutScreen
from kameng_tui.tui.screens.help import HelpScreen
from kameng_tui.tui.screens.history import HistoryScreen
from kameng_tui.tui.screens.settings import SECTIONS, SettingsScreen
from kameng_tui.tui.textual_compat import notifications

from conftest import SIZE, screen_lines, settle, type_text
from kit import demo_data_words

EN = '[general]\nlanguage = "en"\n'


DATA = demo_data_words()


def chinese_left(lines: list[str]) -> list[str]:
    """Lines still holding Chinese once the catalog's data is taken out. A cell cut at
    its width may end in part of a name: a trailing fragment of data is data too."""
    out = []
    for line in lines:
        bare = line
        for word in DATA:
            bare = bare.replace(word, "")
        for piece in re.findall(r"[\u3400-\u4dbf\u4e00-\u9fff]+", bare):
            if not any(piece in w for w in DATA):
                out.append(line)
                break
        else:
            if re.search(r"[\u3000-\u303f\uff00-\uffef]", bare):
                out.append(line)
    return out


def assert_english(app) -> None:
    lines = screen_lines(app) + [str(n.message) for n in notifications(app)]
    assert not chinese_left(lines), "\n".join(chinese_left(lines))


async def test_every_screen_reads_in_english(make_app):
    app = make_app(EN)
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        assert_english(app)                                  # catalog: filters, facets, tags, detail pane
        text = "\n".join(screen_lines(app))
        assert "Category" in text and "products" in text and "delivery" in text
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert_english(app)
        await pilot.press("escape", "slash", *"yidong", "space", *"huafei", "enter", "o")
        await pilot.pause()
        assert isinstance(app.screen, CheckoutScreen)
        await type_text(pilot, "1310013100")                 # one digit short: the field says why
        await pilot.pause()
        assert "11 digits" in "\n".join(screen_lines(app))
        assert_english(app)
        await type_text(pilot, "0")
        await pilot.pause()
        assert "China Unicom" in "\n".join(screen_lines(app))
        await pilot.press("enter")
        await settle(app, pilot)
        assert_english(app)
        await pilot.press("escape", "f4")
        await settle(app, pilot)
        assert isinstance(app.screen, HistoryScreen)
        assert_english(app)
        await pilot.press("f3")
        await settle(app, pilot)
        assert isinstance(app.screen, BatchScreen)
        app.screen.grid.post_message(events.Paste("demo:HF-CM-10\t13800138000\t1\ndemo:HF-LT-20\t1310013100x\t1\n"
                                                  "demo:NOPE\t13800138000\n"))
        await settle(app, pilot)
        text = "\n".join(screen_lines(app))
        assert "must be digits" in text and "with errors" in text
        assert_english(app)
        await app.switch_mode("settings")                   # (F5 runs the batch on the batch screen)
        await settle(app, pilot)
        assert isinstance(app.screen, SettingsScreen)
        for section in SECTIONS:                             # suppliers, markup rules, interface, keys
            app.screen.show_section(section)
            await settle(app, pilot)
            assert_english(app)
        assert "Keys" in "\n".join(screen_lines(app))


def test_our_facets_read_in_the_language_and_keep_their_identifiers():
    result = Result(count=5, positions=(), categories={},
                    facets={DELIVERY_FACET: {"直充": 3, "卡密": 2}, TAG_FACET: {"热销TOP": 2, "库存紧张": 1}})
    query = Query(tags=frozenset({"热销TOP"}))
    en = [(e.kind, e.label, e.value) for e in build_entries(query, result, Texts("en")) if e.kind != "category"]
    assert ("header", "delivery", "") in en and ("value", "direct", "直充") in en and ("value", "card", "卡密") in en
    assert ("header", "tags", "") in en and ("value", "top seller", "热销TOP") in en
    zh = [(e.kind, e.label) for e in build_entries(query, result, Texts("zh")) if e.kind != "category"]
    assert ("header", "发货方式") in zh and ("value", "直充") in zh and ("value", "热销TOP") in zh
    assert [e.on for e in build_entries(query, result, Texts("en")) if e.value == "热销TOP"] == [True]
