"""A batch line with an unclosed quote says so (issue 15, point 10): "第 N 行：引号未闭合" /
"line N: unclosed quote" on the line where the quote opened, and nothing is recorded:
`batch run` exits 2; the terminal app's paste leaves the grid as it was."""

from __future__ import annotations

from kameng_tui.domain.batch_input import parse_batch

UNCLOSED = 'sku,account,quantity,note\ndemo:HF-CM-10,13800138000,1,ok\ndemo:HF-CM-20,13800138001,1,"gift\n' \
           'demo:HF-CM-30,13800138002,1,ok\n'


def test_a_csv_line_with_an_unclosed_quote_is_named_and_nothing_else_is_read():
    parsed = parse_batch(UNCLOSED)
    assert parsed.lines == ()
    assert [(e.line, e.code) for e in parsed.errors] == [(3, "unclosed_quote")]
    assert parsed.errors[0].message_en == "unclosed quote" and parsed.errors[0].message == "引号未闭合"


def test_quotes_that_close_are_no_unclosed_quote():
    assert parse_batch('sku,account,note\ndemo:HF-CM-10,13800138000,"say ""hi"", ok"\n').lines[0].note == 'say "hi", ok'
    two_lines = parse_batch('sku,account,note\ndemo:HF-CM-10,13800138000,"two\nlines"\ndemo:HF-CM-20,1380013800,x\n')
    assert "unclosed_quote" not in {e.code for e in two_lines.errors}     # closed, on a later line


def test_a_pasted_line_with_an_odd_quote_is_named():
    parsed = parse_batch('demo:HF-CM-10 13800138000 1\ndemo:HF-CM-20 "13800138001 1\n')
    assert [(e.line, e.code) for e in parsed.errors] == [(2, "unclosed_quote")]


def test_batch_run_refuses_the_file_with_the_line_and_records_nothing(cli, tmp_path):
    path = tmp_path / "b.csv"
    path.write_text(UNCLOSED, encoding="utf-8")
    zh = cli("batch", "run", str(path), "--yes")
    assert zh.code == 2 and "第 3 行：引号未闭合" in zh.stderr, zh.stderr
    en = cli("--lang", "en", "batch", "run", str(path), "--yes", "--json")
    assert en.code == 2
    lines = en.json["error"]["lines"]
    assert [(x["line"], x["code"], x["message"]) for x in lines] == [(3, "unclosed_quote", "unclosed quote")]
    assert "line 3: unclosed quote" in cli("--lang", "en", "batch", "run", str(path), "--yes").stderr
    assert cli("history", "--json").json["total"] == 0
    assert cli("batch", "list", "--json").json["total"] == 0
