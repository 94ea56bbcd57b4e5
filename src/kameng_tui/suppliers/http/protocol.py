"""The open kameng supplier protocol (docs/supplier-protocol.md): signing, canonical
JSON, the wire form of products and orders, and the error-code table.

Shared by the HTTP adapter, the reference server and the conformance checker, so the
three cannot drift apart. Standard library only (hmac, hashlib, json).

String to sign, lines joined with "\\n":

    request:  KM1-REQ, METHOD, /path, canonical query, timestamp, nonce, sha256hex(body)
    reply:    KM1-REP, status, request nonce, timestamp, nonce, sha256hex(body)
    webhook:  KM1-HOOK, timestamp, nonce, sha256hex(body)

signature = hex HMAC-SHA256(secret, string to sign). A reply is bound to the request
it answers by the request nonce, so an old reply cannot be replayed as a new one.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import time
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from email.message import Message
from typing import Any, Mapping
from urllib.parse import parse_qsl, quote

from kameng_tui.domain.errors import (
    AuthFailed, BadAccount, ClockSkew, DuplicateOrderNo, InsufficientBalance, OffShelf, OutcomeUnknown, OutOfStock,
    PriceChanged, RateLimited, SupplierError,
)
from kameng_tui.domain.models import AccountField, Delivery, Product, Rule, SaleStatus

VERSION = "1"
PREFIX = "/v1"
WINDOW_S = 300                    # replay window: |client - server| <= 300 s; nonces kept as long
H_KEY, H_TS, H_NONCE, H_SIG = "X-KM-Key-Id", "X-KM-Timestamp", "X-KM-Nonce", "X-KM-Signature"
Q4 = Decimal("0.0001")
ORDER_STATES = ("processing", "succeeded", "failed")


class WireError(ValueError):
    """A document that does not follow the protocol (wrong type, missing field, float money)."""


# --- canonical JSON and signing -------------------------------------------------------------


def canonical(doc: Any) -> bytes:
    """Sorted keys, no spaces, UTF-8 without escaping: the bytes two parties agree on."""
    return json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"),
                      allow_nan=False).encode("utf-8")


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def canonical_query(query: str | Mapping[str, str] | None) -> str:
    if not query:
        return ""
    pairs = parse_qsl(query, keep_blank_values=True) if isinstance(query, str) else list(query.items())
    return "&".join(f"{quote(str(k), safe='')}={quote(str(v), safe='')}" for k, v in sorted(pairs))


def _mac(secret: str, text: str) -> str:
    return hmac.new(secret.encode("utf-8"), text.encode("utf-8"), hashlib.sha256).hexdigest()


def request_text(method: str, path: str, query: str, ts: str, nonce: str, body: bytes) -> str:
    return "\n".join(("KM1-REQ", method.upper(), path, canonical_query(query), ts, nonce, body_hash(body)))


def reply_text(status: int, request_nonce: str, ts: str, nonce: str, body: bytes) -> str:
    return "\n".join(("KM1-REP", str(status), request_nonce, ts, nonce, body_hash(body)))


def hook_text(ts: str, nonce: str, body: bytes) -> str:
    return "\n".join(("KM1-HOOK", ts, nonce, body_hash(body)))


def new_nonce() -> str:
    return os.urandom(16).hex()


def sign_request(key_id: str, secret: str, method: str, path: str, query: str, body: bytes,
                 *, now: float | None = None, nonce: str | None = None) -> dict[str, str]:
    ts = str(int(time.time() if now is None else now))
    nonce = nonce or new_nonce()
    return {H_KEY: key_id, H_TS: ts, H_NONCE: nonce,
            H_SIG: _mac(secret, request_text(method, path, query, ts, nonce, body))}


def sign_reply(secret: str, status: int, request_nonce: str, body: bytes, *, now: float | None = None) -> dict[str, str]:
    ts = str(int(time.time() if now is None else now))
    nonce = new_nonce()
    return {H_TS: ts, H_NONCE: nonce, H_SIG: _mac(secret, reply_text(status, request_nonce, ts, nonce, body))}


def sign_hook(key_id: str, secret: str, body: bytes, *, now: float | None = None) -> dict[str, str]:
    ts = str(int(time.time() if now is None else now))
    nonce = new_nonce()
    return {H_KEY: key_id, H_TS: ts, H_NONCE: nonce, H_SIG: _mac(secret, hook_text(ts, nonce, body))}


def header(headers: Mapping[str, str] | Message, name: str) -> str:
    """A header by name, whatever its case (http.server and httpx differ). Their
    header types look up case-insensitively, so the scan is for plain dicts only."""
    value = headers.get(name)
    if value is not None:
        return value
    lower = name.lower()
    for k, v in headers.items():
        if k.lower() == lower:
            return v
    return ""


def check_request(secret: str, headers: Mapping[str, str], method: str, path: str, query: str, body: bytes) -> bool:
    sig = header(headers, H_SIG)
    text = request_text(method, path, query, header(headers, H_TS), header(headers, H_NONCE), body)
    return bool(sig) and hmac.compare_digest(sig, _mac(secret, text))


def check_reply(secret: str, headers: Mapping[str, str], status: int, request_nonce: str, body: bytes) -> bool:
    sig = header(headers, H_SIG)
    text = reply_text(status, request_nonce, header(headers, H_TS), header(headers, H_NONCE), body)
    return bool(sig) and hmac.compare_digest(sig, _mac(secret, text))


def check_hook(secret: str, headers: Mapping[str, str], body: bytes, *, now: float | None = None) -> bool:
    sig = header(headers, H_SIG)
    ts = header(headers, H_TS)
    if not sig or not ts.isdigit():
        return False
    if abs((time.time() if now is None else now) - int(ts)) > WINDOW_S:
        return False
    return hmac.compare_digest(sig, _mac(secret, hook_text(ts, header(headers, H_NONCE), body)))


# --- money and wire values ---------------------------------------------------------------------


def money_out(value: Decimal) -> str:
    return f"{value.quantize(Q4):f}"


def money_in(value: Any, what: str) -> Decimal:
    """Amounts travel as decimal strings with at most 4 places; a float is refused."""
    if not isinstance(value, str):
        raise WireError(f"{what}: amount must be a decimal string, got {type(value).__name__}")
    try:
        d = Decimal(value)
    except InvalidOperation:
        raise WireError(f"{what}: not an amount: {value[:40]!r}") from None
    if not d.is_finite() or d < 0 or d >= Decimal("1e12") or d != d.quantize(Q4):
        raise WireError(f"{what}: not an amount: {value[:40]!r}")
    return d.quantize(Q4)


def _str(doc: Mapping[str, Any], key: str, *, optional: bool = False, max_len: int = 200) -> str | None:
    v = doc.get(key)
    if v is None and optional:
        return None
    if not isinstance(v, str) or len(v) > max_len:
        raise WireError(f"{key}: expected a string")
    return v


def _int(doc: Mapping[str, Any], key: str, *, optional: bool = False, default: int | None = None) -> int | None:
    v = doc.get(key, default)
    if v is None and optional:
        return None
    if isinstance(v, bool) or not isinstance(v, int):
        raise WireError(f"{key}: expected an integer")
    return v


def product_out(p: Product) -> dict[str, Any]:
    return {
        "product_id": p.product_id, "name": p.name, "category": list(p.category), "delivery": p.delivery.value,
        "unit_cost": money_out(p.unit_cost),
        "face_value": None if p.face_value is None else money_out(p.face_value),
        "stock": p.stock, "stock_alarm": p.stock_alarm, "sale_status": p.sale_status.value,
        "min_qty": p.min_qty, "max_qty": p.max_qty, "sales_rank": p.sales_rank,
        "attributes": [[k, v] for k, v in p.attributes],
        "tiers": [[q, money_out(c)] for q, c in p.tiers],
        "account_fields": [{"key": f.key, "label": f.label, "rule": f.rule.value, "required": f.required,
                            "options": list(f.options), "depends_on": f.depends_on,
                            "option_tree": {k: list(v) for k, v in f.option_tree.items()}}
                           for f in p.account_fields],
    }


def product_in(supplier: str, doc: Any) -> Product:
    if not isinstance(doc, dict):
        raise WireError("product: expected an object")
    try:
        pid = _str(doc, "product_id", max_len=64)
        assert pid is not None
        fields = []
        for f in doc.get("account_fields") or []:
            if not isinstance(f, dict):
                raise WireError("account_fields: expected objects")
            tree = f.get("option_tree") or {}
            fields.append(AccountField(
                key=str(f["key"]), label=str(f.get("label") or f["key"]), rule=Rule(f.get("rule", "text")),
                required=bool(f.get("required", True)), options=tuple(str(o) for o in f.get("options") or ()),
                depends_on=f.get("depends_on"), option_tree={str(k): tuple(map(str, v)) for k, v in tree.items()}))
        face = doc.get("face_value")
        stock = doc.get("stock")
        if stock is not None and (isinstance(stock, bool) or not isinstance(stock, int)):
            raise WireError("stock: expected an integer or null")
        return Product(
            sku=f"{supplier}:{pid}", supplier=supplier, product_id=pid, name=str(_str(doc, "name")),
            category=tuple(str(c) for c in doc.get("category") or ()), delivery=Delivery(doc["delivery"]),
            unit_cost=money_in(doc.get("unit_cost"), "unit_cost"),
            face_value=None if face is None else money_in(face, "face_value"),
            stock=stock, stock_alarm=bool(doc.get("stock_alarm", False)),
            sale_status=SaleStatus(doc.get("sale_status", "on")), account_fields=tuple(fields),
            attributes=tuple((str(k), str(v)) for k, v in doc.get("attributes") or ()),
            min_qty=int(_int(doc, "min_qty", default=1) or 1), max_qty=int(_int(doc, "max_qty", default=1) or 1),
            sales_rank=_int(doc, "sales_rank", optional=True),
            tiers=tuple((int(q), money_in(c, "tiers")) for q, c in doc.get("tiers") or ()),
        )
    except WireError:
        raise
    except (KeyError, ValueError, TypeError) as exc:
        raise WireError(f"product: {type(exc).__name__}: {str(exc)[:80]}") from None


@dataclass(frozen=True)
class WireOrder:
    """An order as the supplier reports it (create reply, query, list, webhook)."""

    client_order_no: str
    state: str                    # processing | succeeded | failed
    supplier_order_no: str
    product_id: str
    quantity: int
    charged: Decimal
    refunded: Decimal
    delivered_qty: int
    cards: tuple[tuple[str, str, str | None], ...]   # (number, password, expires)
    reason: str | None
    created_at: int
    updated_seq: int


def order_in(doc: Any) -> WireOrder:
    if not isinstance(doc, dict):
        raise WireError("order: expected an object")
    state = doc.get("state")
    if state not in ORDER_STATES:
        raise WireError(f"order.state: unknown state {str(state)[:20]!r}")
    cards = []
    for c in doc.get("cards") or []:
        if not isinstance(c, dict) or not isinstance(c.get("password"), str):
            raise WireError("order.cards: expected {number, password, expires}")
        cards.append((str(c.get("number") or ""), c["password"], c.get("expires")))
    no = _str(doc, "client_order_no", max_len=64)
    assert no is not None
    return WireOrder(
        client_order_no=no, state=state, supplier_order_no=str(_str(doc, "supplier_order_no", max_len=64)),
        product_id=str(_str(doc, "product_id", max_len=64)), quantity=int(_int(doc, "quantity") or 0),
        charged=money_in(doc.get("charged"), "charged"), refunded=money_in(doc.get("refunded", "0.0000"), "refunded"),
        delivered_qty=int(_int(doc, "delivered_qty", default=0) or 0), cards=tuple(cards),
        reason=_str(doc, "reason", optional=True, max_len=500), created_at=int(_int(doc, "created_at", default=0) or 0),
        updated_seq=int(_int(doc, "updated_seq", default=0) or 0),
    )


# --- the error-code table --------------------------------------------------------------------------

ERRORS: dict[str, tuple[int, type[SupplierError]]] = {
    # code: (HTTP status, shared error). Codes marked "before the order is read" never create one.
    "bad_request": (400, BadAccount),            # the body is not a valid order; nothing created
    "auth_failed": (401, AuthFailed),            # unknown key id or bad signature (before the order is read)
    "clock_skew": (401, ClockSkew),              # timestamp outside the window (before); carries server_time
    "nonce_reused": (401, AuthFailed),           # replay within the window (before)
    "insufficient_balance": (402, InsufficientBalance),
    "not_found": (404, SupplierError),           # query: a result, not an error
    "duplicate_order_no": (409, DuplicateOrderNo),  # same number, different body
    "off_shelf": (410, OffShelf),
    "out_of_stock": (410, OutOfStock),
    "price_changed": (412, PriceChanged),
    "bad_account": (422, BadAccount),
    "rate_limited": (429, RateLimited),          # before; Retry-After seconds
    "internal": (500, OutcomeUnknown),
}
BEFORE_READ = frozenset({"auth_failed", "clock_skew", "nonce_reused", "rate_limited"})
NOTHING_CREATED = frozenset({"off_shelf", "out_of_stock", "insufficient_balance", "price_changed"})
"""Refusals of a create after which the supplier holds no order (the protocol: checked
before the order is written) and another offer may be tried: failover's declaration."""


def error_body(code: str, message: str, **extra: Any) -> bytes:
    return canonical({"error": {"code": code, "message": message, **extra}})
