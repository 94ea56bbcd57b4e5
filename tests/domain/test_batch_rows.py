"""Pasted batch text as grid rows (lenient: bad cells stay visible), and grid rows as batch lines (values)."""

from __future__ import annotations

from kameng_tui.domain.batch_rows import Row, grid_lines, parse_extra, split_rows


def test_lines_csv_and_excel_copies_become_rows():
    lines = split_rows("demo:HF-CM-10 13800138000 2 customer=张三 region=安卓QQ\n# a comment\n\ndemo:X 1\n")
    assert [r.cells for r in lines] == [("demo:HF-CM-10", "13800138000", "2", "张三", "", "", "region=安卓QQ"),
                                        ("demo:X", "1", "", "", "", "", "")]
    csv_rows = split_rows("\ufeffSKU,账号,qty,note\r\ndemo:A,123,1,\"hi, there\"\r\n")
    assert csv_rows[0].cells == ("demo:A", "123", "1", "", "", "hi, there", "")
    excel = split_rows("demo:A\t138 0013\t\t王 五\tR1\tnote x\n")            # cells may hold spaces
    assert excel[0].cells == ("demo:A", "138 0013", "", "王 五", "R1", "note x", "")
    header = split_rows("sku\taccount\tregion\ndemo:G\t12345\t安卓QQ\n")
    assert header[0].get("extra") == "region=安卓QQ"


def test_what_cannot_be_placed_stays_in_a_cell():
    [row] = split_rows("demo:A 138 1 stray words")
    assert row.get("extra") == "stray words"
    assert parse_extra(row.get("extra"))[1] == "stray"
    assert parse_extra("region=安卓QQ server=1区") == ({"region": "安卓QQ", "server": "1区"}, None)
    assert parse_extra("colour=red")[1] == "colour=red"


def test_rows_become_batch_lines_numbered_by_their_grid_line():
    rows = [Row(cells=("demo:A", "1", "2", "张,三", "", "", "region=x")), Row(), Row(cells=("demo:B", "2", "", "", "", "", ""))]
    parsed, lines = grid_lines(rows, [0, 2])
    assert lines == {1: 0, 3: 2}
    assert not parsed.errors
    assert [(l.line_no, l.sku, l.customer, dict(l.fields)) for l in parsed.lines] == [
        (1, "demo:A", "张,三", {"account": "1", "region": "x"}), (3, "demo:B", None, {"account": "2"})]


def test_rows_round_trip_through_json():
    row = Row(cells=("a", "b", "1", "", "", "", ""), order_no="KM1", attempt_of="KM0")
    assert Row.from_json(row.as_json()) == row
    assert Row.from_json({"cells": ["x"]}).cells == ("x", "", "", "", "", "", "")
