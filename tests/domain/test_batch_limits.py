"""Batch columns mean what they say (issue 14 point 7): ref and customer at most 64
printable characters, note at most 500, no control or format characters (a zero-width
space or a right-to-left override hides what a line says), allow_loss a yes or a no."""

from __future__ import annotations

import pytest

from kameng_tui.domain.batch_input import parse_batch

HEAD = "sku,account,ref,customer,note,allow_loss\n"
ROW = "demo:HF-CM-100,1380013800{i},{ref},{customer},{note},{allow}\n"


def row(i: int = 0, ref: str = "", customer: str = "", note: str = "", allow: str = "") -> str:
    return ROW.format(i=i, ref=ref, customer=customer, note=note, allow=allow)


def test_lengths_at_the_limit_are_kept():
    parsed = parse_batch(HEAD + row(ref="R" * 64, customer="张" * 64, note="备" * 500))
    assert not parsed.errors
    [line] = parsed.lines
    assert (line.ref, line.customer, line.note) == ("R" * 64, "张" * 64, "备" * 500)


@pytest.mark.parametrize("cells,field", [
    ({"ref": "R" * 65}, "ref"),
    ({"customer": "张" * 65}, "customer"),
    ({"note": "n" * 501}, "note"),
    ({"note": "a\u200bb"}, "note"),
    ({"ref": "SHOP\u202e77"}, "ref"),
    ({"customer": "x\u2066y"}, "customer"),
    ({"allow": "maybe"}, "allow_loss"),
])
def test_a_bad_column_is_named_with_its_line(cells, field):
    parsed = parse_batch(HEAD + row(0) + row(1, **cells))
    assert [(e.line, e.field) for e in parsed.errors] == [(3, field)]
    assert field in parsed.errors[0].msg.text("en")
    assert len(parsed.lines) == 1


def test_pasted_lines_meet_the_same_limits():
    parsed = parse_batch(f"demo:HF-CM-100 13800138000 ref={'R' * 65}\ndemo:HF-CM-100 13800138001 note=a\u200bb\n")
    assert [(e.line, e.field) for e in parsed.errors] == [(1, "ref"), (2, "note")]


@pytest.mark.parametrize("word,value", [("yes", True), ("是", True), ("1", True), ("true", True), ("no", False),
                                        ("否", False), ("0", False), ("", False)])
def test_allow_loss_is_a_yes_or_a_no(word, value):
    [line] = parse_batch(HEAD + row(allow=word)).lines
    assert line.allow_loss is value


def test_the_batch_grid_takes_allow_loss_among_other_fields():
    """The TUI batch grid writes price and allow_loss in its "other fields" cell."""
    from decimal import Decimal

    from kameng_tui.domain.batch_rows import Row, grid_lines, parse_extra

    assert parse_extra("price=5 allow_loss=yes") == ({"price": "5", "allow_loss": "yes"}, None)
    parsed, _ = grid_lines([Row(cells=("demo:HF-CM-10", "13800138000", "", "", "", "", "price=5 allow_loss=yes"))], [0])
    [line] = parsed.lines
    assert (line.price, line.allow_loss) == (Decimal("5.00"), True)
