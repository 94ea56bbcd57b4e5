"""The SQLite ledger's anchor keeping: the check every chained write makes inside its
transaction, and moving the anchor copies forward after it commits.

A mixin of `SqliteLedger` (ledger/sqlite.py). The anchor (ledger/anchor.py) only moves
forward along the chain it anchors; a copy the chain does not hold refuses every chained
write (AnchorMismatch) until an explicit `accept_restore` (ledger/maintenance.py).
"""

from __future__ import annotations

import os
import sqlite3
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

from kameng_tui.domain.errors import AnchorMismatch
from kameng_tui.ledger.anchor import GENESIS_HASH, Anchor, problem, read_anchor, write_anchor
from kameng_tui.ledger.side_tables import SideTables

if TYPE_CHECKING:
    from filelock import FileLock

ANCHOR_LAG_S = 0.25
"""How far the anchor may lag the chain inside `anchor_deferred` (a sending batch)."""


class AnchorKeeper(SideTables):
    path: Path
    anchor_path: Path
    anchor_paths: dict[str, Path]
    ledger_id: str
    read_only: bool
    _anchor_hold: int
    _anchor_dirty: bool
    _anchor_moved: float
    _state_dirty: bool
    _state_moved: float
    _anchor_cache: dict[Path, tuple[tuple[int, int, int, int], Anchor | None]]
    _anchor_file_lock: FileLock | None
    _required: frozenset[str]
    _lock: threading.RLock

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

    def anchor(self) -> dict[str, object]:
        a = read_anchor(self.anchor_path)
        return {} if a is None else a.as_dict()
