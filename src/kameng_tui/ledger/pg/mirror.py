"""A team terminal's read-only mirror of the team ledger (issue 20), in the local SQLite
ledger's own schema (events, orders, batches, cards, FTS5): history, search, reports and
export read it with the server up or down, and `ledger verify` checks it as any local
ledger file.

It is caught up by seq: the events after the last one it holds, a page at a time, each
checked against the chain it holds (seq + 1, prev_hash = the hash it holds, the hash
recomputed) before anything of the page is written. A server whose chain does not extend
what the mirror holds (a restore, a rewrite, another ledger) stops it: MirrorDiverged,
kept in the file, raised on every later catch-up, and the mirror keeps what it held; as
the anchor does for writes. The projection is `chain.apply` of the events: the same
function the stores and verify run, so the mirror's orders are the server's.

Only written here (the `unchained_write` transaction of the SQLite store, never its
chained writes); the SQLite file lives in `<data>/mirror/`, beside nothing else.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Sequence

from kameng_tui.domain.clock import from_utc_text, utc_text
from kameng_tui.domain.errors import KamengError
from kameng_tui.ledger import chain, projection_sql, queries
from kameng_tui.ledger.anchor import Anchor, write_anchor
from kameng_tui.ledger.offer_links import LINK_KIND, UNLINK_KIND
from kameng_tui.ledger.sqlite import SqliteLedger, open_ledger
from kameng_tui.messages import Msg

PAGE = 20_000
"""Events fetched and applied per transaction: bounded memory on a first catch-up."""
_ROW_KINDS = chain.STATE_KINDS | {"created", "customer_refund"}
_NO_CARDS = frozenset({"pending", "submitted", "cancelled", "unknown"})
"""State events that never carry cards: no need to fetch the order's cards after them."""
_META_OF, _META_SYNCED, _META_PROBLEM = "mirror_of", "mirror_synced_at", "mirror_problem"
_COLS = ", ".join(chain.ROW_COLUMNS)
_PROJECT = (f"INSERT OR REPLACE INTO orders (seq, {_COLS}) SELECT e.seq, {', '.join(f'r.{k}' for k in chain.ROW_COLUMNS)} "
            f"FROM ({projection_sql.rebuilt('AND order_no IN (SELECT value FROM json_each(?))')}) r "
            "JOIN events e ON e.order_no = r.order_no AND e.kind = 'created'")
"""The touched orders' rows, rebuilt from all their events (verify's projection, tested
against chain.project), each at its creating event's seq (the history's order)."""


class MirrorDiverged(KamengError):
    """The server's chain does not extend the one this terminal's mirror holds."""

    code = "mirror_diverged"
    exit_code = 4

    def __init__(self, *, held_seq: int, server_seq: int, reason: str) -> None:
        super().__init__(Msg("err.mirror.diverged", held=held_seq, server=server_seq))
        self.held_seq, self.server_seq, self.reason = held_seq, server_seq, reason


@dataclass(frozen=True)
class Fetched:
    """One page of the server's events with the side rows they need (cards, sealed fields)."""

    events: list[tuple[Any, ...]]
    secrets: list[tuple[Any, ...]]
    cards: list[tuple[Any, ...]]


def search_text(body: dict[str, Any]) -> str:
    """The words history search matches for an order (as the SQLite store indexes them)."""
    account = body.get("account") or {}
    return " ".join(x for x in (body["order_no"], body["product_name"], body["sku"], " ".join(account.values()),
                                body.get("ref") or "", body.get("customer") or "", body.get("note") or "") if x)


