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

from kameng_tui.domain.clock import from_utc_text, utc_text
from kameng_tui.domain.errors import AnchorMismatch, BadInput, ChainBroken, LedgerBusy, NotFound, ReadOnlyStorage
from kameng_tui.domain.models import Order
from kameng_tui.domain.money import fmt, from_units, money, to_units
from kameng_tui.domain.states import IllegalTransition, OrderState, check_transition
from kameng_tui.ledger import chain, guards, queries
from kameng_tui.ledger.anchor import GENESIS_HASH, Anchor, problem, read_anchor, write_anchor
from kameng_tui.ledger.connection import enable_wal, open_read_only, statements, storage_failure
from kameng_tui.ledger.reads import COLUMNS, LedgerReads
from kameng_tui.ledger.rows import chain_hash, to_order
from kameng_tui.ledger.schema import LATEST, MIGRATIONS
from kameng_tui.ledger.store import AnchorReset, Move, NewBatch, NewOrder, RepeatGuard, Transition, VerifyReport
from kameng_tui.messages import Msg

if TYPE_CHECKING:
    from filelock import FileLock

ANCHOR_LAG_S = 0.25
"""How far the anchor may lag the chain inside `anchor_deferred` (a sending batch)."""
UNCHAINED = ("catalog", "price_history", "drafts", "balances", "meta")
"""The tables written outside the hash chain (`_write(chained=False)` or a single
autocommit statement): they keep working while chained writes are refused."""
RESET_KIND = "anchor_reset"


