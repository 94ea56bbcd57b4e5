"""SQL rows <-> domain values (orders, events, totals)."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from datetime import datetime
from typing import Any, Callable, Mapping, Sequence

from kameng_tui.domain.clock import from_utc_text
from kameng_tui.domain.history import Event, Totals
from kameng_tui.domain.models import Delivery, Order
from kameng_tui.domain.money import fmt, from_units, money
from kameng_tui.domain.states import OrderState
from kameng_tui.ledger.values import NewOrder, Transition


def chain_hash(blob: bytes) -> str:
    return hashlib.sha256(blob).hexdigest()


def created_body(n: NewOrder, batch_id: int | None) -> dict[str, object]:
    """The `created` event's body: what the chain hashes for a new order (sealed fields
    by the hash of their ciphertext); `offer` (the choice and why) only when the
    policy chose, so an order of a SKU keeps the body it always had. One definition
    for both stores."""
    body: dict[str, object] = {
        "order_no": n.order_no, "sku": n.sku, "supplier": n.supplier, "product_id": n.product_id,
        "product_name": n.product_name, "category": n.category, "delivery": n.delivery.value,
        "quantity": n.quantity, "account": dict(n.account), "unit_cost": fmt(n.unit_cost, 4),
        "unit_price": fmt(n.unit_price, 4), "ref": n.ref, "customer": n.customer, "note": n.note,
        "batch_id": batch_id if batch_id is not None else n.batch_id, "line_id": n.line_id, "attempt_of": n.attempt_of,
        "request_json": n.request_json,
        "sealed": {k: chain_hash(v) for k, v in sorted(n.sealed.items())},
    }
    if n.offer is not None:
        body["offer"] = dict(n.offer)
    return body


def transition_body(expected: OrderState, new: OrderState, change: Transition) -> dict[str, object]:
    """A state change's event body: what the chain hashes for it (cards by the hash of
    their ciphertext). One definition for both stores."""
    body: dict[str, object] = {"from": expected.value, "state": new.value}
    for key in ("charged", "refunded"):
        value = getattr(change, key)
        if value is not None:
            body[key] = fmt(money(value), 4)
    for key in ("supplier_order_no", "reason", "delivered_qty"):
        value = getattr(change, key)
        if value is not None:
            body[key] = value
    if change.cards:
        body["cards"] = [{"index": k.index, "number": chain_hash(k.number_blob),
                          "password": chain_hash(k.password_blob)} for k in change.cards]
    return body


def to_totals(r: Sequence[Any]) -> Totals:
    return Totals(orders=r[0] or 0, succeeded=r[1] or 0, failed=r[2] or 0, in_flight=r[3] or 0,
                  revenue=from_units(r[4]), cost=from_units(r[5]), charged=from_units(r[6]), refunded=from_units(r[7]),
                  profit=from_units(r[8]))


def to_event(r: tuple[Any, ...]) -> Event:
    return Event(seq=r[0], order_no=r[1], kind=r[2], at=from_utc_text(r[3]), body=json.loads(r[4]), prev_hash=r[5], hash=r[6])


def to_order(r: Mapping[str, Any], yuan: Callable[[Any], Decimal] = from_units) -> Order:
    """An orders row as an Order; `yuan` turns its money columns into Decimal yuan
    (integer units here; PostgreSQL's NUMERIC reads pass their own)."""
    def t(v: str | None) -> datetime | None:
        return None if v is None else from_utc_text(v)

    return Order(
        order_no=r["order_no"], sku=r["sku"], supplier=r["supplier"], product_id=r["product_id"],
        product_name=r["product_name"], category=r["category"], delivery=Delivery(r["delivery"]), quantity=r["quantity"],
        account=json.loads(r["account"]), state=OrderState(r["state"]),
        unit_cost=yuan(r["unit_cost"]), total_cost=yuan(r["total_cost"]),
        unit_price=yuan(r["unit_price"]), total_price=yuan(r["total_price"]),
        charged=yuan(r["charged"]), refunded=yuan(r["refunded"]),
        customer_refunded=yuan(r["customer_refunded"]), revenue=yuan(r["revenue"]),
        created_at=from_utc_text(r["created_at"]), updated_at=from_utc_text(r["updated_at"]),
        ref=r["ref"], customer=r["customer"], note=r["note"], batch_id=r["batch_id"], line_id=r["line_id"],
        attempt_of=r["attempt_of"], supplier_order_no=r["supplier_order_no"], reason=r["reason"],
        submitted_at=t(r["submitted_at"]), settled_at=t(r["settled_at"]), delivered_qty=r["delivered_qty"],
        request_json=r["request_json"],
    )
