"""One order as asked for (OrderInput) and as checked and freshly quoted (Prepared): the
values the checkout use case (services/checkout_flow.py) and its steps
(services/checkout.py) pass between them."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Mapping

from kameng_tui.domain.accounts import CarrierMismatch
from kameng_tui.domain.errors import RepeatOrder
from kameng_tui.domain.models import Product
from kameng_tui.domain.offer_choice import Choice
from kameng_tui.domain.money import money


@dataclass(frozen=True)
class OrderInput:
    sku: str
    fields: Mapping[str, str]                 # account, region, server, ... by key
    quantity: int = 1
    ref: str | None = None
    customer: str | None = None
    note: str | None = None
    price: Decimal | None = None              # sale unit price; default from pricing
    seen_unit_cost: Decimal | None = None     # what the reseller saw before ordering
    again: bool = False                       # allow a repeat of (sku, account)
    attempt_of: str | None = None
    line_no: int | None = None
    allow_loss: bool = False                  # an explicit price below cost is meant (never implied by --yes)


@dataclass(frozen=True)
class Prepared:
    """A validated, freshly quoted order, not yet recorded."""

    input: OrderInput
    product: Product
    unit_cost: Decimal
    unit_price: Decimal
    account: Mapping[str, str]                # plain fields
    sealed: Mapping[str, str]                 # fields to encrypt (address)
    hints: tuple[str, ...] = ()
    mismatches: tuple[CarrierMismatch, ...] = ()     # numbers of another carrier: the order's only warnings
    choice: Choice | None = None              # the offer chosen by the policy (issue 18); None: a SKU as before
    product_key: str | None = None            # `@` + the matched product id: what the ref fingerprint keys on
    repeat: RepeatOrder | None = field(default=None, compare=False, repr=False)
    """The repeat window's early answer, when asked for (`prepare(early_repeat=True)`):
    read in the same trip off the event loop as the balance check's unsettled sum."""

    @property
    def quantity(self) -> int:
        return self.input.quantity

    @property
    def total_cost(self) -> Decimal:
        return money(self.unit_cost * self.quantity)

    @property
    def total_price(self) -> Decimal:
        return money(self.unit_price * self.quantity)

    @property
    def profit(self) -> Decimal:
        return self.total_price - self.total_cost
