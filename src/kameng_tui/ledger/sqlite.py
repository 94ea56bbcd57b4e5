"""The SQLite ledger: WAL, synchronous=FULL, BEGIN IMMEDIATE, hash-chained events.

Every write takes the write lock up front (BEGIN IMMEDIATE, busy timeout), checks
the expected state, appends its event and updates the projection in the same
transaction, then moves the anchor. Reads take no lock. One connection per store,
guarded by a lock, so worker threads can share it.
"""

from __future__ import annotations

import json
import os
import secrets
import sqlite3
import threading
import time
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator, Mapping, Sequence

from kameng_tui.domain.clock import from_utc_text, utc_text
from kameng_tui.domain.errors import BadInput, LedgerBusy, NotFound
from kameng_tui.domain.models import Order
from kameng_tui.domain.money import fmt, from_units, money, to_units
from kameng_tui.domain.states import OrderState, check_transition
from kameng_tui.ledger import chain, guards, queries
from kameng_tui.ledger.anchor import Anchor, read_anchor, write_anchor
from kameng_tui.ledger.connection import enable_wal, statements
from kameng_tui.ledger.reads import COLUMNS, LedgerReads
from kameng_tui.ledger.rows import chain_hash, to_order
from kameng_tui.ledger.schema import LATEST, MIGRATIONS
from kameng_tui.ledger.store import Move, NewBatch, NewOrder, RepeatGuard, Transition, VerifyReport
from kameng_tui.messages import Msg

if TYPE_CHECKING:
    from filelock import FileLock

ANCHOR_LAG_S = 0.25
"""How far the anchor may lag the chain inside `anchor_deferred` (a sending batch)."""


def open_ledger(data_dir: Path, *, busy_timeout_s: float = 5.0) -> "SqliteLedger":
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    return SqliteLedger(data_dir / "ledger.db", busy_timeout_s=busy_timeout_s)


