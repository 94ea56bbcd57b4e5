"""A bug that escapes every handler in the app (not a KamengError, which handlers turn into
a message): it is logged with its traceback and the app ends with return code 1 (the
one-line message names the log), through tui/textual_compat.UnhandledExceptionHook."""

from __future__ import annotations

import logging

import pytest

from kameng_tui.tui.screens.catalog import CatalogScreen

from conftest import SIZE, settle


async def test_a_bug_in_a_key_handler_is_logged_and_ends_the_app_with_1(make_app, monkeypatch, caplog):
    def boom(self) -> None:
        raise ZeroDivisionError("a bug in detail")

    monkeypatch.setattr(CatalogScreen, "action_toggle_detail", boom)
    app = make_app()
    # caplog listens at the root; the "kameng_tui" logger stops propagation once the CLI
    # module was imported in this worker (cli/main.py), so listen on the logger itself.
    logger = logging.getLogger("kameng_tui.tui")
    logger.addHandler(caplog.handler)
    try:
        with caplog.at_level(logging.ERROR, logger="kameng_tui.tui"), pytest.raises(ZeroDivisionError):
            async with app.run_test(size=SIZE) as pilot:
                await settle(app, pilot)
                await pilot.press("i")
                await pilot.pause()
    finally:
        logger.removeHandler(caplog.handler)
    assert app.return_code == 1
    logged = [r for r in caplog.records if r.name == "kameng_tui.tui" and r.exc_info]
    assert [str(r.exc_info[1]) for r in logged] == ["a bug in detail"]
