"""What the reseller charges a customer, from what the supplier charges us.

Default: the face value where the product has one and it covers the cost (话费 100
元 sells for 100 元), otherwise cost plus `[pricing] markup`, rounded to 0.01. A
config written by a first start says instead `use_face_value = false` and
`cap_at_face_value = true`: cost plus the markup, never above the face value, one
formula for every product (config_starter.py); a config without them keeps the above.
A markup rule (`[[pricing.rules]]`, by category and customer level, see
domain/markup.py) replaces the default where it matches; it prices by its own markup,
never above the face value (a VIP never pays more than a walk-in customer for a
话费 top-up), and sells at the face value outright if it says `use_face_value = true`.
An explicit price (`--price`, a batch `price` column) always wins.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Iterable, Mapping

from kameng_tui.domain.markup import MarkupRule, level_of, pick_rule
from kameng_tui.domain.models import Product
from kameng_tui.domain.money import price


def sale_price(product: Product, unit_cost: Decimal, markup: Decimal, use_face_value: bool = True) -> Decimal:
    if use_face_value and product.face_value is not None and product.face_value >= unit_cost:
        return price(product.face_value)
    return price(unit_cost * (Decimal(1) + markup))


@dataclass(frozen=True)
class Priced:
    price: Decimal
    rule: MarkupRule | None           # None = the `[pricing]` default
    face_value: bool                  # the price is the face value


def price_with(rules: Iterable[MarkupRule], default_markup: Decimal, default_face: bool, product: Product,
               unit_cost: Decimal, level: str, *, default_cap: bool = False) -> Priced:
    """The sale price under an explicit rule set: the preview prices with the rule
    being edited before it is saved, checkout with the saved ones. `default_cap`: the
    default, like every rule, never prices above a face value that covers the cost
    (`[pricing] cap_at_face_value`; off in a config that does not say it, as before)."""
    rule = pick_rule(rules, product.category_path, level)
    markup, face = (rule.markup, rule.use_face_value) if rule else (default_markup, default_face)
    value = sale_price(product, unit_cost, markup, face)
    covers = product.face_value is not None and product.face_value >= unit_cost
    if (rule is not None or default_cap) and covers and value > price(product.face_value):
        value = price(product.face_value)
    return Priced(value, rule, covers and value == price(product.face_value))


def priced(config: Any, product: Product, unit_cost: Decimal, customer: str | None = None) -> Priced:
    """The sale price under the configured rules, for this customer's level."""
    p = config.pricing
    customers: Mapping[str, str] = getattr(config, "customers", {}) or {}
    return price_with(p.rules, p.markup, p.use_face_value, product, unit_cost, level_of(customers, customer),
                      default_cap=p.cap_at_face_value)


def price_for(config: Any, product: Product, unit_cost: Decimal, customer: str | None = None) -> Decimal:
    return priced(config, product, unit_cost, customer).price
