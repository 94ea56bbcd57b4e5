"""The idempotency guards, checked inside the intent's write transaction (BEGIN
IMMEDIATE) and enforced by PRIMARY KEYs in tables written with the intents:

- `order_refs(ref PK, order_no, fingerprint)`: one root order per ref;
- `batch_keys(identity, repeat_no, batch_id, PK(identity, repeat_no))`: one run of a
  batch's lines per repeat number;
- the repeat window, through the `orders_sku_account` index.

Two processes doing the same thing at once serialize on the write lock: the second
sees the first's rows, or its INSERT hits the key. `backfill` fills the tables of a
ledger written before V4 from the earliest order or batch per key and lists the
duplicates it finds (guard_duplicates); it never refuses to open a ledger.
"""

from __future__ import annotations

import json
import sqlite3

from kameng_tui.domain.clock import utc_text
from kameng_tui.domain.errors import RefConflict, RefExists, RepeatBatch, RepeatBatchUnsettled, RepeatOrder
from kameng_tui.domain.idempotency import batch_identity_of, ref_fingerprint
from kameng_tui.ledger.values import NewBatch, NewOrder, RepeatGuard
from kameng_tui.messages import Msg

REPEAT_COUNTS = "state != 'cancelled' AND NOT (state = 'failed' AND charged <= refunded)"
UNSETTLED = "('pending', 'submitted', 'processing', 'unknown')"


def guard_batch(c: sqlite3.Connection, batch: NewBatch) -> int:
    """The repeat number this run of the batch takes; RepeatBatch if its lines ran
    before (without `again`), RepeatBatchUnsettled if that run is not settled yet."""
    r = c.execute("SELECT repeat_no, batch_id FROM batch_keys WHERE identity = ? ORDER BY repeat_no DESC LIMIT 1",
                  (batch.identity,)).fetchone()
    if r is None:
        return 0
    repeat_no, batch_id = r
    if not batch.again:
        raise RepeatBatch(Msg("err.batch.repeat", batch_id=batch_id), batch_id=batch_id, field="batch")
    open_lines = c.execute(f"SELECT COUNT(*) FROM orders WHERE batch_id = ? AND state IN {UNSETTLED}",
                           (batch_id,)).fetchone()[0]
    if open_lines:
        raise RepeatBatchUnsettled(Msg("err.batch.repeat_unsettled", batch_id=batch_id, n=open_lines),
                                   batch_id=batch_id, field="batch")
    return int(repeat_no) + 1


def record_batch_key(c: sqlite3.Connection, identity: str, repeat_no: int, batch_id: int) -> None:
    try:
        c.execute("INSERT INTO batch_keys (identity, repeat_no, batch_id) VALUES (?, ?, ?)", (identity, repeat_no, batch_id))
    except sqlite3.IntegrityError:           # unreachable under the write lock; the key says so anyway
        prior = c.execute("SELECT batch_id FROM batch_keys WHERE identity = ? AND repeat_no = ?",
                          (identity, repeat_no)).fetchone()[0]
        raise RepeatBatch(Msg("err.batch.repeat", batch_id=prior), batch_id=prior, field="batch") from None


def guard_ref(c: sqlite3.Connection, n: NewOrder) -> None:
    """Claim the ref for a root intent. Taken already: RefExists when the values are
    the same (the caller answers with the latest attempt under it), else RefConflict."""
    if not n.ref or n.attempt_of is not None:
        return
    fingerprint = n.fingerprint or ref_fingerprint(n.sku, n.account, n.quantity)
    cur = c.execute("INSERT INTO order_refs (ref, order_no, fingerprint) VALUES (?, ?, ?) ON CONFLICT (ref) DO NOTHING",
                    (n.ref, n.order_no, fingerprint))
    if cur.rowcount:
        return
    root, have = c.execute("SELECT order_no, fingerprint FROM order_refs WHERE ref = ?", (n.ref,)).fetchone()
    latest = c.execute("SELECT order_no FROM orders WHERE ref = ? ORDER BY seq DESC LIMIT 1", (n.ref,)).fetchone()
    order_no = latest[0] if latest else root
    if have == fingerprint:
        raise RefExists(Msg("err.ref.exists", ref=n.ref, order_no=order_no), order_no=order_no, field="ref",
                        line=n.line_id)
    raise RefConflict(Msg("err.ref.conflict", ref=n.ref, order_no=order_no), order_no=order_no, field="ref",
                      line=n.line_id)


