"""The idempotency guards of ledger/guards.py on the team ledger, checked inside the
intent's write transaction after the head row's lock (so every earlier commit is seen:
READ COMMITTED reads what was committed before each statement) and enforced by the same
PRIMARY KEYs. Same errors, same messages, same answers as the SQLite store."""

from __future__ import annotations

from typing import Any

from kameng_tui.domain.clock import utc_text
from kameng_tui.domain.errors import RefConflict, RefExists, RepeatBatch, RepeatBatchUnsettled, RepeatOrder
from kameng_tui.domain.idempotency import ref_fingerprint
from kameng_tui.ledger.guards import REPEAT_COUNTS, UNSETTLED, _fields
from kameng_tui.ledger.values import NewBatch, NewOrder, RepeatGuard
from kameng_tui.messages import Msg


def guard_batch(c: Any, batch: NewBatch) -> int:
    r = c.execute("SELECT repeat_no, batch_id FROM batch_keys WHERE identity = %s ORDER BY repeat_no DESC LIMIT 1",
                  (batch.identity,)).fetchone()
    if r is None:
        return 0
    repeat_no, batch_id = int(r[0]), int(r[1])
    if not batch.again:
        raise RepeatBatch(Msg("err.batch.repeat", batch_id=batch_id), batch_id=batch_id, field="batch")
    open_lines = int(c.execute(f"SELECT COUNT(*) FROM orders WHERE batch_id = %s AND state IN {UNSETTLED}",
                               (batch_id,)).fetchone()[0])
    if open_lines:
        raise RepeatBatchUnsettled(Msg("err.batch.repeat_unsettled", batch_id=batch_id, n=open_lines),
                                   batch_id=batch_id, field="batch")
    return repeat_no + 1


def record_batch_key(c: Any, identity: str, repeat_no: int, batch_id: int) -> None:
    cur = c.execute("INSERT INTO batch_keys (identity, repeat_no, batch_id) VALUES (%s, %s, %s) "
                    "ON CONFLICT DO NOTHING", (identity, repeat_no, batch_id))
    if not cur.rowcount:              # unreachable under the head lock; the key says so anyway
        prior = int(c.execute("SELECT batch_id FROM batch_keys WHERE identity = %s AND repeat_no = %s",
                              (identity, repeat_no)).fetchone()[0])
        raise RepeatBatch(Msg("err.batch.repeat", batch_id=prior), batch_id=prior, field="batch")


def guard_ref(c: Any, n: NewOrder) -> None:
    if not n.ref or n.attempt_of is not None:
        return
    fingerprint = n.fingerprint or ref_fingerprint(n.sku, n.account, n.quantity)
    cur = c.execute("INSERT INTO order_refs (ref, order_no, fingerprint) VALUES (%s, %s, %s) "
                    "ON CONFLICT (ref) DO NOTHING", (n.ref, n.order_no, fingerprint))
    if cur.rowcount:
        return
    root, have = c.execute("SELECT order_no, fingerprint FROM order_refs WHERE ref = %s", (n.ref,)).fetchone()
    latest = c.execute("SELECT order_no FROM orders WHERE ref = %s ORDER BY seq DESC LIMIT 1", (n.ref,)).fetchone()
    order_no = latest[0] if latest else root
    if have == fingerprint:
        raise RefExists(Msg("err.ref.exists", ref=n.ref, order_no=order_no), order_no=order_no, field="ref",
                        line=n.line_id)
    raise RefConflict(Msg("err.ref.conflict", ref=n.ref, order_no=order_no), order_no=order_no, field="ref",
                      line=n.line_id)


REPEAT_SQL = ("SELECT order_no, account, state FROM orders WHERE sku = %s AND account_main = %s AND created_at >= %s "
              f"AND {REPEAT_COUNTS} ORDER BY created_at DESC")


def guard_repeat(c: Any, n: NewOrder, repeat: RepeatGuard, since_text: str | None = None) -> None:
    main = n.account.get("account", "")
    want = dict(n.account)
    since = since_text or utc_text(repeat.since)
    for sku, (order_no, account, state) in ((s, r) for s in (n.sku, *n.repeat_skus)
                                            for r in c.execute(REPEAT_SQL, (s, main, since)).fetchall()):
        if _fields(account) == want:
            raise RepeatOrder(Msg("err.checkout.repeat", window=repeat.window_s, account=main, sku=sku,
                                  order_no=order_no, state=state), previous=order_no, field="account", line=n.line_id)
