"""The SQLite ledger: WAL, synchronous=FULL, BEGIN IMMEDIATE, hash-chained events.

Every write takes the write lock up front (BEGIN IMMEDIATE, busy timeout), checks
the expected state, appends its event and updates the projection in the same
transaction, then moves the anchor. Reads take no lock. One connection per store,
guarded by a lock, so worker threads can share it.

Chained writes (intents, transitions, events: everything that appends to the hash
chain) first check, inside their transaction, that the chain still holds every copy
of the anchor (ledger/anchor.py): one indexed lookup per copy. When it does not, they
raise AnchorMismatch and record nothing, in every process, until `accept_restore`.
UNCHAINED writes (the catalog cache, drafts, balance snapshots, meta) are outside the
chain and keep working; they never move the anchor.
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

from kameng_tui.domain.clock import utc_text
from kameng_tui.domain.errors import BadInput, NotFound, ReadOnlyStorage
from kameng_tui.domain.models import Order
from kameng_tui.domain.money import fmt, from_units, money, to_units
from kameng_tui.domain.states import IllegalTransition, OrderState, check_transition
from kameng_tui.ledger import chain, guards, queries
from kameng_tui.ledger.anchoring import ANCHOR_LAG_S
from kameng_tui.ledger.connection import (Reading, can_write, enable_wal, open_read_only, statements, storage_failure,
                                         cap_pages_for_tests, typed_storage_errors)
from kameng_tui.ledger.maintenance import RESET_KIND, Maintenance
from kameng_tui.ledger.moved import refuse_if_moved
from kameng_tui.ledger.offer_links import OfferLinks
from kameng_tui.ledger.reads import COLUMNS
from kameng_tui.ledger.rows import created_body, to_order, transition_body
from kameng_tui.ledger.schema import LATEST, MIGRATIONS
from kameng_tui.ledger.send_lock import SendLock
from kameng_tui.ledger.attempts import guard_attempt
from kameng_tui.ledger.values import Move, NewBatch, NewOrder, RepeatGuard, Transition
from kameng_tui.messages import Msg

if TYPE_CHECKING:
    from filelock import FileLock

    from kameng_tui.ledger.catalog_cache import CatalogCache

UNCHAINED = ("catalog", "price_history", "drafts", "balances", "meta")
"""The tables written outside the hash chain (`unchained_write` or a single
autocommit statement): they keep working while chained writes are refused."""
__all__ = ["ANCHOR_LAG_S", "RESET_KIND", "UNCHAINED", "SqliteLedger", "open_ledger"]


def open_ledger(data_dir: Path, *, busy_timeout_s: float = 5.0, state_dir: Path | None = None) -> "SqliteLedger":
    """`state_dir`: where the second copy of the anchor lives (the app passes
    AppPaths.state_dir); without it only ledger.head beside the database is kept."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    if state_dir is not None:
        Path(state_dir).mkdir(parents=True, exist_ok=True)
    try:
        return SqliteLedger(data_dir / "ledger.db", busy_timeout_s=busy_timeout_s, state_dir=state_dir)
    except sqlite3.Error as exc:
        raise (storage_failure(exc, data_dir) or exc) from None