REPEAT_SQL = ("SELECT order_no, account, state FROM orders WHERE sku = ? AND account_main = ? AND created_at >= ? "
              f"AND {REPEAT_COUNTS} ORDER BY created_at DESC")
"""Served by the orders_sku_account index, in its order (no sort)."""


def guard_repeat(c: sqlite3.Connection, n: NewOrder, repeat: RepeatGuard, since_text: str | None = None) -> None:
    """RepeatOrder if the same SKU (or another SKU of its product: `repeat_skus`) went to
    the same account (every field) within the window: in the ledger, or on an earlier
    intent of this same transaction."""
    main = n.account.get("account", "")
    want = dict(n.account)
    since = since_text or utc_text(repeat.since)
    for sku, (order_no, account, state) in ((s, r) for s in (n.sku, *n.repeat_skus)
                                            for r in c.execute(REPEAT_SQL, (s, main, since)).fetchall()):
        if _fields(account) == want:
            raise RepeatOrder(Msg("err.checkout.repeat", window=repeat.window_s, account=main, sku=sku,
                                  order_no=order_no, state=state), previous=order_no, field="account", line=n.line_id)


def _fields(account: str) -> dict[str, str]:
    """An order's account fields as stored; a row that is not JSON (edited by hand) still
    gets a key of its own, so the migration never fails on it."""
    try:
        value = json.loads(account)
    except ValueError:
        return {"": str(account)}
    return value if isinstance(value, dict) else {"": str(account)}


def backfill(c: sqlite3.Connection) -> None:
    """Fill the guard tables of a ledger written before V4 (inside the migration's
    transaction): the earliest root order per ref and the batches in order of their
    ids; every later one under the same key goes into guard_duplicates."""
    for ref, order_no, sku, account, quantity in c.execute(
            "SELECT ref, order_no, sku, account, quantity FROM orders WHERE ref IS NOT NULL AND attempt_of IS NULL "
            "ORDER BY seq").fetchall():
        fp = ref_fingerprint(sku, _fields(account), quantity)
        cur = c.execute("INSERT INTO order_refs (ref, order_no, fingerprint) VALUES (?, ?, ?) ON CONFLICT (ref) DO NOTHING",
                        (ref, order_no, fp))
        if not cur.rowcount:
            kept = c.execute("SELECT order_no FROM order_refs WHERE ref = ?", (ref,)).fetchone()[0]
            c.execute("INSERT OR IGNORE INTO guard_duplicates (kind, key, kept, duplicate) VALUES ('ref', ?, ?, ?)",
                      (ref, kept, order_no))
    lines: dict[int, list[tuple[str, dict[str, str], int]]] = {}
    for batch_id, sku, account, quantity in c.execute(
            "SELECT batch_id, sku, account, quantity FROM orders WHERE batch_id IS NOT NULL ORDER BY batch_id, line_id"):
        lines.setdefault(batch_id, []).append((sku, _fields(account), quantity))
    for (batch_id,) in c.execute("SELECT batch_id FROM batches ORDER BY batch_id").fetchall():
        identity = batch_identity_of(lines.get(batch_id, []))
        r = c.execute("SELECT MAX(repeat_no) FROM batch_keys WHERE identity = ?", (identity,)).fetchone()
        repeat_no = 0 if r[0] is None else r[0] + 1
        c.execute("INSERT INTO batch_keys (identity, repeat_no, batch_id) VALUES (?, ?, ?)", (identity, repeat_no, batch_id))
        if repeat_no:
            kept = c.execute("SELECT batch_id FROM batch_keys WHERE identity = ? AND repeat_no = 0",
                             (identity,)).fetchone()[0]
            c.execute("INSERT OR IGNORE INTO guard_duplicates (kind, key, kept, duplicate) VALUES ('batch', ?, ?, ?)",
                      (identity, str(kept), str(batch_id)))
