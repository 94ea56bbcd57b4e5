"""The team ledger's store on PostgreSQL: the writes of ledger/sqlite.py, transaction for
transaction, with PostgreSQL's form of BEGIN IMMEDIATE.

Every write transaction (READ COMMITTED) starts with `SELECT seq, hash, at FROM
chain_head FOR UPDATE`: the one head row serializes chain appends across terminals, and
since each later statement sees everything committed before the lock was granted, the
ref, batch and repeat-window checks after it are race-free. seq is the head's seq + 1
(no SEQUENCE: no gaps); the head row moves in the same transaction. A lock wait past
the busy timeout (lock_timeout) is LedgerBusy. No transaction or row lock is held
across a supplier call: each method is one short transaction.

The anchor: this terminal keeps the highest (seq, hash) it has seen in a file in its
state dir (ledger/anchor.py's format, `ledger-pg.head`); a chained write whose server
chain no longer holds it is refused (AnchorMismatch, exit 4) and records nothing.
"""

from __future__ import annotations

import json
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Sequence

from kameng_tui.domain.clock import from_utc_text, utc_text
from kameng_tui.domain.errors import AnchorMismatch, BadInput, ConfigError, NotFound
from kameng_tui.domain.models import Order
from kameng_tui.domain.team_errors import SchemaBehind
from kameng_tui.domain.money import fmt, from_units, money, to_units
from kameng_tui.ledger import chain
from kameng_tui.ledger.anchor import Anchor, problem, read_anchor, write_anchor
from kameng_tui.ledger.anchoring import ANCHOR_LAG_S
from kameng_tui.ledger.maintenance import RESET_KIND, reset_reason
from kameng_tui.ledger.pg import guards
from kameng_tui.ledger.pg import intents as intents_fast
from kameng_tui.ledger.pg.connect import connect, typed_pg_errors, where_of
from kameng_tui.ledger.pg.offer_links import PgOfferLinks
from kameng_tui.ledger.pg.reads import COLUMNS, PgReads, money_args, units_row
from kameng_tui.ledger.pg.schema import LATEST, server_version
from kameng_tui.ledger.pg.send_gate import AdvisoryGate
from kameng_tui.ledger.pg.supplier_ids import PgSupplierIdentities
from kameng_tui.ledger.pg.team_owner import PgOwner
from kameng_tui.ledger.pg.transitions import EVENT as _EVENT, EVENT_COLUMNS as _EVENT_COLUMNS, UPDATE as _UPDATE
from kameng_tui.ledger.pg.transitions import PgTransitions
from kameng_tui.ledger.pg.checkpoint_file import forget_checkpoint
from kameng_tui.ledger.rows import created_body
from kameng_tui.ledger.attempts import guard_attempt
from kameng_tui.ledger.values import AnchorReset, Change, NewBatch, NewOrder, RepeatGuard, VerifyReport
from kameng_tui.messages import Msg

ANCHOR_FILE = "ledger-pg.head"
TEAM_KEY = "data_key_id"          # meta: the public id of the team's data key (ledger/ports.TeamKeyStore)
_INSERT = (f"INSERT INTO orders (seq, {', '.join(chain.ROW_COLUMNS)}, search) "
           f"VALUES (%s, {', '.join(['%s'] * len(chain.ROW_COLUMNS))}, %s)")


def _search(n: NewOrder) -> str:
    """The words text search matches (orders.search)."""
    return " ".join(x for x in (n.order_no, n.product_name, n.sku, " ".join(n.account.values()),
                                n.ref or "", n.customer or "", n.note or "") if x)


@dataclass
class _Head:
    """The chain's end as this transaction moves it (locked: no one else appends)."""

    seq: int
    hash: str
    at: str
    moved: bool = False
    queued: list[tuple[str, Any]] = field(default_factory=list)
    """Statements sent with the head's update in one pipeline before COMMIT (transitions.py)."""
    sender_checked: bool = False