@typed_storage_errors(lambda store: store.path.parent, skip=("reading",))
class SqliteLedger(OfferLinks, Maintenance):
    """Implements every port of ledger/ports.py but the catalog's (CatalogCache, on this
    object's public transaction API). The writes and transactions are here; the reads
    are `LedgerReads`' (reads.py), the unchained tables and the change feed
    `SideTables`' (side_tables.py), the anchor `AnchorKeeper`'s (anchoring.py), verify
    and restores `Maintenance`'s (maintenance.py).

    A machine's failure leaves every public method as the typed error
    (`typed_storage_errors`), never as a sqlite3 exception."""

    guarded_hook: Callable[[], None] | None = None
    """Called inside create_intents' transaction after the guards passed, before COMMIT
    (the services wire the test-only pause point here; the ledger imports no service)."""

    def __init__(self, path: Path, *, busy_timeout_s: float = 5.0, state_dir: Path | None = None) -> None:
        self.path = Path(path)
        self.anchor_path = self.path.with_name("ledger.head")
        self.anchor_paths: dict[str, Path] = {"head": self.anchor_path}
        if state_dir is not None:
            self.anchor_paths["state"] = Path(state_dir) / "ledger.head"
        self._anchor_hold, self._anchor_dirty, self._anchor_moved = 0, False, 0.0
        self._state_dirty, self._state_moved = False, 0.0
        self._anchor_cache = {}
        self._lock = threading.RLock()
        self._anchor_file_lock: FileLock | None = None
        self._catalog: CatalogCache | None = None
        new_file = not self.path.exists()
        self.read_only = not new_file and not can_write(self.path)
        """A dir or file we cannot write (a mounted backup, a locked folder): reads work,
        writes fail with SQLITE_READONLY and the faces say why."""
        if self.read_only:
            self._conn = open_read_only(self.path, busy_timeout_s)
        else:
            old_umask = os.umask(0o077)
            try:
                self._conn = sqlite3.connect(str(self.path), isolation_level=None, timeout=busy_timeout_s,
                                             check_same_thread=False)
            finally:
                os.umask(old_umask)
            if new_file:
                os.chmod(self.path, 0o600)
        c = self._conn
        self._reading = Reading(self._lock, c)
        c.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
        if not self.read_only:
            enable_wal(c, busy_timeout_s)
        c.execute("PRAGMA synchronous = FULL")
        c.execute("PRAGMA foreign_keys = ON")
        c.execute("PRAGMA secure_delete = ON")
        self._migrate()
        self.ledger_id = self.meta("ledger_id") or ""
        self._required = self._adopt_anchors()
        cap_pages_for_tests(c)

    # --- transactions ---------------------------------------------------------------------
    @contextmanager
    def unchained_write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction on the tables outside the chain (UNCHAINED: the catalog
        cache, price history): BEGIN IMMEDIATE, no anchor check, no anchor move. The
        public way for the store's own parts in ledger/ (CatalogCache) to write."""
        with self._write(chained=False) as c:
            yield c

    def reading(self) -> Reading:
        """The connection for a few read statements (no transaction, no write lock): the
        public way for the store's own parts in ledger/ (CatalogCache) to read."""
        return self._reading

    @property
    def catalog(self) -> "CatalogCache":
        """The catalog port on the same file (one object, made on first use)."""
        from kameng_tui.ledger.catalog_cache import CatalogCache

        with self._lock:
            if self._catalog is None:
                self._catalog = CatalogCache(self)
            return self._catalog

    def send_gate(self, timeout_s: float) -> SendLock:
        """The OS lock on `send.lock` beside the ledger (ledger/send_lock.py)."""
        return SendLock(self.path.parent, timeout_s)

    @contextmanager
    def _write(self, *, chained: bool = True) -> Iterator[sqlite3.Connection]:
        """A write transaction. `chained=False` only for the UNCHAINED tables: no anchor
        check, no anchor move."""
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise self._busy(exc) from None
            try:
                if chained:
                    refused = self._anchor_problem(self._conn)
                    if refused is not None:
                        raise refused
                    refuse_if_moved(self._conn)      # moved to a team ledger: its archive (ledger/moved.py)
                yield self._conn
                self._conn.execute("COMMIT")
            except BaseException:
                if self._conn.in_transaction:
                    self._conn.execute("ROLLBACK")
                raise
        if not chained:
            return
        if self._anchor_hold and time.monotonic() - self._anchor_moved < ANCHOR_LAG_S:
            self._anchor_dirty = True
        else:
            self._move_anchor()

    def _busy(self, exc: sqlite3.Error) -> Exception:
        """What a failed BEGIN means, by SQLite's error code: busy (exit 5), disk full,
        read-only, an I/O error; anything else is raised as it is."""
        return storage_failure(exc, self.path.parent) or exc

    def _migrate(self) -> None:
        """Bring the schema up to LATEST. A current schema is only read (no transaction,
        no lock): read commands open the ledger while another process writes. The write
        lock is taken only when there is something to migrate."""
        c = self._conn
        with self._lock:
            current = self._schema_version()
            if current >= LATEST:
                return
            if self.read_only:
                raise ReadOnlyStorage(Msg("err.storage.read_only_migrate", path=str(self.path.parent)),
                                      path=str(self.path.parent))
            if current > 0:
                self.backup(suffix=f"-v{current}")
            try:
                c.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise self._busy(exc) from None
            try:
                c.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL) STRICT")
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
                if c.in_transaction:
                    c.execute("ROLLBACK")
                raise

    def _schema_version(self) -> int:
        c = self._conn
        if c.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'").fetchone() is None:
            return 0
        return int(c.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()[0])

    def _append(self, c: sqlite3.Connection, order_no: str | None, kind: str, at: datetime | str,
                body: Mapping[str, Any], tail: list[tuple[int, str, str]] | None = None) -> tuple[int, Any, str]:
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

    def _row(self, c: sqlite3.Connection, order_no: str) -> dict[str, Any] | None:
        r = c.execute(f"SELECT {COLUMNS} FROM orders o WHERE o.order_no = ?", (order_no,)).fetchone()
        return None if r is None else dict(zip(chain.ROW_COLUMNS, r))

    def _put(self, c: sqlite3.Connection, row: dict[str, Any], insert: bool) -> int | None:
        cols = chain.ROW_COLUMNS
        if insert:
            cur = c.execute(f"INSERT INTO orders ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                            [row[k] for k in cols])
            return cur.lastrowid
        c.execute(f"UPDATE orders SET {', '.join(f'{k} = ?' for k in cols[1:])} WHERE order_no = ?",
                  [row[k] for k in cols[1:]] + [row["order_no"]])
        return None

    # --- writes -------------------------------------------------------------------------------
    def create_intents(self, intents: Sequence[NewOrder], batch: NewBatch | None = None, *, at: datetime,
                       repeat: RepeatGuard | None = None) -> int | None:
        tail: list[tuple[int, str, str]] = []
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
                guard_attempt(c, n)
                if repeat is not None and n.attempt_of is None:      # a chain's attempts: the root was asked
                    guards.guard_repeat(c, n, repeat, since_text)
                body = created_body(n, batch_id)
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
        if expected is OrderState.PENDING and new is OrderState.UNKNOWN and row["submitted_at"] is None:
            raise IllegalTransition(expected, new)     # only an order once submitted may be in doubt
        body = transition_body(expected, new, change)
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
            self._put(c, chain.apply(row, "customer_refund", at_text, stored), insert=False)  # type: ignore[arg-type]  # apply() returns a row for an existing order
        order = self.get(order_no)
        assert order is not None
        return order

    def close(self) -> None:
        if self._state_dirty:
            try:
                self._move_anchor(force_state=True)
            except (OSError, sqlite3.Error):
                pass              # a lagging copy is still valid; the next write moves it
        with self._lock:
            if not self.read_only:
                try:
                    # Never wait for it: a read command closing while another process
                    # writes would sit out the busy timeout for nothing.
                    self._conn.execute("PRAGMA busy_timeout = 0")
                    self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                except sqlite3.Error:
                    pass  # another process holds it (or the disk is full): its own close will checkpoint
            self._conn.close()

