"""What a reply of a protocol-v1 server is to the HTTP adapter, and how its parts are read:
the reply itself, the two ways it can fail to be trusted, its error code and Retry-After,
and an order on the wire as the shared OrderResult. Kept apart from the adapter, whose
file holds the safety rules of sending."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Mapping

from kameng_tui.domain.models import Card, SecretText
from kameng_tui.suppliers.base import OrderResult, RemoteState
from kameng_tui.suppliers.http import protocol as P


@dataclass(frozen=True)
class Reply:
    status: int
    doc: Any
    headers: Mapping[str, str]
    sent_ts: int = 0            # our X-KM-Timestamp: the clock the server judged


class KeyUnknown(Exception):
    """Internal: the server's unsigned `401 auth_failed`, over a transport that vouches
    for the server: it does not know our key id; rejected before anything was read."""


class Unsure(Exception):
    """Internal: the reply can't be trusted or read (for a create: outcome unknown).
    `refused`: it looked like a refusal of our credentials we can't verify."""

    def __init__(self, why: str, status: int | None = None, refused: bool = False) -> None:
        super().__init__(why)
        self.why = why
        self.status = status
        self.refused = refused


def to_result(o: P.WireOrder) -> OrderResult:
    return OrderResult(
        client_order_no=o.client_order_no, state=RemoteState(o.state), supplier_order_no=o.supplier_order_no,
        charged=o.charged, refunded=o.refunded, delivered_qty=o.delivered_qty,
        cards=tuple(Card(number=n, password=SecretText(pw), expires=exp) for n, pw, exp in o.cards),
        reason=o.reason, raw={"updated_seq": o.updated_seq, "created_at": o.created_at, "product_id": o.product_id,
                              "quantity": o.quantity},
    )


def error_code(raw: bytes) -> str:
    """The protocol error code of a reply body, or "" (not JSON, not an error document)."""
    try:
        doc = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return ""
    err = doc.get("error") if isinstance(doc, dict) else None
    code = err.get("code") if isinstance(err, dict) else None
    return code if isinstance(code, str) else ""


def retry_after(headers: Mapping[str, str]) -> float | None:
    raw = headers.get("Retry-After") if hasattr(headers, "get") else None
    try:
        value = float(raw) if raw is not None else None
    except ValueError:
        return None
    return None if value is None or value < 0 or value != value else min(value, 60.0)
