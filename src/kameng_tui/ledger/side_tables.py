"""The SQLite ledger's tables outside the hash chain, and its change feed.

A mixin of `SqliteLedger` (ledger/sqlite.py): drafts (batch entry, never an order),
balance snapshots and meta are single autocommit statements under the connection's lock;
they keep working while chained writes are refused. The change feed reads the events
table, woken by `PRAGMA data_version`, which moves only when ANOTHER connection (another
process: cron's reconcile, a second terminal) committed: one cheap statement per poll.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from kameng_tui.domain.clock import from_utc_text, utc_text
from kameng_tui.domain.money import from_units, to_units
from kameng_tui.ledger.reads import LedgerReads
from kameng_tui.ledger.values import Change


class SideTables(LedgerReads):
    _data_version: int | None = None

    # --- drafts (batch entry; outside the chain, never an order) --------------------------------
    def save_draft(self, draft_id: int | None, body: str, *, at: datetime) -> int:
        with self._lock:
            if draft_id is not None:
                cur = self._conn.execute("UPDATE drafts SET body = ?, updated_at = ? WHERE draft_id = ?",
                                         (body, utc_text(at), draft_id))
                if cur.rowcount:
                    return draft_id
            cur = self._conn.execute("INSERT INTO drafts (body, updated_at) VALUES (?, ?)", (body, utc_text(at)))
            assert cur.lastrowid is not None
            return cur.lastrowid

    def load_draft(self, draft_id: int | None = None) -> tuple[int, str] | None:
        """One draft by id, or the most recently saved one."""
        with self._lock:
            if draft_id is None:
                r = self._conn.execute("SELECT draft_id, body FROM drafts ORDER BY updated_at DESC, draft_id DESC "
                                       "LIMIT 1").fetchone()
            else:
                r = self._conn.execute("SELECT draft_id, body FROM drafts WHERE draft_id = ?", (draft_id,)).fetchone()
        return None if r is None else (r[0], r[1])

    def delete_draft(self, draft_id: int) -> None:
        with self._lock:
            self._conn.execute("DELETE FROM drafts WHERE draft_id = ?", (draft_id,))

    # --- balances, meta ---------------------------------------------------------------------------
    def record_balance(self, supplier: str, amount: Decimal, *, at: datetime) -> None:
        with self._lock:
            self._conn.execute("INSERT INTO balances (supplier, amount, at) VALUES (?,?,?)",
                               (supplier, to_units(amount), utc_text(at)))

    def last_balance(self, supplier: str) -> tuple[Decimal, datetime] | None:
        with self._lock:
            r = self._conn.execute("SELECT amount, at FROM balances WHERE supplier = ? ORDER BY id DESC LIMIT 1",
                                   (supplier,)).fetchone()
        return None if r is None else (from_units(r[0]), from_utc_text(r[1]))

    def meta(self, key: str) -> str | None:
        with self._lock:
            r = self._conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if r is None else r[0]

    def set_meta(self, key: str, value: str) -> None:
        with self._lock:
            self._conn.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                               (key, value))

    # --- the change feed -------------------------------------------------------------------------
    def last_seq(self) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT COALESCE(MAX(seq), 0) FROM events").fetchone()[0])

    def changes_since(self, seq: int, limit: int = 1000) -> list[Change]:
        with self._lock:
            rows = self._conn.execute("SELECT seq, order_no, kind FROM events WHERE seq > ? ORDER BY seq LIMIT ?",
                                      (seq, limit)).fetchall()
        return [Change(r[0], r[1], r[2]) for r in rows]

    def others_wrote(self) -> bool:
        """PRAGMA data_version is per connection and moves only on other connections'
        commits, so this process's own writes never wake its feed. The first call primes it."""
        with self._lock:
            now = int(self._conn.execute("PRAGMA data_version").fetchone()[0])
        before, self._data_version = self._data_version, now
        return before is not None and now != before
