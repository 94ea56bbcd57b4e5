"""A bug that escapes every handler in the app (not a KamengError, which handlers turn into
a message): it is logged with its traceback and the app ends with return code 1 (the
one-line message names the log), through tui/textual_compat.UnhandledExceptionHook."""

from __future__ import annotations

import logging

import pytest

from kameng_tui.tui.screens.catalog import CatalogScreen

from conftest import SIZE, settle


async def test_a_bug_in_a_key_handler_is_logged_and_ends_the_app_with_1(make_app, monkeypatch):
    def boom(self) -> None:
        raise ZeroDivisionError("a bug in detail")

    monkeypatch.setattr(CatalogScreen, "action_toggle_detail", boom)
    app = make_app()
    # What the app logs is taken as it is emitted, on the logger itself: caplog's root
    # handler misses it once the "kameng_tui" logger stops propagating (the CLI module or
    # the log file set up earlier in this worker), and the log file's secret filter turns
    # the record's traceback into redacted text before the root would see it.
    seen: list[BaseException | None] = []

    class Catch(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            seen.append(record.exc_info[1] if record.exc_info else None)

    logger, catch = logging.getLogger("kameng_tui.tui"), Catch(logging.ERROR)
    logger.addHandler(catch)
    monkeypatch.setattr(logger, "disabled", False)
    try:
        with pytest.raises(ZeroDivisionError):
            async with app.run_test(size=SIZE) as pilot:
                await settle(app, pilot)
                await pilot.press("i")
                await pilot.pause()
    finally:
        logger.removeHandler(catch)
    assert app.return_code == 1
    assert [str(e) for e in seen] == ["a bug in detail"]
