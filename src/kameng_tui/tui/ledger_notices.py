"""The header's notices about the team ledger's connection (issue 19): a TLS mode set
weaker than verify-full, and a terminal clock more than 60 s off the server's. Asked
once at start in a worker (the clock check is a round trip to the server), kept on the
app, rendered by its status line in the app's language."""

from __future__ import annotations

import logging
from typing import Any

from rich.text import Text

log = logging.getLogger(__name__)


def probe(app: Any) -> None:
    """Ask (in a thread worker) and show: the answer lands in `app.connection_notices`."""
    app.run_worker(lambda: _ask(app), thread=True, group="connection-notices", exclusive=True, exit_on_error=False)


def _ask(app: Any) -> None:
    try:
        notices = list(app.ctx.connection_notices())
    except Exception:  # noqa: BLE001 - a lost server is said by the ledger's own checks; the header goes on
        log.warning("connection notices: the team ledger did not answer")
        return
    app.call_from_thread(_show, app, notices)


def _show(app: Any, notices: list[Any]) -> None:
    app.connection_notices = notices
    app._render_status()            # the app re-renders its header line


def parts(app: Any) -> list[Text]:
    """The notices as header parts (tui/header_fold.py), the clock first: a terminal clock
    off the server's decides order numbers and repeat windows; the TLS mode was chosen."""
    notices = sorted(getattr(app, "connection_notices", ()), key=lambda n: getattr(n, "key", "") != "header.clock_off")
    return [Text("  " + app.t.show(notice), style="bold yellow") for notice in notices]
