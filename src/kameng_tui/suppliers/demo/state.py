"""The demo supplier's own books, in its own SQLite file.

An order and its charge commit in one transaction; the client order number is the
primary key, so a repeated number finds the first result and is never charged
twice (idempotent_create). Several processes may share the file.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from kameng_tui.domain.errors import DiskFull, KamengError, ReadOnlyStorage, StorageError
from kameng_tui.domain.money import from_units, to_units
from kameng_tui.messages import Msg

START_BALANCE = Decimal("5000.00")

SCHEMA = """
CREATE TABLE IF NOT EXISTS account (id INTEGER PRIMARY KEY CHECK (id = 1), balance INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS stock (product_id TEXT PRIMARY KEY, sold INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS orders (
    order_no TEXT PRIMARY KEY,
    supplier_order_no TEXT NOT NULL,
    product_id TEXT NOT NULL,
    quantity INTEGER NOT NULL,
    account TEXT NOT NULL,
    state TEXT NOT NULL,            -- processing | succeeded | failed
    charged INTEGER NOT NULL,       -- ten-thousandths of a yuan
    refunded INTEGER NOT NULL DEFAULT 0,
    reason TEXT,
    card_count INTEGER NOT NULL DEFAULT 0,
    created REAL NOT NULL,
    settle_at REAL NOT NULL,
    creates INTEGER NOT NULL DEFAULT 1   -- how many create calls charged it (must stay 1)
);
"""


@dataclass(frozen=True)
class Row:
    order_no: str
    supplier_order_no: str
    product_id: str
    quantity: int
    state: str
    charged: Decimal
    refunded: Decimal
    reason: str | None
    card_count: int
    settle_at: float


def machine_failure(exc: sqlite3.Error, where: Path) -> KamengError | None:
    """The demo keeps its state in a SQLite file in the data dir: a dir the user cannot
    write (or a full disk) is said as such, by SQLite's code, as the ledger says it;
    faces see only the typed error (they know nothing of SQLite)."""
    code = (exc.sqlite_errorcode or 0) & 0xFF
    if code in (8, 3):                                  # SQLITE_READONLY, SQLITE_PERM
        return ReadOnlyStorage(Msg("err.storage.read_only", path=str(where)), path=str(where))
    if code == 13:                                      # SQLITE_FULL
        return DiskFull(Msg("err.storage.full", path=str(where)), path=str(where))
    if code in (10, 14, 11):                            # SQLITE_IOERR, SQLITE_CANTOPEN, SQLITE_CORRUPT
        detail = exc.sqlite_errorname or str(code)
        return StorageError(Msg("err.storage.io", path=str(where), detail=detail), path=str(where))
    return None


def connect(path: str) -> sqlite3.Connection:
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    try:
        con = sqlite3.connect(path, isolation_level=None, timeout=30.0, check_same_thread=False)
    except sqlite3.Error as exc:
        raise (machine_failure(exc, Path(path).parent) or exc) from None
    deadline = time.monotonic() + 30
    while True:   # two processes creating the file at once: "locked" at once, not after the timeout
        try:
            con.execute("PRAGMA journal_mode=WAL")
            con.execute("PRAGMA synchronous=FULL")
            con.executescript(SCHEMA)
            con.execute("INSERT OR IGNORE INTO account (id, balance) VALUES (1, ?)", (to_units(START_BALANCE),))
            break
        except sqlite3.OperationalError as exc:
            busy = (exc.sqlite_errorcode or 0) & 0xFF in (5, 6)     # SQLITE_BUSY, SQLITE_LOCKED
            if not busy or time.monotonic() > deadline:
                raise (machine_failure(exc, Path(path).parent) or exc) from None
            time.sleep(0.02)
    if path != ":memory:":
        os.chmod(path, 0o600)
    return con


def _row(r: tuple) -> Row:
    return Row(r[0], r[1], r[2], r[3], r[4], from_units(r[5]), from_units(r[6]), r[7], r[8], r[9])


COLS = "order_no, supplier_order_no, product_id, quantity, state, charged, refunded, reason, card_count, settle_at"


def find(con: sqlite3.Connection, order_no: str) -> Row | None:
    r = con.execute(f"SELECT {COLS} FROM orders WHERE order_no = ?", (order_no,)).fetchone()
    return None if r is None else _row(r)


def balance(con: sqlite3.Connection) -> Decimal:
    return from_units(con.execute("SELECT balance FROM account WHERE id = 1").fetchone()[0])


def sold(con: sqlite3.Connection, product_id: str) -> int:
    r = con.execute("SELECT sold FROM stock WHERE product_id = ?", (product_id,)).fetchone()
    return 0 if r is None else r[0]


class Refused(Exception):
    """Raised inside the create transaction: rolled back, nothing charged."""

    def __init__(self, kind: str) -> None:
        super().__init__(kind)
        self.kind = kind                 # out_of_stock | insufficient_balance


def create(
    con: sqlite3.Connection,
    *,
    order_no: str,
    product_id: str,
    quantity: int,
    account: dict,
    charge: Decimal,
    stock: int | None,
    state: str,
    reason: str | None,
    card_count: int,
    now: float,
    settle_at: float,
    crash_at: str | None,
) -> tuple[Row, bool]:
    """Create and charge in one transaction. Returns (row, created_now)."""
    con.execute("BEGIN IMMEDIATE")
    try:
        existing = find(con, order_no)
        if existing is not None:
            con.execute("COMMIT")
            return existing, False
        if stock is not None and sold(con, product_id) + quantity > stock:
            raise Refused("out_of_stock")
        units = to_units(charge) if state != "failed" else 0
        if units > con.execute("SELECT balance FROM account WHERE id = 1").fetchone()[0]:
            raise Refused("insufficient_balance")
        con.execute("UPDATE account SET balance = balance - ? WHERE id = 1", (units,))
        if state != "failed":
            con.execute("INSERT INTO stock (product_id, sold) VALUES (?, ?) ON CONFLICT(product_id) "
                        "DO UPDATE SET sold = sold + excluded.sold", (product_id, quantity))
        con.execute(
            "INSERT INTO orders (order_no, supplier_order_no, product_id, quantity, account, state, charged, reason, "
            "card_count, created, settle_at) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (order_no, "DM" + order_no[-10:], product_id, quantity, json.dumps(account, ensure_ascii=False, sort_keys=True),
             state, units, reason, card_count, now, settle_at),
        )
        if crash_at == "supplier-before-commit":
            os.kill(os.getpid(), signal.SIGKILL)
        con.execute("COMMIT")
    except BaseException:
        if con.in_transaction:
            con.execute("ROLLBACK")
        raise
    if crash_at == "supplier-after-commit":
        os.kill(os.getpid(), signal.SIGKILL)
    row = find(con, order_no)
    assert row is not None
    return row, True


def settle_due(con: sqlite3.Connection, order_no: str, now: float) -> Row | None:
    """A processing order past its settle time becomes succeeded (persisted)."""
    con.execute("UPDATE orders SET state = 'succeeded' WHERE order_no = ? AND state = 'processing' AND settle_at <= ?",
                (order_no, now))
    return find(con, order_no)


def inspect_state(db_path: str | Path) -> tuple[Decimal, dict[str, int], dict[str, Decimal]]:
    """(balance, creates per number, net charged per number), read from the file.

    Tests use it to prove from the supplier's side that no number was charged twice.
    """
    if not Path(db_path).exists():
        return START_BALANCE, {}, {}
    con = sqlite3.connect(str(db_path))
    try:
        if con.execute("SELECT 1 FROM sqlite_master WHERE name = 'account'").fetchone() is None:
            return START_BALANCE, {}, {}     # killed before its books were ever set up
        bal = from_units(con.execute("SELECT balance FROM account WHERE id = 1").fetchone()[0])
        creates, charged = {}, {}
        for no, n, ch, rf in con.execute("SELECT order_no, creates, charged, refunded FROM orders"):
            creates[no] = n
            charged[no] = from_units(ch) - from_units(rf)
        return bal, creates, charged
    finally:
        con.close()
