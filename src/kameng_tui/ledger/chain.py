"""The hash chain and the projection, as pure functions of the events.

hash(seq) = sha256(0x01 || prev_hash, seq, at, kind, order_no, body joined by 0x1f),
the body being sorted-key compact UTF-8 JSON with NFC strings; amounts are strings.
The `orders` row of an order is `project(events)`: the live writer and `ledger
verify` run the same function, so a row that differs from it was edited by hand.
Both are normative here: verify's faster SQL forms (`MESSAGE_SQL`, projection_sql.py)
are tested against these functions.
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from typing import Any, Iterable, Mapping

from kameng_tui.domain.money import money, to_units
from kameng_tui.domain.states import SETTLED, OrderState

VERSION_BYTE = b"\x01"
GENESIS = "0" * 64


def canonical_body(body: Mapping[str, Any]) -> str:
    """Sorted-key compact JSON, NFC-normalized (one pass over the text: JSON's own
    punctuation is ASCII, so normalizing the whole text normalizes every string)."""
    return canonical(body)[0]


def canonical(body: Mapping[str, Any]) -> tuple[str, bool]:
    """(canonical text, whether normalization changed it)."""
    text = json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    if text.isascii() or unicodedata.is_normalized("NFC", text):
        return text, False
    return unicodedata.normalize("NFC", text), True


HASHED = ("prev_hash", "seq", "at", "kind", "order_no", "body")
"""The event's fields in its hashed message, in order, joined by the unit separator:
seq, at, kind and order_no have fixed alphabets that never contain it, and the
free-form body comes last. The one definition of the message: `event_message` makes
it in Python, `MESSAGE_SQL` in SQLite (tested to agree on every kind of event)."""


def event_message(prev_hash: str, seq: int, at: str, kind: str, order_no: str | None, body_text: str) -> bytes:
    return VERSION_BYTE + "\x1f".join((prev_hash, str(seq), at, kind, order_no or "", body_text)).encode("utf-8")


def event_hash(prev_hash: str, seq: int, at: str, kind: str, order_no: str | None, body_text: str) -> str:
    """What the appender stores as an event's hash, and what verify recomputes."""
    return hashlib.sha256(event_message(prev_hash, seq, at, kind, order_no, body_text)).hexdigest()


MESSAGE_SQL = ("CAST(char(1) || " + " || char(31) || ".join("COALESCE(order_no, '')" if f == "order_no" else f
                                                             for f in HASHED) + " AS BLOB)")
"""`event_message` of each row of `events`, concatenated by SQLite (verify's fast pass:
Python only hashes and compares). An integer seq concatenates as its decimal text."""


STATE_KINDS = frozenset(s.value for s in OrderState)
"""A state change is an event named after the new state."""
ROW_COLUMNS = ("order_no", "sku", "supplier", "product_id", "product_name", "category", "delivery", "quantity",
               "account", "account_main", "state", "unit_cost", "total_cost", "unit_price", "total_price", "charged",
               "refunded", "customer_refunded", "revenue", "profit", "ref", "customer", "note", "batch_id", "line_id",
               "attempt_of", "supplier_order_no", "reason", "created_at", "updated_at", "submitted_at", "settled_at",
               "delivered_qty", "request_json")


def u(amount: str | None) -> int:
    """Units from an amount string; the ledger writes 4 places, parsed without Decimal."""
    if amount is None:
        return 0
    head, dot, tail = amount.partition(".")
    if dot and len(tail) == 4 and tail.isdigit() and head.lstrip("-").isdigit():
        units = int(head) * 10_000 + (int(tail) if not head.startswith("-") else -int(tail))
        return units
    return to_units(money(amount))


def apply(row: dict[str, Any] | None, kind: str, at: str, body: Mapping[str, Any]) -> dict[str, Any] | None:
    """The orders row after one event (None = the event does not touch a row)."""
    if kind == "created":
        total_cost = u(body["unit_cost"]) * body["quantity"]
        return {
            "order_no": body["order_no"], "sku": body["sku"], "supplier": body["supplier"],
            "product_id": body["product_id"], "product_name": body["product_name"], "category": body["category"],
            "delivery": body["delivery"], "quantity": body["quantity"],
            "account": json.dumps(body["account"], ensure_ascii=False, sort_keys=True, separators=(",", ":")),
            "account_main": body["account"].get("account", ""), "state": "pending",
            "unit_cost": u(body["unit_cost"]), "total_cost": total_cost, "unit_price": u(body["unit_price"]),
            "total_price": u(body["unit_price"]) * body["quantity"], "charged": 0, "refunded": 0,
            "customer_refunded": 0, "revenue": 0, "profit": 0,
            "ref": body.get("ref"), "customer": body.get("customer"), "note": body.get("note"),
            "batch_id": body.get("batch_id"), "line_id": body.get("line_id"), "attempt_of": body.get("attempt_of"),
            "supplier_order_no": None, "reason": None, "created_at": at, "updated_at": at,
            "submitted_at": None, "settled_at": None, "delivered_qty": 0, "request_json": body["request_json"],
        }
    if row is None:
        return None
    row = dict(row)
    if kind in STATE_KINDS:
        new = body["state"]
        row["state"] = new
        row["updated_at"] = at
        for key in ("charged", "refunded"):
            if body.get(key) is not None:
                row[key] = u(body[key])
        if body.get("supplier_order_no") is not None:
            row["supplier_order_no"] = body["supplier_order_no"]
        reason = body.get("reason")
        if reason is not None:
            # a reason as data (domain/reasons.py) is kept as its canonical JSON text: what
            # SQLite's json_extract gives for it, so projection_sql rebuilds the same column
            row["reason"] = canonical_body(reason) if isinstance(reason, Mapping) else reason
        if body.get("delivered_qty") is not None:
            row["delivered_qty"] = body["delivered_qty"]
        if new == "submitted" and row["submitted_at"] is None:
            row["submitted_at"] = at
        if new == "succeeded":
            row["revenue"] = row["total_price"] - row["customer_refunded"]
        if OrderState(new) in SETTLED:
            row["settled_at"] = at
        elif new == "pending":
            row["settled_at"] = None
    elif kind == "customer_refund":
        row["customer_refunded"] += u(body["amount"])
        row["revenue"] -= u(body["amount"])
        row["updated_at"] = at
    else:
        return row
    row["profit"] = row["revenue"] - (row["charged"] - row["refunded"])
    return row


def project(events: Iterable[tuple[str, str, str, str]]) -> dict[str, dict[str, Any]]:
    """{order_no: row} from (order_no, kind, at, body_text) in seq order."""
    rows: dict[str, dict[str, Any]] = {}
    for order_no, kind, at, body_text in events:
        if order_no is None:
            continue
        body = json.loads(body_text)
        new = apply(rows.get(order_no), kind, at, body)
        if new is not None:
            rows[order_no] = new
    return rows
