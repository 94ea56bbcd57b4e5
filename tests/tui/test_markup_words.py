"""Issue 15 point 8: a markup rule says what it does. The settings screen shows the
formula in words while the rule is typed ("售价 = 进价 x 1.20，不超过面值"), with an
example on a sample cost, before anything is saved."""

from __future__ import annotations

from kameng_tui.tui.screens.settings import SettingsScreen

from conftest import SIZE, screen_lines, settle, type_text


async def open_pricing(app, pilot) -> SettingsScreen:
    await settle(app, pilot)
    await pilot.press("4")
    await settle(app, pilot)
    assert isinstance(app.screen, SettingsScreen)
    await pilot.press("down", "enter")              # the markup rules
    await settle(app, pilot)
    return app.screen


def text_of(app) -> str:
    return "\n".join(screen_lines(app))


async def test_a_rule_being_typed_shows_its_formula_and_an_example(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_pricing(app, pilot)
        await pilot.press("a")
        await type_text(pilot, "话费")
        await pilot.press("tab", "tab")
        await type_text(pilot, "20")
        await pilot.press("percent_sign")
        await settle(app, pilot)
        shown = text_of(app)
        assert "售价 = 进价 x 1.20，不超过面值" in shown, shown
        assert "例：进价 100.00 元 -> 售价 120.00 元" in shown, shown
        await pilot.press("backspace", "backspace", "backspace")
        await type_text(pilot, "0.5")
        await pilot.press("percent_sign")
        await settle(app, pilot)
        shown = text_of(app)
        assert "售价 = 进价 x 1.005，不超过面值" in shown and "售价 100.50 元" in shown, shown


async def test_the_default_of_an_old_config_says_it_sells_at_the_face_value(make_app):
    app = make_app('[general]\nlanguage = "en"\n')
    async with app.run_test(size=SIZE) as pilot:
        await open_pricing(app, pilot)
        shown = text_of(app)
        assert "price = the face value; where there is none or the cost is above it, price = cost x 1.03" in shown, shown
        assert "e.g. cost 100.00 -> price 103.00" in shown, shown


async def test_a_default_that_caps_says_so(make_app):
    app = make_app('[pricing]\nmarkup = "0.05"\nuse_face_value = false\ncap_at_face_value = true\n')
    async with app.run_test(size=SIZE) as pilot:
        await open_pricing(app, pilot)
        assert "售价 = 进价 x 1.05，不超过面值" in text_of(app)
