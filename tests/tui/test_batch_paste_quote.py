"""The batch screen's paste box refuses a CSV with an unclosed quote and says on which
line (issue 15, point 10): the grid keeps what it had, nothing is recorded."""

from __future__ import annotations

from textual.widgets import TextArea

from kameng_tui.tui.screens.batch import BatchScreen
from kameng_tui.tui.textual_compat import notifications

from conftest import SIZE, settle

UNCLOSED = 'sku,account,note\ndemo:HF-CM-10,13800138000,ok\ndemo:HF-CM-20,13800138001,"gift\n'


async def paste_in_box(app, pilot, text: str) -> None:
    await pilot.press("ctrl+v")
    await pilot.pause()
    app.screen.query_one(TextArea).text = text
    app.screen.query_one("#paste-import").press()
    await settle(app, pilot)


async def test_the_paste_box_names_the_line_of_an_unclosed_quote(make_app):
    for config, said in (("", "第 3 行：引号未闭合"), ('[general]\nlanguage = "en"\n', "line 3: unclosed quote")):
        app = make_app(config)
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await settle(app, pilot)
            await pilot.press("f3")
            await settle(app, pilot)
            assert isinstance(app.screen, BatchScreen)
            before = list(app.screen.grid.rows)
            await paste_in_box(app, pilot, UNCLOSED)
            assert isinstance(app.screen, BatchScreen)
            assert any(said in str(n.message) for n in notifications(app)), [n.message for n in notifications(app)]
            assert app.screen.grid.rows == before
