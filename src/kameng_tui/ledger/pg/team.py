"""The store a terminal on a team ledger uses: the orders, events, batches and guards on
the team's PostgreSQL (PgLedger), composed with the terminal's own local SQLite file for
what stays local: the catalog cache and price history, batch drafts, balance snapshots
and this install's meta (install_id feeds order numbers, so it must be per terminal).

One object offering every port (LedgerStore) as SqliteLedger does, so the composition
root hands it out the same way and no service knows which store it has. Its mirror, the
live listener and what happens offline: ledger/pg/terminal.py (issue 20).
"""

from __future__ import annotations

import secrets
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from kameng_tui.domain.errors import ConfigError
from kameng_tui.ledger.pg.store import PgLedger
from kameng_tui.ledger.pg.terminal import MirroredTerminal, can_open_offline

if TYPE_CHECKING:
    from kameng_tui.ledger.catalog_cache import CatalogCache
    from kameng_tui.ledger.sqlite import SqliteLedger


class TeamLedger(MirroredTerminal, PgLedger):
    def __init__(self, conninfo: str, *, local: "SqliteLedger", state_dir: Path, password: str | None = None,
                 busy_timeout_s: float = 5.0) -> None:
        self.local = local
        terminal_id = local.meta("terminal_id")
        if terminal_id is None:
            terminal_id = secrets.token_hex(6)
            local.set_meta("terminal_id", terminal_id)
        self._init_terminal(local.path.parent)
        try:
            super().__init__(conninfo, password=password, busy_timeout_s=busy_timeout_s, state_dir=state_dir,
                             terminal_id=terminal_id)
        except ConfigError as exc:
            if not can_open_offline(exc, self):
                self.stop_terminal()
                local.close()
                raise
            self._start_offline(conninfo, password=password, busy_timeout_s=busy_timeout_s, state_dir=state_dir,
                                terminal_id=terminal_id, exc=exc)
        except BaseException:
            self.stop_terminal()
            local.close()
            raise

    @property
    def catalog(self) -> "CatalogCache":
        return self.local.catalog

    # --- DraftStore, BalanceStore and this terminal's meta: the local file ------------------------
    def save_draft(self, draft_id: int | None, body: str, *, at: datetime) -> int:
        return self.local.save_draft(draft_id, body, at=at)

    def load_draft(self, draft_id: int | None = None) -> tuple[int, str] | None:
        return self.local.load_draft(draft_id)

    def delete_draft(self, draft_id: int) -> None:
        self.local.delete_draft(draft_id)

    def record_balance(self, supplier: str, amount: Decimal, *, at: datetime) -> None:
        self.local.record_balance(supplier, amount, at=at)

    def last_balance(self, supplier: str) -> tuple[Decimal, datetime] | None:
        return self.local.last_balance(supplier)

    def meta(self, key: str) -> str | None:
        return self.local.meta(key)

    def set_meta(self, key: str, value: str) -> None:
        self.local.set_meta(key, value)

    def close(self) -> None:
        try:
            self.stop_terminal()
            super().close()
        finally:
            self.local.close()
