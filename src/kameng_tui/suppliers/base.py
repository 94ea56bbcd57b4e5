"""The Supplier protocol every upstream adapter implements (async).

An adapter maps its upstream onto these values and onto the shared error set in
`kameng_tui.domain.errors`. The one rule that matters most: `place_order` must tell
"nothing was sent" (raise an error with `nothing_created`, or a `final` refusal)
from "may have been sent" (raise `OutcomeUnknown`). It never retries internally
once bytes may have left.

Optional, asked with isinstance (suppliers/factory.py `HasRefusals`): `refusals: int` and `last_refusal: Localized | None`,
a count (never reset) of refusals of our key id, secret or clock and the last one's
message. A batch compares the count before and after its lines and sends no further
line to a supplier whose count went up (services/batch.py).

Supplier text is untrusted: the services pass whatever an adapter returns through
`sanitize_page`, `sanitize_quote` and `sanitize_result` (domain/untrusted.py) before
it is stored or shown, so an adapter that forgets to clean its upstream's text
cannot put a terminal control sequence on a screen or into the ledger.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import Any, Mapping, Protocol, runtime_checkable

from kameng_tui.domain import untrusted as U
from kameng_tui.domain.models import Card, Product
from kameng_tui.messages import Localized, Msg


@dataclass(frozen=True)
class ConfigField:
    key: str
    label: Localized | str               # shown to people: a catalog Msg for built-ins
    secret: bool = False
    required: bool = True
    default: str | None = None


@dataclass(frozen=True)
class Capabilities:
    idempotent_create: bool = False     # same number again -> the first result, no second charge
    query_by_client_no: bool = True
    async_fulfilment: bool = True       # orders may sit in `processing`
    max_quantity: int = 1
    order_no_max_len: int = 32
    not_found_grace_s: int = 600        # after this, a not-found order becomes a claim
    max_concurrency: int = 8
    catalog_page_size: int = 500


@dataclass(frozen=True)
class SupplierInfo:
    name: str
    kind: str                            # demo | http | fulu | ...
    title: Localized | str               # shown to people: a catalog Msg for built-ins
    capabilities: Capabilities
    config_fields: tuple[ConfigField, ...] = ()


@dataclass(frozen=True)
class CatalogPage:
    items: tuple[Product, ...]
    next_cursor: str | None              # None = last page
    total: int | None = None


@dataclass(frozen=True)
class Quote:
    product: Product                     # fresh: cost, stock and sale status now
    unit_cost: Decimal
    quantity: int

    @property
    def total_cost(self) -> Decimal:
        return self.unit_cost * self.quantity


@dataclass(frozen=True)
class PlaceRequest:
    """What is sent to create an order. Serialized canonically and stored with the
    intent, so a permitted re-send is byte for byte the same request."""

    client_order_no: str
    product_id: str
    quantity: int
    account: Mapping[str, str]           # account fields by key (account, region, server ...)
    max_unit_cost: Decimal | None = None  # loss guard, sent where the upstream supports one

    def to_json(self) -> str:
        doc = {
            "client_order_no": self.client_order_no,
            "product_id": self.product_id,
            "quantity": self.quantity,
            "account": dict(sorted(self.account.items())),
            "max_unit_cost": None if self.max_unit_cost is None else f"{self.max_unit_cost:.4f}",
        }
        return json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str) -> "PlaceRequest":
        doc = json.loads(text)
        muc = doc.get("max_unit_cost")
        return cls(
            client_order_no=doc["client_order_no"],
            product_id=doc["product_id"],
            quantity=int(doc["quantity"]),
            account=dict(doc["account"]),
            max_unit_cost=None if muc is None else Decimal(muc),
        )


class RemoteState(str, Enum):
    NOT_FOUND = "not_found"
    PROCESSING = "processing"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


@dataclass(frozen=True)
class OrderResult:
    """The supplier's view of one order, from a create reply or a query."""

    client_order_no: str
    state: RemoteState
    supplier_order_no: str | None = None
    charged: Decimal | None = None       # what the supplier took (None = not stated)
    refunded: Decimal = Decimal("0")
    delivered_qty: int = 0
    cards: tuple[Card, ...] = ()
    reason: str | None = None            # verbatim failure reason
    raw: Mapping[str, Any] = field(default_factory=dict)
    altered_cards: tuple[tuple[int, str], ...] = ()
    """(card index, field) of each card field `sanitize_result` had to alter."""


def sanitize_page(page: CatalogPage) -> CatalogPage:
    """The page with every product's text cleaned; a product whose id is not clean is left out."""
    items = tuple(c for c in (U.clean_product(p) for p in page.items) if c is not None)
    return page if items == page.items else CatalogPage(items, page.next_cursor, page.total)


def sanitize_quote(quote: Quote, supplier: str) -> Quote:
    """The quote with its product's text cleaned; SupplierError when the product's id is
    not clean (the order would name an id the supplier did not mean)."""
    product = U.clean_product(quote.product)
    if product is None:
        from kameng_tui.domain.errors import SupplierError

        raise SupplierError(Msg("err.supplier.unclean_id", name=supplier))
    return quote if product is quote.product else Quote(product, quote.unit_cost, quote.quantity)


def sanitize_result(result: OrderResult) -> OrderResult:
    """The result with its reason, supplier order number and card fields cleaned and
    bounded; the card fields that had to be altered are named in `altered_cards`."""
    cards, altered = [], list(result.altered_cards)
    for i, card in enumerate(result.cards):
        cleaned, fields = U.clean_card(card)
        cards.append(cleaned)
        altered += [(i, f) for f in fields if (i, f) not in altered]
    from dataclasses import replace

    return replace(
        result, client_order_no=U.clean_text(result.client_order_no, U.NAME_MAX),
        supplier_order_no=U.clean_optional(result.supplier_order_no, U.NAME_MAX),
        reason=U.clean_optional(result.reason, U.REASON_MAX), cards=tuple(cards), altered_cards=tuple(altered))


@runtime_checkable
class Supplier(Protocol):
    """An upstream wholesaler. Instances are built by the registry from config."""

    name: str

    def describe(self) -> SupplierInfo: ...

    async def list_catalog(self, cursor: str | None = None) -> CatalogPage: ...

    async def quote(self, product_id: str, quantity: int = 1) -> Quote: ...

    async def balance(self) -> Decimal: ...

    async def place_order(self, request: PlaceRequest) -> OrderResult:
        """Create the order. Returns PROCESSING / SUCCEEDED / FAILED (final, with
        reason), or raises a SupplierError (final / nothing_created / OutcomeUnknown)."""
        ...

    async def query_order(self, client_order_no: str) -> OrderResult:
        """NOT_FOUND is a result, not an error."""
        ...

    async def aclose(self) -> None: ...
