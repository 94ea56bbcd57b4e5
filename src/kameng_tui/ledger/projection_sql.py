"""The projection rebuilt by SQLite from the events, for `ledger verify`.

The same rules as `chain.apply`, as one aggregation over the events in C: Python
replaying 100,000 events costs seconds, this costs a fraction. "Last non-null value"
is `max(zero-padded seq || value)`, so one GROUP BY pass computes every column.
A test checks it against `chain.project` on random histories.

Two passes. The fast one is two queries that only say which orders *may* differ:
`created_diff` compares each creating event with its orders row, and `later_diff`
compares each orders row with what the later events make of it. `diff_sql()` then
names the columns, for those orders only.
"""

from __future__ import annotations

from kameng_tui.ledger.chain import ROW_COLUMNS, STATE_KINDS

_STATES = ", ".join(f"'{k}'" for k in sorted(STATE_KINDS))
_SETTLED = "'succeeded', 'failed', 'cancelled', 'refunded'"


def _units(expr: str) -> str:
    return f"CAST(replace({expr}, '.', '') AS INTEGER)"


def _later(is_state: str) -> str:
    """What the events after the creating one make of an order: its columns as
    aggregates. `is_state` tells a state event from the others in the rows aggregated
    ("last non-null" is `max(zero-padded seq || value)`; `x || NULL` is NULL, which
    max() skips; seq + 10^11 is a fixed-width 12-digit prefix)."""
    def last(expr: str) -> str:
        return f"substr(max(CASE WHEN {is_state} THEN (seq + 100000000000) || {expr} END), 13)"

    def field(name: str) -> str:
        return last(f"json_extract(body, '$.{name}')")

    return f"""
        {last('kind')} AS state, {last('at')} AS state_at,
        {field('charged')} AS charged, {field('refunded')} AS refunded,
        {field('supplier_order_no')} AS supplier_order_no, {field('reason')} AS reason,
        {field('delivered_qty')} AS delivered_qty,
        min(CASE WHEN kind = 'submitted' THEN at END) AS submitted_at,
        max(CASE WHEN {is_state} OR kind = 'customer_refund' THEN at END) AS touched_at,
        sum(CASE WHEN kind = 'customer_refund' THEN {_units("json_extract(body, '$.amount')")} ELSE 0 END) AS cref,
        max(kind = 'succeeded') AS succeeded"""


_LATER = _later(f"kind IN ({_STATES})")


def rebuilt(where: str = "") -> str:
    return f"""
WITH agg AS (
    SELECT order_no,
        max(CASE WHEN kind = 'created' THEN body END) AS cbody,
        max(CASE WHEN kind = 'created' THEN at END) AS cat,{_LATER}
    FROM events WHERE order_no IS NOT NULL {where} GROUP BY order_no
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
    """Of the orders named in the JSON array parameter `:only`: each column whose value in
    the row differs from the rebuilt one (a row per column, with both values), and the
    orders created but missing from `orders`. Orders rows without a creating event:
    ORDERS_ONLY_SQL. Every edited column is named, not only the first."""
    where = "AND order_no IN (SELECT value FROM json_each(:only))"
    cols = [c for c in ROW_COLUMNS if c != "order_no"]
    names = ", ".join(f"({i}, '{c}')" for i, c in enumerate(cols))
    differs = " ".join(f"WHEN '{c}' THEN o.{c} IS NOT r.{c}" for c in cols)
    values = " ".join(f"WHEN '{c}' THEN quote(o.{c}) || ' / ' || quote(r.{c})" for c in cols)
    return f"""
    WITH r AS MATERIALIZED ({rebuilt(where)}), cols(i, name) AS (VALUES {names})
    SELECT order_no, what, name, vals FROM (
        SELECT r.order_no, 'events_only' AS what, NULL AS name, NULL AS vals, -1 AS i
        FROM r LEFT JOIN orders o ON o.order_no = r.order_no WHERE o.order_no IS NULL
        UNION ALL
        SELECT r.order_no, 'differs', cols.name, CASE cols.name {values} END, cols.i
        FROM r JOIN orders o ON o.order_no = r.order_no JOIN cols
        WHERE CASE cols.name {differs} END)
    ORDER BY order_no, i
    LIMIT 60
    """

_CREATED = ("sku", "supplier", "product_id", "product_name", "category", "delivery", "quantity", "account", "ref",
            "customer", "note", "batch_id", "line_id", "attempt_of", "request_json", "unit_cost", "unit_price")
"""The creating event's fields that are orders columns (the derived ones are checked
from these: total_cost = unit_cost x quantity, and so on)."""


def _orders_side(column: str) -> str:
    if column == "account":
        return "json(o.account)"
    if column in ("unit_cost", "unit_price"):
        return f"printf('%d.%04d', o.{column} / 10000, o.{column} % 10000)"
    return f"o.{column}"


_BODY = ("json_object(" + ", ".join(f"'{k}', {v}" for k, v in (
    ("account", "json(o.account)"), ("attempt_of", "o.attempt_of"), ("batch_id", "o.batch_id"),
    ("category", "o.category"), ("customer", "o.customer"), ("delivery", "o.delivery"), ("line_id", "o.line_id"),
    ("note", "o.note"), ("order_no", "o.order_no"), ("product_id", "o.product_id"),
    ("product_name", "o.product_name"), ("quantity", "o.quantity"), ("ref", "o.ref"),
    ("request_json", "o.request_json"), ("sealed", "json('{}')"), ("sku", "o.sku"), ("supplier", "o.supplier"),
    ("unit_cost", _orders_side("unit_cost")), ("unit_price", _orders_side("unit_price")))) + ")")
"""The creating event's body as the live writer makes it (`chain.canonical`: sorted keys,
compact), rebuilt from the orders row; for an order without sealed fields. Building
it is cheaper than parsing the body, so when the two texts are equal nothing is parsed."""


def _part(column: str, part: str) -> str:
    """`part` is "<" or ">=": the orders numbered below or from `:mid`, so two
    processes can share the work; "" is all of them."""
    return f"AND {column} {part} :mid" if part else ""


def created_diff(part: str = "") -> str:
    """Orders whose creating event and row may differ: (order_no, has an orders row).
    The creating events are scanned without grouping (one per order; verify checks
    that by counting). CASE, not AND/OR, where a branch should be skipped: SQLite
    evaluates both sides of AND and OR inside an expression."""
    return f"""
