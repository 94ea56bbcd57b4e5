"""Amounts typed by people (issue 14 point 7): one strict reader for `--price`, a batch
`price` column and the checkout price field. NFKC first (fullwidth digits from a
Chinese IME are digits), then `^[0-9]+(\\.[0-9]{1,4})?$`; `10,00` is refused with
"use a dot for decimals", never read as 1000."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kameng_tui.domain.batch_input import parse_batch
from kameng_tui.domain.money import AmountError, parse_amount


@pytest.mark.parametrize("text,value", [
    ("10", Decimal("10")),
    ("10.5", Decimal("10.5")),
    ("１０.５", Decimal("10.5")),              # fullwidth digits
    ("１０．５０", Decimal("10.50")),           # fullwidth full stop too
    (" 98.5000 ", Decimal("98.5")),
    ("0", Decimal("0")),
    ("¥12.30", Decimal("12.30")),
    ("12.30元", Decimal("12.30")),
])
def test_amounts_people_write_are_read(text, value):
    assert parse_amount(text) == value


@pytest.mark.parametrize("text", ["10,00", "1,000", "10，00", "1,000.50"])
def test_a_comma_is_refused_with_use_a_dot(text):
    with pytest.raises(AmountError) as err:
        parse_amount(text)
    assert "use a dot for decimals" in err.value.msg.text("en")
    assert "小数点" in err.value.msg.text("zh")


@pytest.mark.parametrize("text", ["1e3", "-1", "10.12345", "nan", "inf", "Infinity", "", "  ", "+5", "1.", ".5",
                                  "0x10", "1_000", "10.5.1", "十"])
def test_anything_else_is_not_an_amount(text):
    with pytest.raises(AmountError) as err:
        parse_amount(text)
    assert "10.50" in err.value.msg.text("en")          # the message shows how to write one


def test_a_batch_price_column_is_read_the_same_way():
    parsed = parse_batch("sku,account,price\ndemo:HF-CM-100,13800138000,\"10,00\"\n"
                         "demo:HF-CM-100,13800138001,１０.５\ndemo:HF-CM-100,13800138002,1e3\n")
    assert [l.price for l in parsed.lines] == [Decimal("10.50")]
    assert [(e.line, e.field) for e in parsed.errors] == [(2, "price"), (4, "price")]
    assert "use a dot for decimals" in parsed.errors[0].msg.text("en")
