"""Copying card secrets: OSC 52 through Textual (works over SSH), plus the local
clipboard tool where one exists; cleared after `[ui] clipboard_clear_s`. The local tool
is a subprocess (up to 2 s): it runs in a worker thread, never on the UI thread, one
at a time (a clear comes seconds after its copy)."""

from __future__ import annotations

import shutil
import subprocess
import threading
from typing import Any

LOCAL_TOOLS = (("wl-copy",), ("xclip", "-selection", "clipboard"), ("xsel", "--clipboard", "--input"), ("pbcopy",))


def copy_local(text: str) -> bool:
    """The local clipboard via the first tool found; False when there is none."""
    for tool in LOCAL_TOOLS:
        if shutil.which(tool[0]):
            try:
                subprocess.run(tool, input=text.encode(), timeout=2, check=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                return True
            except (OSError, subprocess.SubprocessError):
                continue
    return False


_ONE_AT_A_TIME = threading.Lock()


def copy_local_later(app: Any, text: str) -> None:
    """`copy_local(text)` in a worker thread (the UI thread does not wait for the tool)."""
    def run() -> None:
        with _ONE_AT_A_TIME:
            copy_local(text)

    app.run_worker(run, thread=True, group="clipboard", exit_on_error=False)


def copy_secret(app: Any, text: str, clear_after_s: int) -> None:
    app.copy_to_clipboard(text)
    copy_local_later(app, text)

    def clear() -> None:
        if app.clipboard == text:          # only if nothing else was copied since
            app.copy_to_clipboard("")
            copy_local_later(app, "")
            app.notify(app.t("card.cleared"))

    if clear_after_s > 0:
        app.set_timer(clear_after_s, clear)