@typed_pg_errors(lambda store: store.where)
class PgLedger(PgTransitions, PgOwner, PgSupplierIdentities, PgOfferLinks, PgReads):
    """OrderStore, BatchStore and the chained half of MetaStore on PostgreSQL."""

    guarded_hook: Callable[[], None] | None = None

    def __init__(self, conninfo: str, *, password: str | None = None, busy_timeout_s: float = 5.0,
                 state_dir: Path, terminal_id: str = "") -> None:
        self.conninfo, self.where = conninfo, where_of(conninfo)
        self._password, self.busy_timeout_s = password, busy_timeout_s
        self.terminal_id = terminal_id
        self._lock = threading.RLock()
        self._conn = connect(conninfo, password=password, busy_timeout_s=busy_timeout_s)
        self.read_only = False
        Path(state_dir).mkdir(parents=True, exist_ok=True)
        self.anchor_path = Path(state_dir) / ANCHOR_FILE
        self._anchor_hold, self._anchor_dirty, self._anchor_moved = 0, False, 0.0
        self._seen: int | None = None
        self._gate: AdvisoryGate | None = None
        try:
            # the schema is the owner's to migrate (roles.migrate_schema), never a terminal's on
            # connect: one older than this kameng-tui is refused, exit 2, nothing changed
            current = server_version(self._conn)
            if current == 0:
                raise ConfigError(Msg("err.team.no_schema", where=self.where), field="url")
            if current < LATEST:
                raise SchemaBehind(server=current, known=LATEST)
            self.ledger_id = str(self._conn.execute("SELECT value FROM meta WHERE key = 'ledger_id'").fetchone()[0])
        except BaseException:
            self._conn.close()
            raise

    # --- transactions ---------------------------------------------------------------------
    @contextmanager
    def _write(self, *, chained: bool = True) -> Iterator[tuple[Any, _Head]]:
        with self._lock:
            c = self._conn
            # the anchor's file first: its hash on the server comes with the head's lock (one
            # round trip); anything it names was committed before this statement began
            anchored = read_anchor(self.anchor_path) if chained else None
            with c.transaction():
                r = c.execute("SELECT seq, hash, at, (SELECT MAX(version) FROM schema_version), "
                              "(SELECT hash FROM events WHERE seq = %s) FROM chain_head WHERE id = 1 FOR UPDATE",
                              (anchored.seq if anchored is not None else -1,)).fetchone()
                head = _Head(int(r[0]), str(r[1]), str(r[2]))
                if int(r[3]) > LATEST:
                    # a newer kameng-tui migrated the server: this one would write what it no
                    # longer understands (exit 2, nothing recorded); reads go on
                    raise ConfigError(Msg("err.team.schema_newer", server=int(r[3]), known=LATEST), field="url")
                before = head.seq
                if chained:
                    refused = self._anchor_problem(c, head.seq, anchored, r[4])
                    if refused is not None:
                        raise refused
                yield c, head
                if head.moved:
                    self._flush(c, head)
            if self._seen == before:
                self._seen = head.seq            # our own commit does not wake our feed
        if head.moved:
            if self._anchor_hold and time.monotonic() - self._anchor_moved < ANCHOR_LAG_S:
                self._anchor_dirty = True
            else:
                self._move_anchor()

    @staticmethod
    def _flush(c: Any, head: _Head) -> None:
        """The queued statements and the head's update: one round trip (a pipeline) when
        anything was queued; an error in any fails the transaction."""
        move = ("UPDATE chain_head SET seq = %s, hash = %s, at = %s WHERE id = 1", (head.seq, head.hash, head.at))
        if not head.queued:
            c.execute(*move)
            return
        with c.pipeline():
            for sql, args in (*head.queued, move):
                c.execute(sql, args)
        head.queued.clear()

    def _append(self, c: Any, head: _Head, order_no: str | None, kind: str, at: datetime | str,
                body: Mapping[str, Any]) -> tuple[int, Any, str]:
        """Append one event at the head (same rules as the SQLite store: times never go
        backwards along seq; the projection is computed from what was hashed)."""
        args, stored = self._event(head, order_no, kind, at, body)
        c.execute(_EVENT, args)
        return head.seq, stored, head.at

    @staticmethod
    def _event(head: _Head, order_no: str | None, kind: str, at: datetime | str,
               body: Mapping[str, Any]) -> tuple[tuple[Any, ...], Any]:
        """The next event's row (hashed, the head moved past it) and its stored body;
        the caller INSERTs the row, alone (`_append`) or with others (create_intents)."""
        seq, prev = head.seq + 1, head.hash
        at_text = at if isinstance(at, str) else utc_text(at)
        if head.at > at_text:
            at_text = head.at
        body_text, changed = chain.canonical(body)
        h = chain.event_hash(prev, seq, at_text, kind, order_no, body_text)
        head.seq, head.hash, head.at, head.moved = seq, h, at_text, True
        return (seq, order_no, kind, at_text, body_text, prev, h), (json.loads(body_text) if changed else body)

    def _row(self, c: Any, order_no: str) -> dict[str, Any] | None:
        r = c.execute(f"SELECT {COLUMNS} FROM orders o WHERE o.order_no = %s", (order_no,)).fetchone()
        return None if r is None else units_row(r)

    # --- writes -------------------------------------------------------------------------------
    def create_intents(self, intents: Sequence[NewOrder], batch: NewBatch | None = None, *, at: datetime,
                       repeat: RepeatGuard | None = None) -> int | None:
        at_text = utc_text(at)
        since_text = None if repeat is None else utc_text(repeat.since)
        with self._write() as (c, head):
            batch_id = None
            if batch is not None:
                repeat_no = guards.guard_batch(c, batch)
                batch_id = int(c.execute("SELECT COALESCE(MAX(batch_id), 0) + 1 FROM batches").fetchone()[0])
                c.execute("INSERT INTO batches (batch_id, identity, source, line_count, created_at) "
                          "VALUES (%s,%s,%s,%s,%s)", (batch_id, batch.identity, batch.source, batch.line_count, at_text))
                guards.record_batch_key(c, batch.identity, repeat_no, batch_id)
                self._append(c, head, None, "batch", at, {"batch_id": batch_id, "identity": batch.identity,
                                                          "source": batch.source, "line_count": batch.line_count})
            if intents_fast.all_pass(c, intents, since_text):
                self._insert_all(c, head, intents, batch_id, at_text)
            else:
                self._insert_each(c, head, intents, batch_id, at_text, repeat, since_text)
            if self.guarded_hook is not None:
                self.guarded_hook()
            return batch_id

    def _insert_all(self, c: Any, head: _Head, intents: Sequence[NewOrder], batch_id: int | None,
                    at_text: str) -> None:
        """Every guard passes (intents_fast.all_pass): the rows in one COPY per table (a
        few: one executemany; either fires the events' stamp trigger as INSERT does), the
        events hashed one by one as `_append` does, each sent as soon as it is hashed (the
        server stores the first while the next are hashed)."""
        orders: list[list[Any]] = []
        secrets: list[tuple[str, str, bytes]] = []

        def events() -> Iterator[tuple[Any, ...]]:
            for n in intents:
                args, stored = self._event(head, n.order_no, "created", at_text, created_body(n, batch_id))
                yield args
                row = chain.apply(None, "created", head.at, stored)
                assert row is not None
                orders.append([head.seq, *intents_fast.copy_args(row), _search(n)])
                secrets.extend((n.order_no, key, blob) for key, blob in n.sealed.items())

        intents_fast.insert_rows(c, "events", _EVENT_COLUMNS, events(), len(intents))
        intents_fast.insert_rows(c, "order_refs", ("ref", "order_no", "fingerprint"), intents_fast.ref_rows(intents))
        intents_fast.insert_rows(c, "orders", ("seq", *chain.ROW_COLUMNS, "search"), orders)
        intents_fast.insert_rows(c, "order_secrets", ("order_no", "key", "blob"), secrets)

    def _insert_each(self, c: Any, head: _Head, intents: Sequence[NewOrder], batch_id: int | None, at_text: str,
                     repeat: RepeatGuard | None, since_text: str | None) -> None:
        """Intent by intent, each guard in turn: the path that decides a refusal."""
        import psycopg

        for n in intents:
            guards.guard_ref(c, n)
            guard_attempt(c, n, "%s")
            if repeat is not None and n.attempt_of is None:      # a chain's attempts: the root was asked
                guards.guard_repeat(c, n, repeat, since_text)
            body = created_body(n, batch_id)
            seq, stored, created_at = self._append(c, head, n.order_no, "created", at_text, body)
            row = chain.apply(None, "created", created_at, stored)
            assert row is not None
            try:
                c.execute(_INSERT, [seq, *money_args(row), _search(n)])
            except psycopg.errors.UniqueViolation:
                raise BadInput(Msg("err.ledger.duplicate_order_no", order_no=n.order_no)) from None
            for key, blob in n.sealed.items():
                c.execute("INSERT INTO order_secrets (order_no, key, blob) VALUES (%s,%s,%s)", (n.order_no, key, blob))

    def record(self, order_no: str | None, kind: str, body: Mapping[str, object], *, at: datetime) -> None:
        if kind in chain.STATE_KINDS or kind in ("created", "customer_refund"):
            raise ValueError(f"{kind} events are written by their own methods")
        with self._write() as (c, head):
            self._append(c, head, order_no, kind, at, dict(body))

    def customer_refund(self, order_no: str, amount: Decimal, reason: str, *, at: datetime) -> Order:
        amount = money(amount)
        with self._write() as (c, head):
            row = self._row(c, order_no)
            if row is None:
                raise NotFound(Msg("err.order.none", order_no=order_no), field="order_no")
            if amount <= 0 or to_units(amount) > row["revenue"]:
                raise BadInput(Msg("err.ledger.refund_range", most=fmt(from_units(row["revenue"]))), field="amount")
            _, stored, at_text = self._append(c, head, order_no, "customer_refund", at,
                                              {"amount": fmt(amount, 4), "reason": reason})
            updated = chain.apply(row, "customer_refund", at_text, stored)
            assert updated is not None
            c.execute(_UPDATE, money_args(updated)[1:] + [order_no])
        order = self.get(order_no)
        assert order is not None
        return order

    # --- meta (the team's), the change feed -------------------------------------------------------
    def team_meta(self, key: str) -> str | None:
        r = self._one("SELECT value FROM meta WHERE key = %s", (key,))
        return None if r is None else str(r[0])

    def set_team_meta(self, key: str, value: str) -> None:
        with self._lock:
            self._conn.execute("INSERT INTO meta (key, value) VALUES (%s, %s) ON CONFLICT (key) DO UPDATE "
                               "SET value = excluded.value", (key, value))

    def team_key_id(self) -> str | None:
        return self.team_meta(TEAM_KEY)

    def claim_team_key(self, key_id: str, *, at: datetime) -> str:
        """Under the head lock: the first claim wins (and is chained), later ones read it."""
        with self._write() as (c, head):
            r = c.execute("SELECT value FROM meta WHERE key = %s", (TEAM_KEY,)).fetchone()
            if r is not None:
                return str(r[0])
            c.execute("INSERT INTO meta (key, value) VALUES (%s, %s)", (TEAM_KEY, key_id))
            self._append(c, head, None, "data_key", at, {"key_id": key_id})
            return key_id

    def note_key_export(self, key_id: str, *, at: datetime) -> None:
        self.record(None, "data_key_exported", {"key_id": key_id}, at=at)

    def server_now(self) -> datetime:
        """The server's clock (it stamps each event's server_at)."""
        with self._lock:
            row = self._conn.execute("SELECT clock_timestamp()").fetchone()
        now = row[0] if row is not None else None
        if not isinstance(now, datetime):            # psycopg gives timestamptz as an aware datetime
            raise TypeError(f"clock_timestamp() gave {type(now).__name__}")
        return now

    def last_seq(self) -> int:
        r = self._one("SELECT seq FROM chain_head WHERE id = 1")
        return 0 if r is None else int(r[0])

    def changes_since(self, seq: int, limit: int = 1000) -> list[Change]:
        return [Change(int(r[0]), r[1], r[2]) for r in self._all(
            "SELECT seq, order_no, kind FROM events WHERE seq > %s ORDER BY seq LIMIT %s", (seq, limit))]

    def others_wrote(self) -> bool:
        """The head's seq moved past what this store last saw or wrote itself: another
        terminal committed. One primary-key read per poll; the first call primes it."""
        now = self.last_seq()
        before, self._seen = self._seen, now
        return before is not None and now != before

    # --- the anchor ----------------------------------------------------------------------------
    @contextmanager
    def anchor_deferred(self) -> Iterator[None]:
        self._anchor_hold += 1
        try:
            yield
        finally:
            self._anchor_hold -= 1
            if not self._anchor_hold and self._anchor_dirty:
                import psycopg

                try:
                    self._move_anchor()
                except psycopg.Error:
                    # the server went away mid-batch: a lagging anchor is still valid (the next
                    # write moves it), and the batch's own failure must reach the face, not this
                    self._anchor_dirty = True

    def _hash_at(self, seq: int, c: Any = None) -> str | None:
        with self._lock:
            r = (c or self._conn).execute("SELECT hash FROM events WHERE seq = %s", (seq,)).fetchone()
        return None if r is None else str(r[0])

    def _anchor_problem(self, c: Any, chain_seq: int, a: Anchor | None, held: str | None) -> AnchorMismatch | None:
        """`a`: this terminal's anchor as read; `held`: the server's hash at a.seq (None
        past the chain's end)."""
        why = problem(a, self.ledger_id, False, lambda seq: held)
        if why is None or a is None:
            return None
        return AnchorMismatch(where="state", reason=why, anchored_seq=a.seq, anchored_hash=a.hash, chain_seq=chain_seq,
                              chain_hash=held if a.seq > 0 else None)

    def anchor_problem(self) -> AnchorMismatch | None:
        a = read_anchor(self.anchor_path)
        return self._anchor_problem(self._conn, self.last_seq(), a, None if a is None else self._hash_at(a.seq))

    def _move_anchor(self) -> None:
        """Forward only, and only along the chain the anchor holds (a copy that does not
        hold is evidence, left as it is)."""
        from filelock import FileLock

        self._anchor_dirty, self._anchor_moved = False, time.monotonic()
        with self._lock, FileLock(str(self.anchor_path.with_name(ANCHOR_FILE + ".lock"))):
            r = self._one("SELECT seq, hash FROM chain_head WHERE id = 1")
            if r is None or int(r[0]) == 0:
                return
            current = read_anchor(self.anchor_path)
            if current is not None and (current.seq >= int(r[0])
                                        or problem(current, self.ledger_id, True, self._hash_at)):
                return
            write_anchor(self.anchor_path, Anchor(self.ledger_id, int(r[0]), str(r[1])))

    def anchor(self) -> dict[str, object]:
        a = read_anchor(self.anchor_path)
        return {} if a is None else a.as_dict()

    # --- verify, the one way on from a restore ------------------------------------------------
    def verify(self, *, quick: bool = False) -> VerifyReport:
        """In full, or `quick` from this terminal's checkpoint (ledger/pg/verify_quick.py)."""
        from kameng_tui.ledger.pg.verify_quick import verify_checked

        with self._lock:
            return verify_checked(self._conn, self.ledger_id, self.anchor_path, quick=quick)

    def verify_since_checkpoint(self) -> VerifyReport | None:
        return None                      # no checkpoint on the server: the caller decides on a full verify

    def accept_restore(self, reason: str, *, at: datetime, code: str = "accepted",
                       params: Mapping[str, str | int] | None = None) -> AnchorReset:
        """As the SQLite store: a chained `anchor_reset` event with the anchor moved past
        and the person's reason, refused on a broken chain."""
        reason, _ = reset_reason(reason, self.verify, code)
        old = read_anchor(self.anchor_path)
        if not self.is_owner():
            return self._follow_owners_reset(old)
        body_params: dict[str, str | int] = dict(params or {})
        body_params["state_seq"] = -1 if old is None else old.seq
        body_params["state_hash"] = "" if old is None else old.hash
        body_params["state_ledger_id"] = "" if old is None else old.ledger_id
        with self._write(chained=False) as (c, head):
            chain_seq, chain_at = head.seq, head.at
            body_params["chain_seq"] = chain_seq
            seq, _, _ = self._append(c, head, None, RESET_KIND, at, {"code": code, "params": body_params,
                                                                     "reason": reason})
            new = Anchor(self.ledger_id, seq, head.hash)
        write_anchor(self.anchor_path, new)
        forget_checkpoint(self.anchor_path)               # it vouched for the chain moved past
        return AnchorReset(seq=seq, chain_seq=chain_seq, chain_at=from_utc_text(chain_at) if chain_seq else None,
                           old={"state": None if old is None else old.as_dict()})

    def restore_from(self, source: Path, reason: str, *, at: datetime) -> AnchorReset:
        raise BadInput(Msg("err.team.file_backup"), field="file")

    def backup(self, dest: Path | None = None) -> Path:
        raise BadInput(Msg("err.team.file_backup"), field="file")

    # --- sending ---------------------------------------------------------------------------------
    def send_gate(self, timeout_s: float) -> AdvisoryGate:
        """This terminal's advisory lock, on a dedicated connection (never pooled)."""
        with self._lock:
            if self._gate is None:
                self._gate = AdvisoryGate(self.conninfo, self.terminal_id, timeout_s, password=self._password,
                                          busy_timeout_s=self.busy_timeout_s)
            return self._gate

    def sender_gate(self, terminal_id: str) -> AdvisoryGate:
        """Another terminal's lock: reconcile takes it (try_held) before touching an order
        that terminal submitted; it gets it only when that sender is gone."""
        return AdvisoryGate(self.conninfo, terminal_id, 0.0, password=self._password,
                            busy_timeout_s=self.busy_timeout_s)

    def close(self) -> None:
        if self._anchor_dirty:
            try:
                self._move_anchor()
            except Exception:   # noqa: BLE001 - a lagging anchor is valid; the next write moves it
                pass
        if self._gate is not None:
            self._gate.close()
        with self._lock:
            self._conn.close()

