"""The reference server's books: its own SQLite file of orders, balance, stock sold
and remembered request nonces. Orders and charges commit with FULL sync; nonces
without an fsync (see `Books.__init__`)."""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from decimal import Decimal
from pathlib import Path

from kameng_tui.domain.money import from_units, to_units
from kameng_tui.suppliers.http import protocol as P

SCHEMA = """
CREATE TABLE IF NOT EXISTS account (id INTEGER PRIMARY KEY CHECK (id = 1), balance INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS stock (product_id TEXT PRIMARY KEY, sold INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS orders (
    order_no TEXT PRIMARY KEY, body_hash TEXT NOT NULL, supplier_order_no TEXT NOT NULL,
    product_id TEXT NOT NULL, quantity INTEGER NOT NULL, state TEXT NOT NULL,
    charged INTEGER NOT NULL, refunded INTEGER NOT NULL DEFAULT 0, reason TEXT,
    card_count INTEGER NOT NULL, created REAL NOT NULL, settle_at REAL NOT NULL, seq INTEGER NOT NULL,
    fails INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS orders_seq ON orders (seq);
CREATE TABLE IF NOT EXISTS nonces (nonce TEXT PRIMARY KEY, expires REAL NOT NULL) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS nonces_expires ON nonces (expires);
"""
PRUNE_EVERY = 1000                 # nonce inserts between two prunings of expired ones


class Books:
    """The server's own SQLite state: one lock over two connections (orders with FULL
    sync, nonces without), simple and correct."""

    def __init__(self, path: str, start_balance: Decimal) -> None:
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        self.con = sqlite3.connect(path, isolation_level=None, check_same_thread=False, timeout=30)
        self.con.execute("PRAGMA journal_mode=WAL")
        self.con.execute("PRAGMA synchronous=FULL")
        self.con.executescript(SCHEMA)
        self.con.execute("INSERT OR IGNORE INTO account (id, balance) VALUES (1, ?)", (to_units(start_balance),))
        self.con.execute("INSERT OR IGNORE INTO meta (key, value) VALUES ('seq', 0)")
        if path != ":memory:":
            os.chmod(path, 0o600)
        self.lock = threading.Lock()
        # Nonces get their own connection: without an fsync per request (synchronous is
        # per connection). A WAL commit survives the process being killed, which is the
        # restart this guards against; a power cut may lose the last few (see the docs).
        # It writes under the books' lock, so it never meets SQLite's busy wait (which
        # sleeps in steps of milliseconds) behind a create's commit.
        self.nonce_con = self.con if path == ":memory:" else sqlite3.connect(
            path, isolation_level=None, check_same_thread=False, timeout=30)
        if self.nonce_con is not self.con:
            self.nonce_con.execute("PRAGMA synchronous=NORMAL")
        self.nonces_added = 0
        self.prune_nonces(time.time())

    def remember_nonce(self, nonce: str, *, now: float, ts: int) -> bool:
        """Remember a request nonce until its timestamp leaves the window; False when it
        was already seen inside the window (a replay). Kept on disk, so a restart of the
        server does not forget it."""
        expires = max(ts, int(now)) + P.WINDOW_S + 1
        with self.lock:
            cur = self.nonce_con.execute(
                "INSERT INTO nonces (nonce, expires) VALUES (?, ?) "
                "ON CONFLICT (nonce) DO UPDATE SET expires = excluded.expires WHERE nonces.expires <= ?",
                (nonce, expires, now))
            fresh = cur.rowcount == 1
            self.nonces_added += 1
            if self.nonces_added % PRUNE_EVERY == 0:
                self._prune(now)
        return fresh

    def prune_nonces(self, now: float) -> int:
        """Forget nonces whose request timestamps are out of the window: they can't come back."""
        with self.lock:
            return self._prune(now)

    def _prune(self, now: float) -> int:
        return self.nonce_con.execute("DELETE FROM nonces WHERE expires <= ?", (now,)).rowcount

    def next_seq(self) -> int:
        self.con.execute("UPDATE meta SET value = value + 1 WHERE key = 'seq'")
        return self.con.execute("SELECT value FROM meta WHERE key = 'seq'").fetchone()[0]

    def balance(self) -> Decimal:
        with self.lock:
            return from_units(self.con.execute("SELECT balance FROM account WHERE id = 1").fetchone()[0])

    def sold(self, pid: str) -> int:
        r = self.con.execute("SELECT sold FROM stock WHERE product_id = ?", (pid,)).fetchone()
        return 0 if r is None else r[0]

    def total_sold(self) -> int:
        return self.con.execute("SELECT COALESCE(SUM(sold), 0) FROM stock").fetchone()[0]
