"""Moving a shop (issue 20): one local SQLite ledger copied onto an empty team ledger,
`kameng-tui ledger migrate --to URL`.

The team ledger then holds the very same chain: every event with its seq, time, body,
prev_hash and hash as the local file holds them (chain.py's hash is the one definition,
so `ledger verify` passes on both), and the orders, batches, cards, sealed fields and
guards (refs, batch keys, attempts, match links) the events stand for.

- Events go over in batches (COPY), each batch one transaction that locks the head row,
  checks the server's chain still ends where the copy left it and moves it: an
  interrupted copy (SIGKILL, a lost server) holds a prefix of the local chain, and the
  next run resumes after it. Each local event is checked before it is sent (seq + 1,
  prev_hash, the hash recomputed): a broken local chain is never copied.
- The projection and the side tables go over last, in one transaction, after the whole
  chain: the orders rows are rebuilt from the events (verify's SQL projection), never
  copied from a table that may have been edited by hand.
- A database whose chain is not a prefix of this one is refused and left as it is: one
  with another ledger id (another shop), or with the same id and another chain. An empty
  team ledger adopts the local ledger id. Merging a second shop is out of scope.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from kameng_tui.domain.errors import KamengError, LedgerTampered
from kameng_tui.ledger import chain, projection_sql
from kameng_tui.ledger.moved import MOVED_KIND
from kameng_tui.ledger.pg.schema import MONEY_COLUMNS
from kameng_tui.ledger.sqlite import SqliteLedger
from kameng_tui.messages import Msg

BATCH = 5_000
"""Events per COPY transaction: bounded memory, and an interrupted copy loses at most one."""
DONE_KEY = "migrated_from"
"""Team meta: the local ledger id whose side tables went over (the last step is done)."""

_EVENT_COLS = ("seq", "order_no", "kind", "at", "body", "prev_hash", "hash")
_SIDE_TABLES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("batches", ("batch_id", "identity", "source", "line_count", "created_at")),
    ("order_secrets", ("order_no", "key", "blob")),
    ("cards", ("order_no", "idx", "number_blob", "password_blob", "expires")),
    ("order_refs", ("ref", "order_no", "fingerprint")),
    ("batch_keys", ("identity", "repeat_no", "batch_id")),
    ("guard_duplicates", ("kind", "key", "kept", "duplicate")),
    ("order_attempts", ("attempt_of", "order_no")),
    ("offer_links", ("sku", "target", "at")),
)


class MigrateRefused(KamengError):
    """The team database holds a chain this local ledger's does not extend: another
    shop's ledger (`other_ledger`) or another chain under the same id (`other_chain`).
    Nothing was copied."""

    code = "migrate_refused"
    exit_code = 2

    def __init__(self, reason: str, *, where: str, team_seq: int) -> None:
        super().__init__(Msg(f"err.migrate.{reason}", where=where, seq=team_seq), field="to")
        self.reason, self.where, self.team_seq = reason, where, team_seq


class LocalChainBroken(LedgerTampered):
    """The local chain does not verify at `seq`: it is not copied (run `ledger verify`)."""

    code = "chain_broken"

    def __init__(self, seq: int) -> None:
        super().__init__(Msg("err.migrate.local_broken", seq=seq))
        self.seq = seq


@dataclass(frozen=True)
class Copied:
    """What the copy left on the team ledger."""

    ledger_id: str
    seq: int                 # the team chain's end (= the local chain's, before `migrated`)
    hash: str
    copied: int              # events sent by this run
    resumed: bool            # the team ledger held part of the chain already
    orders: int


def _local_end(local: SqliteLedger) -> tuple[int, str, bool]:
    """(seq, hash) of the last event to copy, and whether the local ledger is moved already
    (its last event is `migrated`: the chain before it is what was copied)."""
    with local.reading() as c:
        rows = c.execute("SELECT seq, hash, kind FROM events ORDER BY seq DESC LIMIT 2").fetchall()
    if not rows:
        return 0, chain.GENESIS, False
    if rows[0][2] == MOVED_KIND:
        return (int(rows[1][0]), str(rows[1][1]), True) if len(rows) > 1 else (0, chain.GENESIS, True)
    return int(rows[0][0]), str(rows[0][1]), False


def _hash_at(local: SqliteLedger, seq: int) -> str | None:
    if seq == 0:
        return chain.GENESIS
    with local.reading() as c:
        r = c.execute("SELECT hash FROM events WHERE seq = ?", (seq,)).fetchone()
    return None if r is None else str(r[0])


def _lock_head(conn: Any) -> tuple[int, str]:
    r = conn.execute("SELECT seq, hash FROM chain_head WHERE id = 1 FOR UPDATE").fetchone()
    return int(r[0]), str(r[1])


def copy_ledger(local: SqliteLedger, conn: Any, *, where: str, batch: int = BATCH,
                after_batch: Callable[[int], None] | None = None) -> Copied:
    """Copy (or resume copying) `local` onto the team ledger of `conn` (psycopg, autocommit,
    a login in kameng_owner). `after_batch(seq)` runs after each committed batch (the crash
    point of the tests)."""
    tampered = local.anchor_problem()
    if tampered is not None:
        raise tampered            # a local chain that lost its anchored end is evidence, never moved (exit 4)
    end_seq, _, _ = _local_end(local)
    ledger_id = local.ledger_id
    with conn.transaction():
        head_seq, head_hash = _lock_head(conn)
        team_id = str(conn.execute("SELECT value FROM meta WHERE key = 'ledger_id'").fetchone()[0])
        if head_seq == 0:
            if conn.execute("SELECT EXISTS (SELECT 1 FROM orders)").fetchone()[0]:
                raise MigrateRefused("other_chain", where=where, team_seq=head_seq)
            if team_id != ledger_id:
                conn.execute("UPDATE meta SET value = %s WHERE key = 'ledger_id'", (ledger_id,))
        elif team_id != ledger_id:
            raise MigrateRefused("other_ledger", where=where, team_seq=head_seq)
        elif head_seq > end_seq or _hash_at(local, head_seq) != head_hash:
            raise MigrateRefused("other_chain", where=where, team_seq=head_seq)
    resumed, copied = head_seq > 0, 0
    seq, h = head_seq, head_hash
    while seq < end_seq:
        with local.reading() as c:
            events = c.execute(f"SELECT {', '.join(_EVENT_COLS)} FROM events WHERE seq > ? AND seq <= ? "
                               "ORDER BY seq LIMIT ?", (seq, end_seq, batch)).fetchall()
        first = seq
        for e in events:
            if int(e[0]) != seq + 1 or e[5] != h or chain.event_hash(e[5], int(e[0]), e[3], e[2], e[1], e[4]) != e[6]:
                raise LocalChainBroken(seq + 1)
            seq, h = int(e[0]), str(e[6])
        with conn.transaction():
            if _lock_head(conn) != (first, events[0][5]):
                raise MigrateRefused("other_chain", where=where, team_seq=first)
            with conn.cursor().copy(f"COPY events ({', '.join(_EVENT_COLS)}) FROM STDIN") as cp:
                for e in events:
                    cp.write_row(e)
            conn.execute("UPDATE chain_head SET seq = %s, hash = %s, at = %s WHERE id = 1", (seq, h, events[-1][3]))
        copied += len(events)
        if after_batch is not None:
            after_batch(seq)
    orders = _finish(local, conn, ledger_id, where=where, seq=seq)
    return Copied(ledger_id, seq, h, copied, resumed, orders)


def _finish(local: SqliteLedger, conn: Any, ledger_id: str, *, where: str, seq: int) -> int:
    """The projection and the side tables, in one transaction (none of it, or all of it:
    DONE_KEY marks it done for a rerun). The number of orders on the team ledger."""
    with conn.transaction():
        if _lock_head(conn)[0] != seq:
            raise MigrateRefused("other_chain", where=where, team_seq=seq)
        done = conn.execute("SELECT value FROM meta WHERE key = %s", (DONE_KEY,)).fetchone()
        if done is None:
            _copy_orders(local, conn)
            for table, cols in _SIDE_TABLES:
                with local.reading() as c:
                    rows = c.execute(f"SELECT {', '.join(cols)} FROM {table}").fetchall()
                if rows:
                    with conn.cursor().copy(f"COPY {table} ({', '.join(cols)}) FROM STDIN") as cp:
                        for r in rows:
                            cp.write_row(r)
            conn.execute("INSERT INTO meta (key, value) VALUES (%s, %s)", (DONE_KEY, ledger_id))
        return int(conn.execute("SELECT count(*) FROM orders").fetchone()[0])


def _yuan_sql(col: str) -> str:
    """Integer units as NUMERIC text ('-12.3400'), by SQLite's integer arithmetic: exact,
    and no Decimal per cell in Python."""
    return (f"(CASE WHEN {col} < 0 THEN '-' ELSE '' END || (abs({col}) / 10000) || '.' || "
            f"substr('0000' || (abs({col}) % 10000), -4))")


def _search_sql() -> str:
    """mirror.search_text in SQL: the non-empty words joined by one space."""
    parts = ["r.order_no", "r.product_name", "r.sku",
             "(SELECT group_concat(value, ' ') FROM json_each(r.account) WHERE value <> '')",
             "r.ref", "r.customer", "r.note"]
    words = " || ".join(f"COALESCE(NULLIF({p}, '') || ' ', '')" for p in parts)
    return f"rtrim({words}, ' ')"


def _copy_orders(local: SqliteLedger, conn: Any) -> None:
    cols = chain.ROW_COLUMNS
    picked = ", ".join(_yuan_sql(f"r.{k}") if k in MONEY_COLUMNS else f"r.{k}" for k in cols)
    sql = (f"SELECT e.seq, {picked}, {_search_sql()} FROM ({projection_sql.rebuilt()}) r "
           "JOIN events e ON e.order_no = r.order_no AND e.kind = 'created' ORDER BY e.seq")
    with local.reading() as c:
        rows = c.execute(sql).fetchall()
    with conn.cursor().copy(f"COPY orders (seq, {', '.join(cols)}, search) FROM STDIN") as cp:
        for r in rows:
            cp.write_row(r)


def move_shop(local: SqliteLedger, conninfo: str, *, password: str | None, at: Any, batch: int = BATCH,
              after_batch: Callable[[int], None] | None = None) -> Copied:
    """The whole move: the copy (or its resumption), then the local ledger's chained
    `migrated` event (once), naming the team ledger by host/db. The config is the
    caller's to switch."""
    import psycopg

    from kameng_tui.ledger.pg.connect import connect, pg_failure, where_of

    where = where_of(conninfo)
    conn = connect(conninfo, password=password, application_name="kameng-tui ledger migrate")
    try:
        done = copy_ledger(local, conn, where=where, batch=batch, after_batch=after_batch)
    except psycopg.Error as exc:
        typed = pg_failure(exc, where)
        if typed is not None:
            raise typed from None
        raise
    finally:
        conn.close()
    if not _local_end(local)[2]:
        local.record(None, MOVED_KIND, {"to": where, "ledger_id": done.ledger_id, "seq": done.seq,
                                        "hash": done.hash}, at=at)
    return done
