"""What makes a team terminal usable with the server up or down (issue 20): its mirror
(ledger/pg/mirror.py) serves history, search, reports and export; the live listener
(ledger/pg/listen.py) keeps it current; the server keeps serving writes, guards and locks.

- Reads for review (MIRROR_READS) come from the mirror. While the server is reachable a
  read first catches the mirror up on the store's connection (one primary-key read when
  nothing is new), so a review is never behind the server; offline it reads what the
  mirror holds. A mirror stopped by a chain that does not extend it is never read while
  the server answers (the server's rows are), and the status says why.
- Reads that decide a write (SERVER_READS: guards, the order being sent, what is in
  flight) come from the server while it is reachable, from the mirror offline.
- Writes go to the server only. Offline they are refused at once (ServerOffline, exit 2,
  nothing recorded, nothing queued). After each write the terminal catches its mirror up
  (a throttle once saved a third of a sending terminal's CPU, but a connection lost
  mid-batch then left the terminal's own `submitted` out of its mirror, and offline that
  order read as never sent). A read while online whose catch-up failed
  is answered by the server; offline, a process whose mirror lacks its own writes reads
  nothing from it (ServerOffline) rather than an older state.
- A terminal whose server cannot be reached at start opens offline when its mirror has
  synced with this ledger before; otherwise the connection error stands.
"""

from __future__ import annotations

import logging
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterator

from kameng_tui.domain.errors import ConfigError, KamengError, StorageError
from kameng_tui.domain.team_errors import ServerOffline
from kameng_tui.ledger.pg.listen import APPLICATION, ChangeListener
from kameng_tui.ledger.pg.mirror import Mirror, MirrorDiverged
from kameng_tui.ledger.values import TeamStatus
from kameng_tui.messages import Msg

if TYPE_CHECKING:
    from kameng_tui.ledger.pg.store import PgLedger

    _Base = PgLedger
else:
    _Base = object

log = logging.getLogger("kameng_tui")

MIRROR_READS = ("history", "totals", "grouped", "events", "last_event", "cards", "sealed_fields", "get_batch",
                "list_batches", "batch_orders", "find", "sku_counts", "needs_attention", "anomaly_orders",
                "ledger_anomalies", "offer_links")
SERVER_READS = ("get", "by_ref", "ref_fingerprint", "guard_duplicates", "last_for", "in_state", "unsettled_cost",
                "in_flight", "sent_since", "batch_by_identity")


class _NoServer:
    """The store's connection while the server is unreachable: every use is ServerOffline."""

    closed = True
    broken = True

    def __init__(self, error: Callable[[], ServerOffline]) -> None:
        self._error = error

    def execute(self, *args: object, **kw: object) -> Any:
        raise self._error()

    def transaction(self) -> Any:
        raise self._error()

    def cursor(self) -> Any:
        raise self._error()

    def close(self) -> None:
        pass


def can_open_offline(exc: ConfigError, terminal: "MirroredTerminal") -> bool:
    """A server that could not be reached (not a malformed URL, not fsync off), and a
    mirror that has synced with a team ledger before."""
    return (getattr(exc.msg, "key", "") == "err.team.connect" and terminal.has_mirror()
            and terminal.mirror.ledger_id is not None)