class SqliteLedger(LedgerReads):
    """The writes, transactions and maintenance; the reads are `LedgerReads`'."""

    guarded_hook: Callable[[], None] | None = None
    """Called inside create_intents' transaction after the guards passed, before COMMIT
    (the services wire the test-only pause point here; the ledger imports no service)."""

    def __init__(self, path: Path, *, busy_timeout_s: float = 5.0) -> None:
        self.path = Path(path)
        self.anchor_path = self.path.with_name("ledger.head")
        self._anchor_hold, self._anchor_dirty, self._anchor_moved = 0, False, 0.0
        self._lock = threading.RLock()
        self._anchor_file_lock: FileLock | None = None
        new_file = not self.path.exists()
        old_umask = os.umask(0o077)
        try:
            self._conn = sqlite3.connect(str(self.path), isolation_level=None, timeout=busy_timeout_s,
                                         check_same_thread=False)
        finally:
            os.umask(old_umask)
        if new_file:
            os.chmod(self.path, 0o600)
        c = self._conn
        c.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
        enable_wal(c, busy_timeout_s)
        c.execute("PRAGMA synchronous = FULL")
        c.execute("PRAGMA foreign_keys = ON")
        c.execute("PRAGMA secure_delete = ON")
        self._migrate()
        self.ledger_id = self.meta("ledger_id") or ""

    # --- transactions ---------------------------------------------------------------------
    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise self._busy(exc) from None
            try:
                yield self._conn
                self._conn.execute("COMMIT")
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise
        if self._anchor_hold and time.monotonic() - self._anchor_moved < ANCHOR_LAG_S:
            self._anchor_dirty = True
        else:
            self._move_anchor()

    @contextmanager
    def anchor_deferred(self) -> Iterator[None]:
        """Within this block (a batch sending hundreds of orders) the anchor moves at most
        every ANCHOR_LAG_S instead of after every commit, and once at the end. An anchor
        that lags the chain is still a valid anchor: verify flags only a chain shorter
        than it or another hash at its seq. A kill inside the block leaves it lagging."""
        self._anchor_hold += 1
        try:
            yield
        finally:
            self._anchor_hold -= 1
            if not self._anchor_hold and self._anchor_dirty:
                self._move_anchor()

    @staticmethod
    def _busy(exc: sqlite3.OperationalError) -> Exception:
        if "locked" in str(exc) or "busy" in str(exc):
            return LedgerBusy(Msg("err.ledger.busy"))
        return exc

    def _migrate(self) -> None:
        c = self._conn
        with self._lock:
            # A current ledger opens without the write lock: a process holding it (a
            # write transaction) must not keep the others from even opening the file.
            if c.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").fetchone():
                if (c.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] or 0) >= LATEST:
                    return
            c.execute("BEGIN IMMEDIATE")
            try:
                c.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL) STRICT")
                row = c.execute("SELECT MAX(version) FROM schema_version").fetchone()
                current = row[0] or 0
                c.execute("COMMIT")
            except BaseException:
                c.execute("ROLLBACK")
                raise
            if current >= LATEST:
                return
            if current > 0:
                self.backup(suffix=f"-v{current}")
            c.execute("BEGIN IMMEDIATE")
            try:
                current = c.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()[0]
                for version, sql in MIGRATIONS:
                    if version > current:
                        for statement in statements(sql):
                            c.execute(statement)
                        if version == 4:
                            guards.backfill(c)
                        c.execute("INSERT INTO schema_version (version) VALUES (?)", (version,))
                if c.execute("SELECT 1 FROM meta WHERE key='ledger_id'").fetchone() is None:
                    c.execute("INSERT INTO meta (key, value) VALUES ('ledger_id', ?)", (secrets.token_hex(8),))
                c.execute("COMMIT")
            except BaseException:
                c.execute("ROLLBACK")
                raise

    def _append(self, c: sqlite3.Connection, order_no: str | None, kind: str, at: datetime | str,
                body: Mapping[str, Any], tail: list | None = None) -> tuple[int, Any, str]:
        """Append one event (returns seq, the body as hashed, the recorded time); `tail` carries (seq, hash, at) between appends of one transaction.

        Event times never go backwards within a ledger: a clock stepped back records the
        previous event's time. So seq order is time order, and a date range is a seq range.
        """
        if tail:
            last = tail[0]
        else:
            last = c.execute("SELECT seq, hash, at FROM events ORDER BY seq DESC LIMIT 1").fetchone()
        seq, prev = (last[0] + 1, last[1]) if last else (1, chain.GENESIS)
        at_text = at if isinstance(at, str) else utc_text(at)
        if last and last[2] > at_text:
            at_text = last[2]
        body_text, changed = chain.canonical(body)
        h = chain.event_hash(prev, seq, at_text, kind, order_no, body_text)
        c.execute("INSERT INTO events (seq, order_no, kind, at, body, prev_hash, hash) VALUES (?,?,?,?,?,?,?)",
                  (seq, order_no, kind, at_text, body_text, prev, h))
        if tail is not None:
            tail[:] = [(seq, h, at_text)]
        # The projection is computed from what was hashed: the body itself, unless
        # NFC normalization changed its text, then the text read back.
        return seq, (json.loads(body_text) if changed else body), at_text

    @property
    def _anchor_lock(self) -> FileLock:
        """Made by the first anchor move, so a read-only command never loads filelock."""
        with self._lock:
            if self._anchor_file_lock is None:
                from filelock import FileLock

                self._anchor_file_lock = FileLock(str(self.path.with_name("ledger.head.lock")))
            return self._anchor_file_lock

    def _move_anchor(self) -> None:
        self._anchor_dirty = False
        self._anchor_moved = time.monotonic()
        with self._lock:
            last = self._conn.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
        if not last:
            return
        with self._anchor_lock:
            current = read_anchor(self.anchor_path)
            if current is None or current.seq < last[0] or current.ledger_id != self.ledger_id:
                write_anchor(self.anchor_path, Anchor(self.ledger_id, last[0], last[1]))

    def _row(self, c: sqlite3.Connection, order_no: str) -> dict[str, Any] | None:
        r = c.execute(f"SELECT {COLUMNS} FROM orders o WHERE o.order_no = ?", (order_no,)).fetchone()
        return None if r is None else dict(zip(chain.ROW_COLUMNS, r))

    def _put(self, c: sqlite3.Connection, row: dict[str, Any], insert: bool) -> int | None:
        cols = chain.ROW_COLUMNS
        if insert:
            cur = c.execute(f"INSERT INTO orders ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                            [row[k] for k in cols])
            return cur.lastrowid
        else:
            c.execute(f"UPDATE orders SET {', '.join(f'{k} = ?' for k in cols[1:])} WHERE order_no = ?",
                      [row[k] for k in cols[1:]] + [row["order_no"]])

    # --- writes -------------------------------------------------------------------------------
    def create_intents(self, intents: Sequence[NewOrder], batch: NewBatch | None = None, *, at: datetime,
                       repeat: RepeatGuard | None = None) -> int | None:
        tail: list = []
        at_text = utc_text(at)
        since_text = None if repeat is None else utc_text(repeat.since)
        with self._write() as c:
            batch_id = None
            if batch is not None:
                repeat_no = guards.guard_batch(c, batch)
                cur = c.execute("INSERT INTO batches (identity, source, line_count, created_at) VALUES (?,?,?,?)",
                                (batch.identity, batch.source, batch.line_count, utc_text(at)))
                batch_id = cur.lastrowid
                assert batch_id is not None
                guards.record_batch_key(c, batch.identity, repeat_no, batch_id)
                self._append(c, None, "batch", at, {"batch_id": batch_id, "identity": batch.identity,
                                                     "source": batch.source, "line_count": batch.line_count}, tail)
            for n in intents:
                guards.guard_ref(c, n)
                if repeat is not None:
                    guards.guard_repeat(c, n, repeat, since_text)
                body = {
                    "order_no": n.order_no, "sku": n.sku, "supplier": n.supplier, "product_id": n.product_id,
                    "product_name": n.product_name, "category": n.category, "delivery": n.delivery.value,
                    "quantity": n.quantity, "account": dict(n.account), "unit_cost": fmt(n.unit_cost, 4),
                    "unit_price": fmt(n.unit_price, 4), "ref": n.ref, "customer": n.customer, "note": n.note,
                    "batch_id": batch_id, "line_id": n.line_id, "attempt_of": n.attempt_of,
                    "request_json": n.request_json,
                    "sealed": {k: chain_hash(v) for k, v in sorted(n.sealed.items())},
                }
                _, stored, created_at = self._append(c, n.order_no, "created", at_text, body, tail)
                row = chain.apply(None, "created", created_at, stored)
                assert row is not None
                try:
                    rowid = self._put(c, row, insert=True)
                except sqlite3.IntegrityError:
                    raise BadInput(Msg("err.ledger.duplicate_order_no", order_no=n.order_no)) from None
                text = " ".join(x for x in (n.order_no, n.product_name, n.sku, " ".join(n.account.values()),
                                            n.ref or "", n.customer or "", n.note or "") if x)
                c.execute("INSERT INTO orders_fts (rowid, text) VALUES (?, ?)", (rowid, text))
                c.execute("INSERT INTO orders_grams (rowid, grams) VALUES (?, ?)", (rowid, queries.grams(text)))
                for key, blob in n.sealed.items():
                    c.execute("INSERT INTO order_secrets (order_no, key, blob) VALUES (?,?,?)", (n.order_no, key, blob))
            if self.guarded_hook is not None:
                self.guarded_hook()        # tests: KAMENG_TUI_PAUSE_AT=intent-guarded (services/crash.py)
            return batch_id

    def transition(self, order_no: str, expected: OrderState, new: OrderState, change: Transition = Transition(), *,
                   at: datetime) -> bool:
        check_transition(expected, new)
        with self._write() as c:
            return self._transition(c, order_no, expected, new, change, at) is not None

    def transition_many(self, moves: Sequence[Move], *, at: datetime) -> list[Order | None]:
        """Several compare-and-sets in one transaction, so one fsync covers them (a
        sending batch's group commit). Each is decided on its own: a lost CAS is None
        in its place and does not undo the others."""
        for m in moves:
            check_transition(m.expected, m.new)
        with self._write() as c:
            rows = [self._transition(c, m.order_no, m.expected, m.new, m.change, at) for m in moves]
        return [None if r is None else to_order(r) for r in rows]

    def _transition(self, c: sqlite3.Connection, order_no: str, expected: OrderState, new: OrderState,
                    change: Transition, at: datetime) -> dict[str, Any] | None:
        row = self._row(c, order_no)
        if row is None or row["state"] != expected.value:
            return None
        body: dict[str, Any] = {"from": expected.value, "state": new.value}
        for key in ("charged", "refunded"):
            value = getattr(change, key)
            if value is not None:
                body[key] = fmt(money(value), 4)
        for key in ("supplier_order_no", "reason", "delivered_qty"):
            value = getattr(change, key)
            if value is not None:
                body[key] = value
        if change.cards:
            body["cards"] = [{"index": k.index, "number": chain_hash(k.number_blob),
                              "password": chain_hash(k.password_blob)} for k in change.cards]
        _, stored, at_text = self._append(c, order_no, new.value, at, body)
        updated = chain.apply(row, new.value, at_text, stored)
        assert updated is not None
        self._put(c, updated, insert=False)
        for k in change.cards:
            c.execute("INSERT OR REPLACE INTO cards (order_no, idx, number_blob, password_blob, expires) VALUES (?,?,?,?,?)",
                      (order_no, k.index, k.number_blob, k.password_blob, k.expires))
        return updated

    def record(self, order_no: str | None, kind: str, body: Mapping[str, object], *, at: datetime) -> None:
        if kind in chain.STATE_KINDS or kind in ("created", "customer_refund"):
            raise ValueError(f"{kind} events are written by their own methods")
        with self._write() as c:
            self._append(c, order_no, kind, at, dict(body))

    def customer_refund(self, order_no: str, amount: Decimal, reason: str, *, at: datetime) -> Order:
        amount = money(amount)
        with self._write() as c:
            row = self._row(c, order_no)
            if row is None:
                raise NotFound(Msg("err.order.none", order_no=order_no), field="order_no")
            if amount <= 0 or to_units(amount) > row["revenue"]:
                raise BadInput(Msg("err.ledger.refund_range", most=fmt(from_units(row["revenue"]))), field="amount")
            body = {"amount": fmt(amount, 4), "reason": reason}
            _, stored, at_text = self._append(c, order_no, "customer_refund", at, body)
            self._put(c, chain.apply(row, "customer_refund", at_text, stored), insert=False)  # type: ignore[arg-type]
        order = self.get(order_no)
        assert order is not None
        return order

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

    # --- balances, meta, maintenance -----------------------------------------------------------------
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

    def verify(self) -> VerifyReport:
        from kameng_tui.ledger.verify import verify

        with self._lock:
            return verify(self._conn, self.anchor_path, self.ledger_id)

    def anchor(self) -> dict[str, object]:
        a = read_anchor(self.anchor_path)
        return {} if a is None else a.as_dict()

    def backup(self, dest: Path | None = None, suffix: str = "") -> Path:
        from kameng_tui.domain.clock import SystemClock

        if dest is None:
            folder = self.path.parent / "backups"
            folder.mkdir(mode=0o700, exist_ok=True)
            stamp = SystemClock().now().strftime("%Y%m%dT%H%M%S%fZ")
            dest = folder / f"ledger-{stamp}{suffix}.db"
        old = os.umask(0o077)
        try:
            with self._lock:
                self._conn.execute("VACUUM INTO ?", (str(dest),))
        finally:
            os.umask(old)
        os.chmod(dest, 0o600)
        return Path(dest)

    def close(self) -> None:
        with self._lock:
            try:
                self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlite3.OperationalError:
                pass  # another process holds it: its own close will checkpoint
            self._conn.close()