SELECT e.order_no, o.order_no IS NOT NULL
FROM events e LEFT JOIN orders o ON o.order_no = e.order_no
WHERE e.kind = 'created' {_part("e.order_no", part)} AND (o.order_no IS NULL OR o.created_at IS NOT e.at OR NOT CASE
    WHEN NOT json_valid(o.account) OR o.account != json(o.account)
        OR o.account_main IS NOT COALESCE(json_extract(o.account, '$.account'), '') THEN 0
    WHEN e.body = {_BODY} THEN 1
    ELSE json_extract(e.body, {", ".join(f"'$.{k}'" for k in _CREATED)})
            = json_array({", ".join(_orders_side(k) for k in _CREATED)})
        AND o.unit_cost >= 0 AND o.unit_price >= 0 END)
"""


def later_diff(part: str = "") -> str:
    """Orders whose derived columns may differ from their creating columns and later
    events: (order_no, 1). Reads each row once, and the events after the creating one;
    no JSON of the row (an edited account may not parse: `created_diff` flags that)."""
    return f"""
WITH s AS MATERIALIZED (
    SELECT order_no, {_later("kind != 'customer_refund'")}
    FROM events WHERE order_no IS NOT NULL {_part("order_no", part)}
        AND (kind IN ({_STATES}) OR kind = 'customer_refund')
    GROUP BY order_no
)
SELECT o.order_no, 1 FROM orders o LEFT JOIN s ON s.order_no = o.order_no
WHERE 1 {_part("o.order_no", part)} AND NOT (
    o.total_cost IS o.unit_cost * o.quantity AND o.total_price IS o.unit_price * o.quantity
    AND o.state IS COALESCE(s.state, 'pending')
    AND o.charged IS COALESCE({_units('s.charged')}, 0) AND o.refunded IS COALESCE({_units('s.refunded')}, 0)
    AND o.customer_refunded IS COALESCE(s.cref, 0)
    AND o.revenue IS CASE WHEN s.succeeded THEN o.total_price ELSE 0 END - COALESCE(s.cref, 0)
    AND o.profit IS o.revenue - (o.charged - o.refunded)
    AND o.supplier_order_no IS s.supplier_order_no AND o.reason IS s.reason
    AND o.updated_at IS COALESCE(s.touched_at, o.created_at)
    AND o.submitted_at IS s.submitted_at
    AND o.settled_at IS CASE WHEN s.state IN ({_SETTLED}) THEN s.state_at END
    AND o.delivered_qty IS COALESCE(CAST(s.delivered_qty AS INTEGER), 0))
"""


MIDDLE = "SELECT order_no FROM orders ORDER BY order_no LIMIT 1 OFFSET (SELECT count(*) / 2 FROM orders)"

CREATING_EVENTS = "SELECT count(*) FROM events WHERE kind = 'created'"
"""When orders + created-but-missing equals the creating events, no orders row lacks
one and no order was created twice; otherwise the two queries below say which."""

ORDERS_ONLY_SQL = "SELECT order_no, 'orders_only', NULL, NULL FROM orders " \
                  "WHERE order_no NOT IN (SELECT order_no FROM events WHERE kind = 'created') LIMIT 60"
TWICE_SQL = "SELECT order_no, 'twice', NULL, NULL FROM events WHERE kind = 'created' " \
            "GROUP BY order_no HAVING count(*) > 1 LIMIT 60"


