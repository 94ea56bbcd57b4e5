"""Moved to kameng_tui.ledger.send_lock (the lock is the SQLite store's way of making
sending exclusive; a PostgreSQL store has its own). This alias keeps the old import
path for one release."""

from kameng_tui.ledger.send_lock import SendLock

__all__ = ["SendLock"]
