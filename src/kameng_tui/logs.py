"""A rotated log file in the state dir, with secrets redacted on the handler.

The filter sits on the handler (not a logger), so every record that reaches the
file passes it, whichever module logged it.
"""

from __future__ import annotations

import logging
import os
from logging.handlers import RotatingFileHandler

from kameng_tui.paths import AppPaths

_SECRETS: set[str] = set()


def register_secret(value: str | None) -> None:
    """Never let this value reach a log line (supplier keys, card passwords)."""
    if value and len(value) >= 4:
        _SECRETS.add(value)


class RedactSecrets(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if not _SECRETS:
            return True
        message = record.getMessage()
        redacted = message
        for s in _SECRETS:
            redacted = redacted.replace(s, "********")
        if redacted != message or record.exc_info:
            record.msg, record.args = redacted, ()
            if record.exc_info:
                text = logging.Formatter().formatException(record.exc_info)
                for s in _SECRETS:
                    text = text.replace(s, "********")
                record.exc_text, record.exc_info = text, None
        return True


def setup_logging(paths: AppPaths, level: str = "INFO") -> logging.Handler:
    for key, value in os.environ.items():
        if key.startswith("KAMENG_TUI_SECRET_") or key == "KAMENG_TUI_DATA_KEY":
            register_secret(value)
    paths.log_dir.mkdir(parents=True, exist_ok=True)
    root = logging.getLogger("kameng_tui")
    for h in list(root.handlers):
        if getattr(h, "_kameng", False):
            root.removeHandler(h)
            h.close()
    handler = RotatingFileHandler(paths.log_dir / "kameng-tui.log", maxBytes=1_000_000, backupCount=5, encoding="utf-8")
    handler._kameng = True  # type: ignore[attr-defined]  # our marker, found again by getattr above
    handler.addFilter(RedactSecrets())
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(process)d: %(message)s"))
    root.addHandler(handler)
    root.setLevel(os.environ.get("KAMENG_TUI_LOGGING_LEVEL", level).upper())
    root.propagate = False
    return handler
