"""The runtime tuning (kameng_tui/tui/tuning.py) is set when the app starts, through the
real entry points, and takes effect: Textual paints at 240 fps unless TEXTUAL_FPS says
otherwise; the GC collects less often once the app runs and freezes the loaded catalog.
Importing the package changes nothing in the process."""

from __future__ import annotations

import gc
import os
import subprocess
import sys

from kameng_tui.tui.tuning import GC_THRESHOLD

from conftest import SIZE, settle

# The app's start, with Textual's own numbers printed where the app would run: each entry
# point (`kameng-tui`, and kameng_tui.__main__.run_app) goes this way.
AT_START = r"""
import sys, types
def run_app(**kw):
    import textual.constants as c, textual.screen as s
    print(c.MAX_FPS, round(1 / s.UPDATE_PERIOD))
    return 0
fake = types.ModuleType("kameng_tui.tui.app")
fake.run_app = run_app
sys.modules["kameng_tui.tui.app"] = fake
import kameng_tui.__main__ as entry
sys.exit(entry.main([]) if sys.argv[1] == "main" else entry.run_app(headless=True))
"""


def started(how: str, tmp_path, fps: str | None = None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "TEXTUAL_FPS"}
    env["KAMENG_TUI_HOME"] = str(tmp_path)
    if fps is not None:
        env["TEXTUAL_FPS"] = fps
    done = subprocess.run([sys.executable, "-c", AT_START, how], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_the_app_paints_at_240_fps_unless_told_otherwise(tmp_path):
    """Frame pacing is part of keystroke latency (docs/keys.md: TEXTUAL_FPS)."""
    assert started("main", tmp_path) == "240 240"             # kameng-tui
    assert started("run_app", tmp_path) == "240 240"          # kameng_tui.__main__.run_app
    assert started("main", tmp_path, fps="30") == "30 30"


def test_importing_the_tui_changes_nothing_in_the_process():
    env = {k: v for k, v in os.environ.items() if k != "TEXTUAL_FPS"}

    def run(code: str) -> str:
        return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60).stdout

    fresh = run("import gc; print(gc.get_threshold())")
    imported = run("import kameng_tui.tui.app, gc, textual.constants as c; print(gc.get_threshold()); print(c.MAX_FPS)")
    assert imported.splitlines() == [fresh.strip(), "60"]


async def test_once_the_app_runs_the_gc_collects_less_often_and_the_catalog_is_frozen(make_app):
    before = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    gc.unfreeze()
    try:
        app = make_app()
        assert gc.get_threshold() == (700, 10, 10)             # building the app is not its start
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            assert gc.get_threshold() == GC_THRESHOLD
            assert app.screen.index is not None and gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()
        gc.set_threshold(*before)
