"""What the reseller charges a customer, from what the supplier charges us.

Default: the face value where the product has one and it covers the cost (话费 100
元 sells for 100 元), otherwise cost plus `[pricing] markup`, rounded to 0.01.
An explicit price (`--price`, a batch `price` column) always wins.
"""

from __future__ import annotations

from decimal import Decimal

from kameng_tui.domain.models import Product
from kameng_tui.domain.money import price


def sale_price(product: Product, unit_cost: Decimal, markup: Decimal, use_face_value: bool = True) -> Decimal:
    if use_face_value and product.face_value is not None and product.face_value >= unit_cost:
        return price(product.face_value)
    return price(unit_cost * (Decimal(1) + markup))