class Mirror:
    """The mirror file and its catch-up. Thread-safe: the listener's thread and the UI's
    reads catch up through the same lock."""

    def __init__(self, data_dir: Path) -> None:
        self.db: SqliteLedger = open_ledger(data_dir)
        with self.db.reading() as c:
            # a copy the server can give again: a power cut may cost its last pages, never
            # its consistency (WAL), and a terminal's own writes pay no second fsync
            c.execute("PRAGMA synchronous = NORMAL")
        self._lock = threading.RLock()
        self._head = self._read_head()
        synced = self.db.meta(_META_SYNCED)
        self.synced_at: datetime | None = from_utc_text(synced) if synced else None
        why = self.db.meta(_META_PROBLEM)
        self.problem: MirrorDiverged | None = None
        if why:
            held, server, reason = why.split(" ", 2)
            self.problem = MirrorDiverged(held_seq=int(held), server_seq=int(server), reason=reason)

    def _read_head(self) -> tuple[int, str]:
        with self.db.reading() as c:
            r = c.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
        return (0, chain.GENESIS) if r is None else (int(r[0]), str(r[1]))

    def last_seq(self) -> int:
        return self._head[0]

    @property
    def ledger_id(self) -> str | None:
        return self.db.meta(_META_OF)

    # --- catching up ------------------------------------------------------------------------------
    def catch_up(self, conn: Any, ledger_id: str, now: datetime | None = None,
                 on_applied: Callable[[int, int], None] | None = None) -> int:
        """Apply the server's events after the last one held (conn: a psycopg connection the
        caller alone uses now). Returns how many were applied; MirrorDiverged when the
        server's chain does not extend this one. `on_applied(first, last)` after each page."""
        with self._lock:
            if self.problem is not None:
                raise self.problem
            self._adopt(ledger_id)
            r = conn.execute("SELECT seq, hash FROM chain_head WHERE id = 1").fetchone()
            server_seq, server_hash = int(r[0]), str(r[1])
            held_seq, held_hash = self._head
            if server_seq < held_seq:
                self._diverge(held_seq, server_seq, "shorter")
            if server_seq == held_seq and server_hash != held_hash:
                self._diverge(held_seq, server_seq, "other_hash")
            applied = 0
            while self._head[0] < server_seq:
                page = fetch(conn, self._head[0], server_seq)
                if not page.events:
                    self._diverge(self._head[0], server_seq, "missing")
                self._apply(page, now)
                applied += len(page.events)
                if on_applied is not None:
                    on_applied(int(page.events[0][0]), int(page.events[-1][0]))
            self.synced_at = now or datetime.now(timezone.utc)
            return applied

    def _adopt(self, ledger_id: str) -> None:
        held = self.db.meta(_META_OF)
        if held == ledger_id:
            return
        if held is not None or self._head[0] > 0:
            self._diverge(self._head[0], 0, "other_ledger")
        self.db.set_meta(_META_OF, ledger_id)
        self.db.set_meta("ledger_id", ledger_id)
        self.db.ledger_id = ledger_id
        self._anchor()

    def _diverge(self, held: int, server: int, reason: str) -> None:
        self.problem = MirrorDiverged(held_seq=held, server_seq=server, reason=reason)
        self.db.set_meta(_META_PROBLEM, f"{held} {server} {reason}")
        raise self.problem

    def _check(self, events: Sequence[tuple[Any, ...]]) -> None:
        seq, h = self._head
        for e in events:
            if int(e[0]) != seq + 1 or e[5] != h or chain.event_hash(e[5], int(e[0]), e[3], e[2], e[1], e[4]) != e[6]:
                self._diverge(seq, int(e[0]), "broken_link")
            seq, h = int(e[0]), str(e[6])

    def _apply(self, page: Fetched, now: datetime | None) -> None:
        """One page in one transaction: the events as the server holds them, the touched
        orders rebuilt from all their events by verify's SQL projection (the same rules as
        chain.apply, in C), the search index of the new orders, their side rows.

        Several processes of one terminal (the TUI, a CLI batch, cron's reconcile) share
        the mirror file: inside the write lock the file's own head decides what is new, so
        a page another process applied meanwhile is not applied twice."""
        self._check(page.events)
        with self.db.unchained_write() as c:
            row = c.execute("SELECT seq, hash FROM events ORDER BY seq DESC LIMIT 1").fetchone()
            held = (int(row[0]), str(row[1])) if row else (0, chain.GENESIS)
            events = [e for e in page.events if int(e[0]) > held[0]]
            if len(events) < len(page.events):
                mine = {int(e[0]): str(e[6]) for e in page.events}
                if held[0] in mine and mine[held[0]] != held[1]:
                    self._diverge(held[0], held[0], "other_hash")
            if events:
                self._write_events(c, events, page)
            synced = now or datetime.now(timezone.utc)
            c.execute("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                      (_META_SYNCED, utc_text(synced)))
        last = (int(page.events[-1][0]), str(page.events[-1][6]))
        self._head = last if last[0] >= held[0] else held

    def _write_events(self, c: Any, events: Sequence[tuple[Any, ...]], page: Fetched) -> None:
        touched: set[str] = set()
        fts: list[tuple[int, str]] = []
        batches: list[tuple[Any, ...]] = []
        attempts: list[tuple[str, str]] = []        # order_attempts, as the intents wrote them
        links: list[tuple[str, str | None, str, str]] = []   # offer_links by its events, in seq order
        for seq, order_no, kind, at, body_text, _, _ in events:
            if kind == "batch":
                b = json.loads(body_text)
                batches.append((b["batch_id"], b["identity"], b["source"], b["line_count"], at))
            elif kind in (LINK_KIND, UNLINK_KIND):
                doc = json.loads(body_text)
                links.append((kind, doc["sku"], doc.get("target"), at))
            elif order_no is not None and kind in _ROW_KINDS:
                touched.add(order_no)
                if kind == "created":
                    body = json.loads(body_text)
                    fts.append((int(seq), search_text(body)))
                    if body.get("attempt_of") is not None:
                        attempts.append((str(body["attempt_of"]), order_no))
        c.executemany("INSERT INTO events (seq, order_no, kind, at, body, prev_hash, hash) VALUES (?,?,?,?,?,?,?)",
                      events)
        c.executemany("INSERT OR IGNORE INTO batches (batch_id, identity, source, line_count, created_at) "
                      "VALUES (?,?,?,?,?)", batches)
        if touched:
            c.execute(_PROJECT, (json.dumps(sorted(touched)),))
        # the side tables verify rebuilds from the events (ledger/attempts.py, offer_links.py)
        c.executemany("INSERT OR IGNORE INTO order_attempts (attempt_of, order_no) VALUES (?, ?)", attempts)
        for kind, sku, target, at in links:
            if kind == LINK_KIND:
                c.execute("INSERT INTO offer_links (sku, target, at) VALUES (?, ?, ?) ON CONFLICT(sku) DO UPDATE "
                          "SET target = excluded.target, at = excluded.at", (sku, target, at))
            else:
                c.execute("DELETE FROM offer_links WHERE sku = ?", (sku,))
        c.executemany("INSERT INTO orders_fts (rowid, text) VALUES (?, ?)", fts)
        c.executemany("INSERT INTO orders_grams (rowid, grams) VALUES (?, ?)",
                      ((seq, queries.grams(text)) for seq, text in fts))
        c.executemany("INSERT OR REPLACE INTO order_secrets (order_no, key, blob) VALUES (?,?,?)", page.secrets)
        c.executemany("INSERT OR REPLACE INTO cards (order_no, idx, number_blob, password_blob, expires) "
                      "VALUES (?,?,?,?,?)", page.cards)

    def _anchor(self) -> None:
        """The mirror file's anchor: what it held when adopted and when closed (an anchor
        behind the chain is valid), so `ledger verify` on the file checks it as any local
        ledger's without an fsync per page."""
        write_anchor(self.db.anchor_path, Anchor(self.db.ledger_id, *self._head))

    def close(self) -> None:
        with self._lock:
            if self.synced_at is not None:
                try:
                    self.db.set_meta(_META_SYNCED, utc_text(self.synced_at))
                    if self._head[0] and self.db.ledger_id == self.db.meta(_META_OF):
                        self._anchor()
                except (KamengError, OSError):
                    pass               # a full disk at exit: the last applied page's time stays
            self.db.close()


def fetch(conn: Any, after: int, upto: int) -> Fetched:
    """The next page of events after `after` (up to the head read), with the sealed fields
    of the orders created in it and the cards of the orders it delivered (joined on the
    page's seq range by the server: no list of order numbers goes over the wire)."""
    events = [tuple(r) for r in conn.execute(
        "SELECT seq, order_no, kind, at, body, prev_hash, hash FROM events WHERE seq > %s AND seq <= %s "
        "ORDER BY seq LIMIT %s", (after, upto, PAGE)).fetchall()]
    if not events:
        return Fetched(events, [], [])
    last = int(events[-1][0])
    kinds = {e[2] for e in events}
    card_kinds = sorted(chain.STATE_KINDS - _NO_CARDS)
    # a page with no created event has no sealed fields to fetch, one with no state that
    # may carry cards no cards (a state change's catch-up: two round trips, not four)
    secrets = [] if "created" not in kinds else [(r[0], r[1], bytes(r[2])) for r in conn.execute(
        "SELECT s.order_no, s.key, s.blob FROM order_secrets s JOIN events e ON e.order_no = s.order_no "
        "AND e.kind = 'created' WHERE e.seq > %s AND e.seq <= %s", (after, last)).fetchall()]
    cards = [] if kinds.isdisjoint(card_kinds) else [(r[0], r[1], bytes(r[2]), bytes(r[3]), r[4]) for r in conn.execute(
        "SELECT c.order_no, c.idx, c.number_blob, c.password_blob, c.expires FROM cards c WHERE c.order_no IN "
        "(SELECT e.order_no FROM events e WHERE e.seq > %s AND e.seq <= %s AND e.kind = ANY(%s))",
        (after, last, card_kinds)).fetchall()]
    return Fetched(events, secrets, cards)
