"""kameng-tui: a terminal client for 卡盟 resellers."""

import sys

__version__ = "0.1.0"

# httpx's own command line (httpx._main, never used here) loads click, rich.progress and pygments
# whenever click is installed: ~90 ms of every CLI process's start (issue 19). Without it,
# `httpx.main` is httpx's own stub; if httpx was imported before us, nothing changes.
sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
