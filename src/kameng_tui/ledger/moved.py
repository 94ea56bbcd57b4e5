"""A local ledger moved onto a team ledger (issue 20, `ledger migrate --to URL`).

The move ends with a chained `migrated` event on the local ledger, naming where it went
(host/db, never a password). It is the last event the local chain ever takes: every
chained write after it is refused (LedgerMoved, exit 2, nothing recorded) with the team
ledger's address, so an old config or a copied data dir cannot fork the shop's history.
Reads, verify and export of the local file keep working: it stays the shop's archive.
The check is the last event's kind, one indexed read inside the write transaction.
"""

from __future__ import annotations

import json
import sqlite3

from kameng_tui.domain.errors import KamengError
from kameng_tui.messages import Msg

MOVED_KIND = "migrated"


class LedgerMoved(KamengError):
    """A chained write on a local ledger that was moved to a team ledger."""

    code = "ledger_moved"
    exit_code = 2

    def __init__(self, to: str) -> None:
        super().__init__(Msg("err.ledger.moved", to=to), field="ledger")
        self.to = to


def refuse_if_moved(c: sqlite3.Connection) -> None:
    """Inside a chained write transaction: LedgerMoved when the chain ends in `migrated`."""
    r = c.execute("SELECT kind, body FROM events ORDER BY seq DESC LIMIT 1").fetchone()
    if r is not None and r[0] == MOVED_KIND:
        raise LedgerMoved(str(json.loads(r[1]).get("to", "")))
