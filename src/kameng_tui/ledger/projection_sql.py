"""The projection rebuilt by SQLite from the events, for `ledger verify`.

The same rules as `chain.apply`, as one aggregation over the events in C: Python
replaying 100,000 events costs seconds, this costs a fraction. "Last non-null value"
is `max(zero-padded seq || value)`, so one GROUP BY pass computes every column.
A test checks it against `chain.project` on random histories.
"""

from __future__ import annotations

from kameng_tui.ledger.chain import ROW_COLUMNS, STATE_KINDS

_STATES = ", ".join(f"'{k}'" for k in sorted(STATE_KINDS))
_SETTLED = "'succeeded', 'failed', 'cancelled', 'refunded'"


def _units(expr: str) -> str:
    return f"CAST(replace({expr}, '.', '') AS INTEGER)"


def _last(field: str) -> str:
    """The last non-null `$.field` among state events, as text."""
    return (f"substr(max(CASE WHEN kind IN ({_STATES}) AND json_extract(body, '$.{field}') IS NOT NULL "
            f"THEN printf('%012d', seq) || json_extract(body, '$.{field}') END), 13)")


REBUILT = f"""
WITH agg AS (
    SELECT order_no,
        max(CASE WHEN kind = 'created' THEN body END) AS cbody,
        max(CASE WHEN kind = 'created' THEN at END) AS cat,
        substr(max(CASE WHEN kind IN ({_STATES}) THEN printf('%012d', seq) || kind END), 13) AS state,
        substr(max(CASE WHEN kind IN ({_STATES}) THEN printf('%012d', seq) || at END), 13) AS state_at,
        {_last('charged')} AS charged,
        {_last('refunded')} AS refunded,
        {_last('supplier_order_no')} AS supplier_order_no,
        {_last('reason')} AS reason,
        {_last('delivered_qty')} AS delivered_qty,
        min(CASE WHEN kind = 'submitted' THEN at END) AS submitted_at,
        max(CASE WHEN kind IN ({_STATES}) OR kind = 'customer_refund' THEN at END) AS touched_at,
        sum(CASE WHEN kind = 'customer_refund' THEN {_units("json_extract(body, '$.amount')")} ELSE 0 END) AS cref,
        max(kind = 'succeeded') AS succeeded
    FROM events WHERE order_no IS NOT NULL GROUP BY order_no
), rows AS (
    SELECT order_no,
        json_extract(cbody, '$.sku') AS sku, json_extract(cbody, '$.supplier') AS supplier,
        json_extract(cbody, '$.product_id') AS product_id, json_extract(cbody, '$.product_name') AS product_name,
        json_extract(cbody, '$.category') AS category, json_extract(cbody, '$.delivery') AS delivery,
        json_extract(cbody, '$.quantity') AS quantity, json_extract(cbody, '$.account') AS account,
        COALESCE(json_extract(cbody, '$.account.account'), '') AS account_main,
        COALESCE(state, 'pending') AS state,
        {_units("json_extract(cbody, '$.unit_cost')")} AS unit_cost,
        {_units("json_extract(cbody, '$.unit_cost')")} * json_extract(cbody, '$.quantity') AS total_cost,
        {_units("json_extract(cbody, '$.unit_price')")} AS unit_price,
        {_units("json_extract(cbody, '$.unit_price')")} * json_extract(cbody, '$.quantity') AS total_price,
        COALESCE({_units('charged')}, 0) AS charged, COALESCE({_units('refunded')}, 0) AS refunded,
        cref AS customer_refunded,
        CASE WHEN succeeded THEN {_units("json_extract(cbody, '$.unit_price')")} * json_extract(cbody, '$.quantity')
             ELSE 0 END - cref AS revenue,
        json_extract(cbody, '$.ref') AS ref, json_extract(cbody, '$.customer') AS customer,
        json_extract(cbody, '$.note') AS note, json_extract(cbody, '$.batch_id') AS batch_id,
        json_extract(cbody, '$.line_id') AS line_id, json_extract(cbody, '$.attempt_of') AS attempt_of,
        supplier_order_no, reason, cat AS created_at, COALESCE(touched_at, cat) AS updated_at, submitted_at,
        CASE WHEN state IN ({_SETTLED}) THEN state_at END AS settled_at,
        COALESCE(CAST(delivered_qty AS INTEGER), 0) AS delivered_qty,
        json_extract(cbody, '$.request_json') AS request_json
    FROM agg WHERE cbody IS NOT NULL
)
SELECT r.*, r.revenue - (r.charged - r.refunded) AS profit FROM rows r
"""

def diff_sql() -> str:
    """Orders whose row differs from the rebuilt one (first differing column and both
    values), rows without a creating event, and created orders missing from `orders`."""
    cols = [c for c in ROW_COLUMNS if c != "order_no"]
    which = " ".join(f"WHEN o.{c} IS NOT r.{c} THEN '{c}'" for c in cols)
    values = " ".join(f"WHEN o.{c} IS NOT r.{c} THEN quote(o.{c}) || ' / ' || quote(r.{c})" for c in cols)
    differs = " OR ".join(f"o.{c} IS NOT r.{c}" for c in cols)
    return f"""
    WITH r AS MATERIALIZED ({REBUILT})
    SELECT r.order_no, CASE WHEN o.order_no IS NULL THEN 'events_only' ELSE 'differs' END,
           CASE {which} END, CASE {values} END
    FROM r LEFT JOIN orders o ON o.order_no = r.order_no
    WHERE o.order_no IS NULL OR {differs}
    UNION ALL
    SELECT order_no, 'orders_only', NULL, NULL FROM orders
    WHERE order_no NOT IN (SELECT order_no FROM events WHERE kind = 'created')
    LIMIT 60
    """


CHAIN_SQL = """
SELECT e.seq, e.kind, e.order_no,
    e.seq - COALESCE((SELECT max(p.seq) FROM events p WHERE p.seq < e.seq), 0) AS gap,
    e.prev_hash IS NOT COALESCE((SELECT p.hash FROM events p WHERE p.seq < e.seq ORDER BY p.seq DESC LIMIT 1),
                                :genesis) AS badlink,
    e.hash IS NOT km_event_hash(e.prev_hash || char(31) || e.seq || char(31) || e.at || char(31) || e.kind
                                || char(31) || COALESCE(e.order_no, '') || char(31) || e.body) AS badhash
FROM events e
WHERE gap != 1 OR badlink OR badhash
LIMIT 60
"""
"""Chain breaks found inside SQLite; the hash itself is `chain.event_hash`'s, by a
registered function (sqlite has no sha256), so Python touches only the hashing."""
