"""Money is Decimal, never float.

Costs carry 4 places (upstream costs do); sale prices are rounded to 0.01 with
ROUND_HALF_UP. The ledger stores integer ten-thousandths of a yuan ("units") so SQL
sums are exact and fast; these helpers are the only door between the two forms.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, DecimalException, InvalidOperation

from kameng_tui.messages import Msg

COST_Q = Decimal("0.0001")
PRICE_Q = Decimal("0.01")
UNITS_PER_YUAN = 10_000
ZERO = Decimal("0.0000")


class MoneyError(ValueError):
    """A value that cannot be an amount of money (float, NaN, garbage text)."""


def money(value: object) -> Decimal:
    """Parse an amount into a Decimal quantized to 0.0001 yuan.

    Accepts Decimal, int and numeric strings; refuses float (binary rounding would
    creep into the ledger) and anything non-finite.
    """
    if isinstance(value, bool) or isinstance(value, float):
        raise MoneyError(f"money must not be a float: {value!r}")
    if isinstance(value, Decimal):
        d = value
    elif isinstance(value, int):
        d = Decimal(value)
    elif isinstance(value, str):
        text = value.strip().replace(",", "").removeprefix("¥").removeprefix("￥")
        text = text.removesuffix("元").strip()
        try:
            d = Decimal(text)
        except InvalidOperation:
            raise MoneyError(f"not an amount: {value!r}") from None
    else:
        raise MoneyError(f"not an amount: {value!r}")
    try:
        if not d.is_finite() or abs(d) >= Decimal("1e15"):
            raise MoneyError(f"not an amount: {value!r}")
        return d.quantize(COST_Q, rounding=ROUND_HALF_UP)
    except DecimalException:
        raise MoneyError(f"not an amount: {value!r}") from None


AMOUNT = re.compile(r"^[0-9]+(\.[0-9]{1,4})?$")
"""An amount as a person writes it, after NFKC: digits, and at most 4 decimals after a dot."""


class AmountError(MoneyError):
    """Text that is not an amount, with the message that says how to write one."""

    def __init__(self, msg: Msg) -> None:
        super().__init__(msg.text("en"))
        self.msg = msg


def parse_amount(text: str) -> Decimal:
    """The one strict reader of amounts people type: `--price`, a batch `price` column,
    the checkout price field, amounts in config.toml.

    NFKC first, so fullwidth digits and the fullwidth full stop from a Chinese IME are
    read; a leading ¥ and a trailing 元 are allowed. Then AMOUNT (digits, a dot, 1-4 digits):
    no sign, no exponent, no nan or inf, no thousands separator. `10,00` is refused
    ("use a dot for decimals"), never read as 1000.
    """
    raw = unicodedata.normalize("NFKC", str(text)).strip()
    body = raw.removeprefix("¥").removesuffix("元").strip()
    if "," in body:
        raise AmountError(Msg("err.amount.comma", text=repr(str(text))))
    if not AMOUNT.match(body):
        raise AmountError(Msg("err.amount.format", text=repr(str(text))))
    return Decimal(body)


def price(value: object) -> Decimal:
    """A sale price: quantized to 0.01 yuan, ROUND_HALF_UP."""
    return money(value).quantize(PRICE_Q, rounding=ROUND_HALF_UP)


def to_units(value: Decimal) -> int:
    """Decimal yuan -> integer ten-thousandths (exact)."""
    return int(money(value) * UNITS_PER_YUAN)


def from_units(units: int) -> Decimal:
    return (Decimal(int(units)) / UNITS_PER_YUAN).quantize(COST_Q)


def fmt(value: Decimal, places: int = 2) -> str:
    """Yuan string for JSON and screens: 2 places, or up to 4 where they matter."""
    q = money(value)
    if places == 4 or q != q.quantize(PRICE_Q):
        return f"{q:.4f}"
    return f"{q:.2f}"
