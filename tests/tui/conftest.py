"""TUI fixtures: a demo catalog synced once per session and copied per test (pinyin
keys and the index snapshot are the slow part), a frozen clock, the real ledger."""

from __future__ import annotations

import asyncio
import shutil
from pathlib import Path

import pytest
from textual.worker import WorkerCancelled

from kit import base_env
from kameng_tui.tui.textual_compat import screen_strips

NOW = "2026-11-25T10:00:00+08:00"
SIZE = (120, 40)


@pytest.fixture(scope="session")
def synced_home(tmp_path_factory) -> Path:
    from kameng_tui.bootstrap import build_context

    home = tmp_path_factory.mktemp("tui-template")
    ctx = build_context(base_env(home, KAMENG_TUI_NOW=NOW))
    asyncio.run(ctx.catalog.sync())
    ctx.catalog.index()
    asyncio.run(ctx.aclose())
    ctx.close()
    return home


@pytest.fixture
def tui_home(tmp_path: Path, synced_home: Path) -> Path:
    home = tmp_path / "home"
    shutil.copytree(synced_home, home)
    return home


@pytest.fixture
def make_app(tui_home: Path):
    """make_app(config_toml="", **env) -> a KamengApp on its own copy of the synced home."""
    from kameng_tui.paths import app_paths
    from kameng_tui.bootstrap import build_context
    from kameng_tui.tui.app import KamengApp

    built = []

    def _make(config_toml: str = "", **extra: str) -> KamengApp:
        env = base_env(tui_home, **{"KAMENG_TUI_NOW": NOW, **extra})
        if config_toml:
            app_paths(env).config_file.write_text(config_toml, encoding="utf-8")
        ctx = build_context(env)
        built.append(ctx)
        app = KamengApp(ctx.shop)
        app.root = ctx          # the tests' own way to the parts the app cannot reach
        return app

    yield _make
    for ctx in built:
        ctx.close()


async def settle(app, pilot) -> None:
    """Let start-up work, orders and redraws finish (no sleeping on a clock)."""
    for _ in range(3):
        await pilot.pause()
        await workers_done(app)
        await app.runner.wait_all()
    await pilot.pause()


async def workers_done(app) -> None:
    """Every worker finished. An exclusive worker cancelled by its newer twin (a second
    keystroke, a reload) is normal work, not a failure: wait for what replaced it."""
    for _ in range(50):
        try:
            await app.workers.wait_for_complete()
            return
        except WorkerCancelled:
            await asyncio.sleep(0)       # its done-callback takes it off the list
    await app.workers.wait_for_complete()


async def type_text(pilot, text: str) -> None:
    await pilot.press(*[KEY_NAMES.get(ch, ch) for ch in text])


KEY_NAMES = {" ": "space", "/": "slash", ".": "full_stop", "-": "minus", ":": "colon", "?": "question_mark"}


def screen_lines(app) -> list[str]:
    """The text of the current screen as the terminal would show it."""
    return [strip.text for strip in screen_strips(app.screen)]
