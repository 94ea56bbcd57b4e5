"""`make run` installs into .venv only (never PATH, never ~/.local/bin) and, when the app
closes, says how to run kameng-tui again. The recipe runs for real with the app replaced
by a stand-in (the TUI needs a terminal), in an empty HOME."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is part of the two-command set-up")


def test_make_run_never_touches_path_or_local_bin(tmp_path):
    dry = subprocess.run(["make", "-n", "-B", "run", f"VENV={tmp_path / 'v'}"], cwd=ROOT, capture_output=True,
                         text=True, timeout=60)
    assert dry.returncode == 0, dry.stderr
    recipe = dry.stdout
    assert "pip install" in recipe and f"{tmp_path / 'v'}/bin/pip install" in recipe
    for word in (".local", "--user", "PATH", ".bashrc", ".profile", "ln -s", "sudo"):
        assert word not in recipe, word


def test_make_run_says_how_to_run_it_again(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    fake = tmp_path / "bin"
    fake.mkdir()
    app = fake / "kameng-tui"
    app.write_text("#!/bin/sh\necho the-app-ran\nexit 0\n")
    app.chmod(0o755)
    py = fake / "python"
    py.write_text(f'#!/bin/sh\nexec "{sys.executable}" "$@"\n')
    py.chmod(0o755)
    env = {**{k: v for k, v in os.environ.items() if not k.startswith("KAMENG_TUI_")}, "HOME": str(home),
           "KAMENG_TUI_HOME": str(tmp_path / "kh")}
    for lang, words in (("en", ("To run it again", "pipx install .")), ("zh", ("再次运行", "pipx install ."))):
        env["KAMENG_TUI_HOME"] = str(tmp_path / f"kh-{lang}")
        if lang == "en":
            (tmp_path / "kh-en" / "config").mkdir(parents=True)
            (tmp_path / "kh-en" / "config" / "config.toml").write_text('[general]\nlanguage = "en"\n')
        r = subprocess.run(["make", "-s", "run", f"BIN={fake}"], cwd=ROOT, env=env, capture_output=True, text=True,
                           timeout=120)
        assert r.returncode == 0, r.stderr
        lines = r.stdout.strip().splitlines()
        assert lines[0] == "the-app-ran"
        said = "\n".join(lines[1:])
        assert str(Path(sys.executable).parent / "kameng-tui") in said      # .venv/bin/kameng-tui
        for w in words:
            assert w in said, said
    assert sorted(p.name for p in home.iterdir()) == []
