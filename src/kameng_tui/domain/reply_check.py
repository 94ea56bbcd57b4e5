"""What the supplier says, checked against what we asked (issue 14, point 4).

Create replies, query replies and webhooks all pass through `check_reply`, a pure
function: the services record each violation as an `anomaly` event (code + params,
never prose) and the order becomes a claim. The supplier's view is still recorded as
it was said: evidence is kept, never corrected by us.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any, Mapping, Protocol, Sequence

from kameng_tui.domain.models import Order
from kameng_tui.domain.money import fmt, money
from kameng_tui.domain.untrusted import REASON_MAX, clean_text
from kameng_tui.messages import Msg



class Reply(Protocol):
    """The supplier's view of one order, as `suppliers.base.OrderResult` holds it (the
    domain does not import the adapters' layer: this is the shape it reads)."""

    # Read-only properties: OrderResult is a frozen dataclass, and a protocol's plain
    # attributes would ask for settable ones.
    @property
    def state(self) -> Any: ...      # RemoteState: .value is not_found | processing | succeeded | failed
    @property
    def charged(self) -> Decimal | None: ...
    @property
    def refunded(self) -> Decimal: ...
    @property
    def delivered_qty(self) -> int: ...
    @property
    def cards(self) -> Sequence[object]: ...
    @property
    def raw(self) -> Mapping[str, Any]: ...


@dataclass(frozen=True)
class Asked:
    """What we asked the supplier for: the stored request's product, quantity and loss guard."""

    product_id: str
    quantity: int
    max_unit_cost: Decimal | None = None

    @property
    def limit(self) -> Decimal | None:
        """The most the supplier may charge for the whole order."""
        return None if self.max_unit_cost is None else money(self.max_unit_cost * self.quantity)

    @classmethod
    def from_order(cls, order: Order) -> "Asked":
        """From the stored canonical request (`PlaceRequest.to_json`): its max_unit_cost,
        else the quoted unit cost."""
        muc: Decimal | None = None
        try:
            raw = json.loads(order.request_json).get("max_unit_cost") if order.request_json else None
            muc = None if raw is None else Decimal(str(raw))
        except (ValueError, AttributeError, InvalidOperation):
            muc = None
        return cls(product_id=order.product_id, quantity=order.quantity,
                   max_unit_cost=muc if muc is not None else order.unit_cost)


@dataclass(frozen=True)
class Violation:
    """One way a reply contradicts the request: rendered through `anomaly.<code>`."""

    code: str
    params: Mapping[str, str | int] = field(default_factory=dict)

    @property
    def msg(self) -> Msg:
        return Msg(f"anomaly.{self.code}", **self.params)


def check_reply(asked: Asked, result: Reply) -> tuple[Violation, ...]:
    """Every violation in the supplier's view of one order (empty: nothing to report).

    charged <= quantity x max_unit_cost; 0 <= delivered_qty <= quantity; the same product
    and quantity (where the reply states them); cards <= quantity; refund <= charge;
    success with nothing delivered is a short delivery."""
    state = getattr(result.state, "value", result.state)
    if state == "not_found":
        return ()
    out: list[Violation] = []
    charged = None if result.charged is None else money(result.charged)
    limit = asked.limit
    if charged is not None and limit is not None and charged > limit:
        out.append(Violation("overcharged", {"charged": fmt(charged), "limit": fmt(limit)}))
    raw = result.raw or {}
    said_product = raw.get("product_id")
    if said_product is not None and str(said_product) != asked.product_id:
        out.append(Violation("other_product", {"said": clean_text(str(said_product), 64), "ordered": asked.product_id}))
    said_qty = raw.get("quantity")
    if isinstance(said_qty, int) and not isinstance(said_qty, bool) and said_qty != asked.quantity:
        out.append(Violation("other_quantity", {"said": said_qty, "ordered": asked.quantity}))
    delivered = result.delivered_qty
    if delivered < 0 or delivered > asked.quantity:
        out.append(Violation("delivered_out_of_range", {"delivered": delivered, "quantity": asked.quantity}))
    elif state == "succeeded" and delivered == 0 and not result.cards:
        out.append(Violation("nothing_delivered", {"quantity": asked.quantity}))
    if len(result.cards) > asked.quantity:
        out.append(Violation("extra_cards", {"came": len(result.cards), "ordered": asked.quantity}))
    refunded = money(result.refunded or 0)
    if refunded > 0 and refunded > (charged if charged is not None else Decimal("0")):
        out.append(Violation("refund_above_charge", {"refunded": fmt(refunded),
                                                     "charged": fmt(charged if charged is not None else Decimal("0"))}))
    return tuple(out)


def anomaly_body(code: str, params: Mapping[str, str | int], supplier_text: str | None = None) -> dict[str, Any]:
    """The body of an `anomaly` event (the shared contract): code, params and, only when
    the supplier sent some, its text cleaned and bounded as any reason is."""
    body: dict[str, Any] = {"code": code, "params": dict(params)}
    cleaned = clean_text(supplier_text or "", REASON_MAX)
    if cleaned:
        body["supplier_text"] = cleaned
    return body


def anomaly_msg(body: Mapping[str, Any]) -> Msg | None:
    """The catalog message of an anomaly event's body (None for a body of another shape)."""
    code = body.get("code") if isinstance(body, Mapping) else None
    if not isinstance(code, str):
        return None
    params = body.get("params")
    if not isinstance(params, Mapping):
        params = {}
    return Msg(f"anomaly.{code}", **{str(k): v for k, v in params.items()})
