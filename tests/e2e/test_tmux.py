"""End to end: build and install the package, run `kameng-tui` in a real terminal
(tmux), search `wzry`, order a 话费 for a valid number, see it in history; then paste
a 5-line batch with one bad line (a bracketed paste, as a terminal delivers Ctrl+V or
a middle click), fix that line by typing, run the batch and see its 5 orders in history.

The wheel is installed into a fresh venv that borrows the dependencies of the test
venv (a .pth line: the editable install of the source tree is not visible there), so
what runs is what a user would install, package data (.tcss) included.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from kit import base_env

ROOT = Path(__file__).resolve().parents[2]


def need_tmux() -> str:
    tmux = shutil.which("tmux")
    if tmux is None:
        pytest.fail("this test drives the app in tmux, which is not installed: "
                    "apt install tmux (Debian/Ubuntu), dnf install tmux, or brew install tmux")
    return tmux


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """A venv with the built wheel of this repository installed; returns its bin dir."""
    work = tmp_path_factory.mktemp("install")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(work / "wheels"), str(ROOT)],
                   check=True, capture_output=True)
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    deps = next(p for p in map(Path, sys.path) if p.name == "site-packages" and p.is_dir())
    site = next((venv / "lib").glob("python3*/site-packages"))
    (site / "_test_deps.pth").write_text(str(deps) + "\n")
    [wheel] = (work / "wheels").glob("kameng_tui-*.whl")
    subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "-q",
                    "--no-deps", str(wheel)], check=True, capture_output=True)
    where = subprocess.run([str(venv / "bin" / "python"), "-c", "import kameng_tui; print(kameng_tui.__file__)"],
                           check=True, capture_output=True, text=True).stdout
    assert str(site) in where, where          # the installed copy, not the source tree
    return venv / "bin"


class Term:
    def __init__(self, tmux: str, session: str) -> None:
        self.tmux, self.session = tmux, session

    def keys(self, *keys: str) -> None:
        for k in keys:                         # one at a time, as a fast typist would
            subprocess.run([self.tmux, "send-keys", "-t", self.session, k], check=True)
            # a lone ESC byte is told from an escape sequence by a pause after it
            time.sleep(0.4 if k == "Escape" else 0.08)

    def paste(self, text: str) -> None:
        """A bracketed paste (what the terminal sends for a paste, `-p`), LF as CR as tmux does."""
        buffer = f"{self.session}-paste"
        subprocess.run([self.tmux, "set-buffer", "-b", buffer, "--", text], check=True)
        subprocess.run([self.tmux, "paste-buffer", "-p", "-d", "-b", buffer, "-t", self.session], check=True)

    def screen(self) -> str:
        return subprocess.run([self.tmux, "capture-pane", "-p", "-t", self.session], check=True,
                              capture_output=True, text=True).stdout

    def wait_for(self, *texts: str, timeout: float = 20) -> str:
        """The screen once every one of `texts` is on it (polled; fails at the deadline)."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            screen = self.screen()
            if all(text in screen for text in texts):
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{texts!r} never all appeared; the screen:\n{self.screen()}")

    def line_with(self, text: str) -> str:
        return next((line for line in self.screen().splitlines() if text in line), "")


BATCH = ("demo:HF-CM-20 13800138001\n"
         "demo:HF-LT-30\t13100131002\t1\t王五\n"          # an Excel copy: tab-separated, with a customer
         "demo:HF-DX-50 1330013300\n"                       # 10 digits: the bad line
         "demo:HF-CM-30 13800138003 1 note=加急\n"
         "demo:HF-LT-50 13100131004\n")
BATCH_ACCOUNTS = ("13800138001", "13100131002", "13300133005", "13800138003", "13100131004")


def test_search_order_batch_and_history_in_a_real_terminal(installed, tmp_path):
    tmux = need_tmux()
    home = tmp_path / "home"
    home.mkdir()
    env = base_env(home, KAMENG_TUI_DEMO_LATENCY_MS="200", TERM="xterm-256color", LANG="C.UTF-8")
    session = f"kameng-e2e-{uuid.uuid4().hex[:8]}"
    command = " ".join([f"{k}='{v}'" for k, v in env.items() if k.startswith(("KAMENG_", "PYTHON", "TERM", "LANG"))]
                       + [f"PATH='{installed}:/usr/bin:/bin'", str(installed / "kameng-tui")])
    subprocess.run([tmux, "new-session", "-d", "-s", session, "-x", "120", "-y", "40", f"env -i HOME='{home}' {command}"],
                   check=True)
    term = Term(tmux, session)
    try:
        term.wait_for("2000 个商品", timeout=60)           # first start: the demo catalog synced
        term.keys("/", "w", "z", "r", "y")
        term.wait_for("王者荣耀点券", "8 个商品")        # rows and count are drawn in turn: wait for both
        term.keys("Escape", "Escape")
        term.wait_for("2000 个商品")
        term.keys("/", *"yidong huafei", "Enter")
        term.wait_for("移动话费10元")
        term.keys("o")
        term.wait_for("下单：移动话费10元", "客户（可选）")   # the popup itself: keys typed before it shows go to the catalog
        term.keys(*"13800138000")
        term.wait_for("运营商：移动")
        term.keys("Enter")
        term.wait_for("成功", timeout=30)
        term.keys("Escape", "3")
        screen = term.wait_for("13800138000")
        assert "移动话费10元" in screen and "成功" in screen and "1 单" in screen

        # --- a batch: paste 5 lines, one bad; fix it by typing; run; 5 more orders in history
        term.keys("F3")
        term.wait_for("批量下单", "草稿未保存")
        term.paste(BATCH)
        screen = term.wait_for("手机号应为 11 位，收到 10 位", "4 行可下单，1 行有误")
        assert "可下单 移动话费20元" in screen and "可下单 电信话费50元" not in screen
        assert "手机号应为 11 位" in term.line_with("1330013300")        # the reason on its own line
        term.keys("Down", "Down", "Right")                             # the bad line's account cell
        term.keys(*"13300133005", "Enter")                             # typing replaces the cell
        screen = term.wait_for("5 行可下单，0 行有误")
        assert "可下单 电信话费50元" in term.line_with("13300133005")
        term.keys("F5")
        screen = term.wait_for("批量下单 5 行", "确定下单？")
        term.keys("y")
        screen = term.wait_for("已发送 5/5", "成功 5 ", timeout=60)
        assert all("成功  KM" in term.line_with(a) for a in BATCH_ACCOUNTS), screen   # each line's own state
        term.keys("F4")
        screen = term.wait_for("6 单", *BATCH_ACCOUNTS)
        assert all("成功" in term.line_with(a) for a in BATCH_ACCOUNTS), screen
        term.keys("q")
        end = time.monotonic() + 10
        while time.monotonic() < end and subprocess.run([tmux, "has-session", "-t", session],
                                                        capture_output=True).returncode == 0:
            time.sleep(0.1)
        assert subprocess.run([tmux, "has-session", "-t", session], capture_output=True).returncode != 0
    finally:
        subprocess.run([tmux, "kill-session", "-t", session], capture_output=True)


def test_without_tmux_it_fails_with_an_install_hint(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(pytest.fail.Exception, match="apt install tmux"):
        need_tmux()
