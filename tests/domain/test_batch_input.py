"""Batch files: CSV with header or pasted lines; every bad line named, never an exception."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings, strategies as st

from kameng_tui.domain.batch_input import batch_identity, duplicate_keys, parse_batch, parse_batch_bytes


def test_csv_with_bom_crlf_and_quotes():
    text = "\ufeffsku,account,quantity,ref,note,price\r\ndemo:A,13800000001,2,T1,\"a, b\",12.5\r\n\r\ndemo:B,13800000002,,,,\r\n"
    parsed = parse_batch(text)
    assert parsed.errors == ()
    a, b = parsed.lines
    assert (a.line_no, a.sku, a.fields, a.quantity, a.ref, a.note, a.price) == (
        2, "demo:A", {"account": "13800000001"}, 2, "T1", "a, b", Decimal("12.50"))
    assert (b.line_no, b.quantity, b.price) == (4, 1, None)


def test_pasted_lines_and_excel_tabs():
    parsed = parse_batch("# 今天的单\ndemo:A 13800000001\ndemo:B 13800000002 3 region=安卓QQ ref=X9\n"
                         "demo:C\t游戏 账号\t2\n")
    assert parsed.errors == ()
    assert [(l.line_no, l.quantity) for l in parsed.lines] == [(2, 1), (3, 3), (4, 2)]
    assert parsed.lines[1].fields == {"account": "13800000002", "region": "安卓QQ"} and parsed.lines[1].ref == "X9"
    assert parsed.lines[2].fields["account"] == "游戏 账号"


BAD = [
    ("sku,account,colour\ndemo:A,1\n", 1, "colour"),
    ("sku,quantity\ndemo:A,1\n", 1, "account"),
    ("sku,account\ndemo:A,1,extra\n", 2, None),
    ("sku,account,quantity\ndemo:A,1,0\n", 2, "quantity"),
    ("sku,account,quantity\ndemo:A,1,-3\n", 2, "quantity"),
    ("sku,account,quantity\ndemo:A,1,2.5\n", 2, "quantity"),
    ("sku,account,price\ndemo:A,1,abc\n", 2, "price"),
    ("sku,account,price\ndemo:A,1,-1\n", 2, "price"),
    ("sku,account\n,13800000001\n", 2, "sku"),
    ("sku,account\ndemo:A,\n", 2, "account"),
    ("demo:A\n", 1, "account"),
    ("demo:A 1 2 3\n", 1, None),
    ("demo:A 1 foo=bar\n", 1, "foo"),
    ("demo:A 1 region=a region=b\n", 1, "region"),
    ("demo:A 1 zero\n", 1, "quantity"),
    ("ok:A 1\ndemo:B 1 qty=x\n", 2, "quantity"),
    ("demo:A 1\x07\n", 1, None),
    ("\n\n", 1, None),
]


@pytest.mark.parametrize("text,line,field", BAD)
def test_bad_lines_are_named(text, line, field):
    parsed = parse_batch(text)
    assert parsed.errors, text
    err = parsed.errors[0]
    assert err.line == line and err.message and err.message_en
    if field:
        assert err.field == field


def test_invalid_utf8_names_the_line():
    parsed = parse_batch_bytes("demo:A 13800000001\n".encode() + b"demo:B \xff\xfe\n")
    assert parsed.errors[0].line == 2


def test_identity_ignores_order_and_duplicates_are_found():
    a = parse_batch("demo:A 1\ndemo:B 2\n").lines
    b = parse_batch("demo:B 2\ndemo:A 1\n").lines
    assert batch_identity(a) == batch_identity(b)
    assert batch_identity(a) != batch_identity(parse_batch("demo:A 1\ndemo:B 3\n").lines)
    assert duplicate_keys(parse_batch("demo:A 1\ndemo:B 2\ndemo:a 1 2\n").lines) == [(1, 3)]


@settings(max_examples=300)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300))
def test_fuzzed_input_never_raises(text):
    parsed = parse_batch(text)
    for e in parsed.errors:
        assert e.line >= 0 and e.message


@settings(max_examples=100)
@given(st.binary(max_size=200))
def test_fuzzed_bytes_never_raise(data):
    parse_batch_bytes(data)


def test_identity_is_sku_account_fields_and_quantity_only():
    """Issue 14: note, customer, ref and price do not make another batch; the quantity
    and every account field do."""
    plain = parse_batch("demo:A 13800000001\ndemo:B 13800000002 2\n").lines
    dressed = parse_batch("demo:B 13800000002 2 note=x customer=c\ndemo:A 13800000001 ref=TB-9 price=3.50\n").lines
    assert batch_identity(plain) == batch_identity(dressed)
    assert batch_identity(plain) != batch_identity(parse_batch("demo:A 13800000001\ndemo:B 13800000002 3\n").lines)
    assert batch_identity(plain) != batch_identity(
        parse_batch("demo:A 13800000001 region=north\ndemo:B 13800000002 2\n").lines)


def test_duplicate_lines_compare_every_account_field():
    lines = parse_batch("demo:A 1 server=s1\ndemo:A 1 server=s2\ndemo:a 1 server=s1\n").lines
    assert duplicate_keys(lines) == [(1, 3)]