def open_ledger(data_dir: Path, *, busy_timeout_s: float = 5.0, state_dir: Path | None = None) -> "SqliteLedger":
    """`state_dir`: where the second copy of the anchor lives (the app passes
    AppPaths.state_dir); without it only ledger.head beside the database is kept."""
    data_dir = Path(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    if state_dir is not None:
        Path(state_dir).mkdir(parents=True, exist_ok=True)
    return SqliteLedger(data_dir / "ledger.db", busy_timeout_s=busy_timeout_s, state_dir=state_dir)


class SqliteLedger(LedgerReads):
    """The writes, transactions and maintenance; the reads are `LedgerReads`'."""

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
        self._anchor_cache: dict[Path, tuple[tuple[int, int, int, int], Anchor | None]] = {}
        self._lock = threading.RLock()
        self._anchor_file_lock: FileLock | None = None
        new_file = not self.path.exists()
        self.read_only = not new_file and not _can_write(self.path)
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
        c.execute(f"PRAGMA busy_timeout = {int(busy_timeout_s * 1000)}")
        if not self.read_only:
            enable_wal(c, busy_timeout_s)
        c.execute("PRAGMA synchronous = FULL")
        c.execute("PRAGMA foreign_keys = ON")
        c.execute("PRAGMA secure_delete = ON")
        self._migrate()
        self.ledger_id = self.meta("ledger_id") or ""
        self._required = self._adopt_anchors()
        _test_max_pages(c)

    # --- transactions ---------------------------------------------------------------------
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
            if not self._anchor_hold and (self._anchor_dirty or self._state_dirty):
                self._move_anchor(force_state=True)

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
        return c.execute("SELECT COALESCE(MAX(version), 0) FROM schema_version").fetchone()[0]

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

    def _move_anchor(self, force_state: bool = False) -> None:
        """Forward along the chain only: a copy is moved when it is there, belongs to
        this ledger, is behind the chain's end and the chain holds it. A missing or
        foreign copy is evidence, left as it is."""
        self._anchor_dirty = False
        now = self._anchor_moved = time.monotonic()
        with self._lock:
            last = self._conn.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
        if not last:
            return
        # The state dir's copy only has to be ahead of any backup someone could restore:
        # it moves at most every ANCHOR_LAG_S (and at close), which halves the fsyncs of a
        # single order's three commits. Lagging, it is still a point on the chain: valid.
        with_state = force_state or now - self._state_moved >= ANCHOR_LAG_S
        self._state_dirty = not with_state
        if with_state:
            self._state_moved = now
        with self._anchor_lock:
            for where, path in self.anchor_paths.items():
                if where == "state" and not with_state:
                    continue
                current = self._read_anchor(path)
                if current is None or current.seq >= last[0] or problem(current, self.ledger_id, True, self._hash_at):
                    continue
                write_anchor(path, Anchor(self.ledger_id, last[0], last[1]))

    # --- the anchor check ----------------------------------------------------------------------
    def _hash_at(self, seq: int, c: sqlite3.Connection | None = None) -> str | None:
        with self._lock:
            row = (c or self._conn).execute("SELECT hash FROM events WHERE seq = ?", (seq,)).fetchone()
        return None if row is None else row[0]

    def _read_anchor(self, path: Path) -> Anchor | None:
        """An anchor copy, parsed again only when the file changed: every chained write
        checks both copies inside its transaction. A write always makes a new file (new
        inode); an edit or a copy over it changes its ctime, which no one can set back."""
        try:
            st = os.stat(path)
        except FileNotFoundError:
            self._anchor_cache.pop(path, None)
            return None
        except OSError:
            return read_anchor(path)
        key = (st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
        cached = self._anchor_cache.get(path)
        if cached is not None and cached[0] == key:
            return cached[1]
        anchor = read_anchor(path)
        self._anchor_cache[path] = (key, anchor)
        return anchor

    def _anchor_problem(self, c: sqlite3.Connection) -> AnchorMismatch | None:
        """The first copy of the anchor the chain does not hold, as the error a chained
        write raises; None when every copy holds (a lagging one does)."""
        for where, path in self.anchor_paths.items():
            a = self._read_anchor(path)
            required = where in self._required or (
                a is None and c.execute("SELECT EXISTS (SELECT 1 FROM events)").fetchone()[0] == 1)
            why = problem(a, self.ledger_id, required, lambda seq: self._hash_at(seq, c))
            if why is not None:
                last = c.execute("SELECT COALESCE(MAX(seq), 0) FROM events").fetchone()[0]
                seq = 0 if a is None else a.seq
                return AnchorMismatch(where=where, reason=why, anchored_seq=seq, anchored_hash="" if a is None else a.hash,
                                      chain_seq=last, chain_hash=self._hash_at(seq, c) if seq > 0 else None)
        return None

    def anchor_problem(self) -> AnchorMismatch | None:
        """Whether chained writes are refused now, and why (a read: the TUI's header, the
        webhook listener, a paused background reconcile)."""
        with self._lock:
            return self._anchor_problem(self._conn)

    def _adopt_anchors(self) -> frozenset[str]:
        """The copies whose absence is tampering (meta `anchored.<where>`). A new ledger
        is anchored at seq 0 here, before its first event; a ledger made before a copy
        existed (an upgrade, a state dir first given) gets it from a copy the chain
        holds. A copy that is there but does not hold is left alone: it is evidence.
        Only a missing copy is written here, with an anchor the chain holds, so two
        processes adopting at once need no lock (at worst a copy lags: valid); and a
        read-only command never loads filelock."""
        required = {w for w in self.anchor_paths if self.meta(f"anchored.{w}") == "1"}
        if len(required) == len(self.anchor_paths):
            return frozenset(required)
        try:
            with self._lock:
                last = self._conn.execute("SELECT seq FROM events ORDER BY seq DESC LIMIT 1").fetchone()
            found = {w: read_anchor(p) for w, p in self.anchor_paths.items()}
            held = [a for a in found.values() if a is not None and problem(a, self.ledger_id, True, self._hash_at) is None]
            seed = Anchor(self.ledger_id, 0, GENESIS_HASH) if last is None else max(held, key=lambda a: a.seq, default=None)
            for where, path in self.anchor_paths.items():
                if where in required:
                    continue
                a = found[where]
                if a is None and seed is not None:
                    write_anchor(path, seed)
                    a = seed
                if a is not None and problem(a, self.ledger_id, True, self._hash_at) is None:
                    self.set_meta(f"anchored.{where}", "1")
                    required.add(where)
        except (OSError, sqlite3.OperationalError):
            pass                          # a read-only place, a busy ledger: the check still reads what is there
        return frozenset(required)

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
            return None

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
        if expected is OrderState.PENDING and new is OrderState.UNKNOWN and row["submitted_at"] is None:
            raise IllegalTransition(expected, new)     # only an order once submitted may be in doubt
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
            self._put(c, chain.apply(row, "customer_refund", at_text, stored), insert=False)  # type: ignore[arg-type]  # apply() returns a row for an existing order
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

        copies = [(where, path, where in self._required) for where, path in self.anchor_paths.items()]
        with self._lock:
            return verify(self._conn, self.anchor_path, self.ledger_id, copies=copies)

    # --- the one way on from a restore ----------------------------------------------------------
    def accept_restore(self, reason: str, *, at: datetime, code: str = "accepted",
                       params: Mapping[str, str | int] | None = None) -> AnchorReset:
        """Record a chained `anchor_reset` event holding the anchor moved past and the
        person's reason, then anchor every copy at it. Refused (ChainBroken, exit 4) when
        the chain itself is broken: only an anchor ahead of or beside an intact chain is
        moved past. `code` is "accepted" (accept-restore) or "restored_file" (restore)."""
        reason = reason.strip()
        if not reason:
            raise BadInput(Msg("err.ledger.reset_reason"), field="reason")
        report = self.verify()
        if not report.intact:
            raise ChainBroken(Msg("err.ledger.chain_broken", n=len(report.problems)), problems=report.problems)
        if report.ok and code == "accepted":
            raise BadInput(Msg("err.ledger.reset_nothing"), field="reason")
        with self._anchor_lock:
            old = {where: read_anchor(path) for where, path in self.anchor_paths.items()}
            body_params: dict[str, str | int] = dict(params or {})
            for where, a in old.items():
                body_params[f"{where}_seq"] = -1 if a is None else a.seq
                body_params[f"{where}_hash"] = "" if a is None else a.hash
                body_params[f"{where}_ledger_id"] = "" if a is None else a.ledger_id
            with self._write(chained=False) as c:
                last = c.execute("SELECT seq, at FROM events ORDER BY seq DESC LIMIT 1").fetchone()
                chain_seq = last[0] if last else 0
                if chain_seq != report.events:
                    raise LedgerBusy(Msg("err.ledger.busy"))     # the chain moved since verify: run it again
                body_params["chain_seq"] = chain_seq
                seq, _, _ = self._append(c, None, RESET_KIND, at, {"code": code, "params": body_params, "reason": reason})
                new = Anchor(self.ledger_id, seq, self._hash_at(seq, c) or "")
            for path in self.anchor_paths.values():
                write_anchor(path, new)
            for where in self.anchor_paths:
                self.set_meta(f"anchored.{where}", "1")
            self._required = frozenset(self.anchor_paths)
        return AnchorReset(seq=seq, chain_seq=chain_seq, chain_at=from_utc_text(last[1]) if last else None,
                           old={w: None if a is None else a.as_dict() for w, a in old.items()})

    def restore_from(self, source: Path, reason: str, *, at: datetime) -> AnchorReset:
        """Copy a backup over this ledger (SQLite's backup API, so other processes with it
        open read the new content, never a torn file), then accept it. The file's own
        chain is verified first: a broken one is refused (ChainBroken) and nothing copied."""
        from kameng_tui.ledger.verify import verify

        source = Path(source)
        if not reason.strip():
            raise BadInput(Msg("err.ledger.reset_reason"), field="reason")
        if not source.is_file():
            raise BadInput(Msg("err.ledger.restore_file", path=str(source)), field="file")
        try:
            src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
            try:
                src_id = src.execute("SELECT value FROM meta WHERE key = 'ledger_id'").fetchone()
                if src_id is None:
                    raise sqlite3.DatabaseError("no ledger_id")
                report = verify(src, source.with_name(source.name + ".no-anchor"), src_id[0], copies=[])
                if not report.intact:
                    raise ChainBroken(Msg("err.ledger.chain_broken", n=len(report.problems)), problems=report.problems)
                with self._lock:
                    src.backup(self._conn)
            finally:
                src.close()
        except sqlite3.DatabaseError:
            raise BadInput(Msg("err.ledger.restore_file", path=str(source)), field="file") from None
        self._migrate()
        self.ledger_id = self.meta("ledger_id") or ""
        return self.accept_restore(reason, at=at, code="restored_file", params={"file": source.name})

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


def _can_write(path: Path) -> bool:
    """Whether this process may write the ledger file and create files beside it (the
    -wal, -shm and the anchor). Root may always: it ignores file modes."""
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK | os.X_OK)


def _test_max_pages(conn: sqlite3.Connection) -> None:
    """Test hook, like KAMENG_TUI_CRASH_AT: `KAMENG_TUI_TEST_MAX_PAGES=N` caps the file at
    N pages (never below its size now), so the next write that needs a page fails with a
    real SQLITE_FULL, as on a full disk."""
    pages = os.environ.get("KAMENG_TUI_TEST_MAX_PAGES")
    if pages and pages.isdigit():
        conn.execute(f"PRAGMA max_page_count = {int(pages)}")