class MirroredTerminal(_Base):
    """The mixin TeamLedger puts before PgLedger: mirror reads, offline, live updates."""

    _mirror: Mirror | None
    _mirror_dir: Path
    _offline: str | None
    _listen_down: str | None
    _listener: ChangeListener | None
    _moved: threading.Event
    _own: list[tuple[int, int]]

    def _init_terminal(self, data_dir: Path) -> None:
        self._mirror_dir, self._mirror = data_dir / "mirror", None
        self._mirror_lock = threading.Lock()
        self._offline, self._listen_down, self._listener = None, None, None
        self._moved = threading.Event()
        self._own: list[tuple[int, int]] = []
        self._own_lock = threading.Lock()
        self._writes, self._synced_writes = 0, 0

    def _start_offline(self, conninfo: str, *, password: str | None, busy_timeout_s: float, state_dir: Path,
                       terminal_id: str, exc: ConfigError) -> None:
        """What PgLedger.__init__ sets, without a server: reads from the mirror, writes refused."""
        from kameng_tui.ledger.pg.connect import where_of
        from kameng_tui.ledger.pg.store import ANCHOR_FILE

        params = getattr(exc.msg, "params", {})
        self.conninfo, self.where = conninfo, where_of(conninfo)
        self._password, self.busy_timeout_s, self.terminal_id = password, busy_timeout_s, terminal_id
        self._lock = threading.RLock()
        self.read_only = False
        Path(state_dir).mkdir(parents=True, exist_ok=True)
        self.anchor_path = Path(state_dir) / ANCHOR_FILE
        self._anchor_hold, self._anchor_dirty, self._anchor_moved = 0, False, 0.0
        self._seen, self._gate = None, None
        self.ledger_id = self.mirror.ledger_id or ""
        self._offline = str(params.get("reason") or exc.text("en"))
        self._conn = _NoServer(self._offline_error)

    @property
    def mirror(self) -> Mirror:
        """Opened on first need (a review read, the listener, offline): a terminal that
        only writes (a CLI order in a fresh home) makes no file for it."""
        with self._mirror_lock:
            if self._mirror is None:
                self._mirror = Mirror(self._mirror_dir)
            return self._mirror

    def has_mirror(self) -> bool:
        return self._mirror is not None or (self._mirror_dir / "ledger.db").exists()

    # --- status -----------------------------------------------------------------------------------
    def team_status(self) -> TeamStatus:
        reason, mirror = self._offline or self._listen_down, self._mirror      # never opens the mirror here
        return TeamStatus(online=reason is None, where=self.where, synced_at=None if mirror is None else mirror.synced_at,
                          reason=reason, mirror_stopped=mirror is not None and mirror.problem is not None)

    def listening(self) -> bool:
        return self._listener is not None and self._listener.connected

    def _offline_error(self) -> ServerOffline:
        synced = self.mirror.synced_at
        when = synced.strftime("%Y-%m-%d %H:%M:%S UTC") if synced else Msg("team.synced_never")
        return ServerOffline(self.where, self._offline or "?", when)

    # --- the server coming and going ------------------------------------------------------------
    def _connect_new(self, application_name: str = "kameng-tui") -> Any:
        from kameng_tui.ledger.pg.connect import connect

        return connect(self.conninfo, password=self._password, busy_timeout_s=self.busy_timeout_s,
                       application_name=application_name)

    def _reconnect(self) -> bool:
        try:
            conn = self._connect_new()
        except KamengError as exc:
            self._offline = str(getattr(exc.msg, "params", {}).get("reason") or exc.text("en"))
            return False
        with self._lock:
            old, self._conn, self._offline = self._conn, conn, None
        try:
            old.close()
        except Exception:        # noqa: BLE001 - the old connection is broken already
            pass
        return True

    def _lost(self, exc: BaseException) -> bool:
        """Whether the store's connection is gone (then this terminal is offline until the
        listener or the next write reconnects)."""
        conn = self._conn
        if getattr(conn, "broken", False) or getattr(conn, "closed", False):
            self._offline = " ".join(str(exc).split())[:200] or type(exc).__name__
            return True
        return False

    def _on_state(self, online: bool, reason: str | None) -> None:
        self._listen_down = None if online else reason
        if online and self._offline is not None:
            self._reconnect()

    # --- keeping the mirror current -------------------------------------------------------------
    def _catch_up(self, conn: Any) -> None:
        writes = self._writes            # the writes committed before the head is read
        try:
            self.mirror.catch_up(conn, self.ledger_id, on_applied=self._applied)
        except MirrorDiverged as exc:
            log.warning("team mirror stopped: %s", exc.text("en"))
            return
        self._synced_writes = max(self._synced_writes, writes)

    def mirror_behind(self) -> bool:
        """This terminal committed writes its mirror has not taken in yet."""
        return self._synced_writes < self._writes

    def _applied(self, first: int, last: int) -> None:
        """Wake the face's feed for events that are not this terminal's own (as PgLedger's
        own commits do not wake it); forget own ranges the mirror has passed."""
        with self._own_lock:
            own = sum(max(0, min(hi, last) - max(lo, first) + 1) for lo, hi in self._own)
            self._own = [(lo, hi) for lo, hi in self._own if hi > last]
        if own < last - first + 1:
            self._moved.set()

    def _refresh(self) -> None:
        """Catch the mirror up on the store's own connection (reads while online)."""
        import psycopg

        if self._offline is not None or self.mirror.problem is not None:
            return
        with self._lock:
            try:
                self._catch_up(self._conn)
            except psycopg.Error as exc:
                self._lost(exc)

    def _wake(self, conn: Any) -> None:
        """The listener's catch-up, on its own connection, in its thread."""
        self._catch_up(conn)

    @contextmanager
    def _write(self, *, chained: bool = True) -> Iterator[tuple[Any, Any]]:
        if self._offline is not None or getattr(self._conn, "broken", False) or getattr(self._conn, "closed", False):
            if not self._reconnect():
                raise self._offline_error()
        mine: tuple[int, int] | None = None
        try:
            with super()._write(chained=chained) as (c, head):
                start = head.seq
                yield c, head
                if head.seq > start:      # known before COMMIT: the listener may see them first
                    mine = (start + 1, head.seq)
                    with self._own_lock:
                        self._own.append(mine)
        except BaseException:
            if mine is not None:
                with self._own_lock:
                    self._own.remove(mine)
            raise
        with self._own_lock:          # the engine writes from several threads
            self._writes += 1
        self._catch_up_own()

    def _catch_up_own(self) -> None:
        """Catch the mirror up with this terminal's own writes (when it has one, online)."""
        if self._offline is None and self.has_mirror() and self.mirror.problem is None:
            with self._lock:
                try:
                    self._catch_up(self._conn)
                except Exception as exc:      # noqa: BLE001 - the write is done; a read catches up later
                    log.warning("team mirror: %r", exc)

    # --- the change feed ------------------------------------------------------------------------
    def others_wrote(self) -> bool:
        """Whether the mirror took in others' events since the last call. The first call
        starts the live listener (an open face watches from then on)."""
        if self._listener is None:
            self._listener = ChangeListener(lambda: self._connect_new(APPLICATION), self._wake, self._on_state)
            self._listener.start()
            self._moved.clear()
            return False
        moved = self._moved.is_set()
        self._moved.clear()
        return moved

    def last_seq(self) -> int:
        """The server's head (one primary-key read; the face's feed starts from it while the
        listener catches the mirror up in its thread); offline, the mirror's."""
        if self._offline is None:
            try:
                return super().last_seq()
            except StorageError as exc:
                if not self._lost(exc) or not self.mirror_synced():
                    raise
        return self.mirror.last_seq() if self.mirror_synced() else 0

    def changes_since(self, seq: int, limit: int = 1000) -> list[Any]:
        """From the mirror, which the listener keeps current (the server's while the mirror
        is not there or stopped, or lacks this terminal's own last writes)."""
        if self._offline is None and (self._mirror is None or self._mirror.problem is not None
                                      or self.mirror_behind()):
            return super().changes_since(seq, limit)
        return self.mirror.db.changes_since(seq, limit)

    def _read(self, name: str, server_first: bool, args: tuple[Any, ...], kw: dict[str, Any]) -> Any:
        from kameng_tui.ledger.pg.store import PgLedger

        if self._offline is None and not server_first and not self.mirror_stopped():
            self._refresh()
        # online, a mirror whose catch-up failed lacks this terminal's own last writes: the
        # server answers (what failover and reconcile decide on must never miss an `unknown`)
        if self._offline is None and (server_first or self.mirror_stopped() or self.mirror_behind()):
            try:
                return getattr(PgLedger, name)(self, *args, **kw)
            except StorageError as exc:
                if not self._lost(exc) or not self.mirror_synced():
                    raise
        elif self._offline is not None and (not self.mirror_synced() or self.mirror_behind()):
            # offline, a mirror without this process's own last writes would show an order
            # it sent as never sent: assume nothing (a command lists them as unread)
            raise self._offline_error()
        return getattr(self.mirror.db, name)(*args, **kw)

    def mirror_stopped(self) -> bool:
        return self.has_mirror() and self.mirror.problem is not None

    def mirror_synced(self) -> bool:
        """This terminal has a mirror of this ledger to read from."""
        return self.has_mirror() and self.mirror.ledger_id is not None

    def stop_terminal(self) -> None:
        if self._listener is not None:
            self._listener.stop()
        if self.mirror_behind():
            self._catch_up_own()           # its own last writes, for review offline
        if self._mirror is not None:
            self._mirror.close()


def _reader(name: str, server_first: bool) -> Callable[..., Any]:
    def read(self: MirroredTerminal, *args: Any, **kw: Any) -> Any:
        return self._read(name, server_first, args, kw)

    read.__name__ = read.__qualname__ = name
    read.__doc__ = f"{name}: {'the server while reachable, else' if server_first else 'the caught-up'} mirror"
    return read


for _name in MIRROR_READS:
    setattr(MirroredTerminal, _name, _reader(_name, False))
for _name in SERVER_READS:
    setattr(MirroredTerminal, _name, _reader(_name, True))
