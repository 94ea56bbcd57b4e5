"""fit_name: a long product name cut in the middle, in terminal cells, keeping the words
that tell products apart, the cut marked with ASCII `..` (issue 15, point 4)."""

from __future__ import annotations

import pytest

from kameng_tui.domain.text_fit import cells, fit_name

BASE = "腾讯视频VIP会员 官方直充 自动到账 全国通用"
PAIRS = [
    (f"{BASE} 月卡", f"{BASE} 年卡", "月卡", "年卡"),
    ("王者荣耀点券 官方直充 秒到 全区全服 10元", "王者荣耀点券 官方直充 秒到 全区全服 100元", "10元", "100元"),
    ("京东E卡 电子卡 全国通用 可叠加 卡密", "京东E卡 电子卡 全国通用 可叠加 直充", "卡密", "直充"),
    ("爱奇艺黄金会员 官方授权 自动发货 PLUS", "爱奇艺黄金会员 官方授权 自动发货 普通", "PLUS", "普通"),
    ("腾讯视频VIP会员官方直充自动到账全国通用月卡", "腾讯视频VIP会员官方直充自动到账全国通用年卡", "月卡", "年卡"),
]


def test_cells_counts_wide_characters_twice():
    assert cells("abc") == 3
    assert cells("月卡") == 4
    assert cells("VIP会员") == 7
    assert cells("ＡＢ") == 4          # fullwidth


@pytest.mark.parametrize("width", [14, 18, 24, 30, 40, 56])
@pytest.mark.parametrize("a,b,ta,tb", PAIRS)
def test_the_distinguishing_tail_survives_every_width(a, b, ta, tb, width):
    fa, fb = fit_name(a, width), fit_name(b, width)
    assert cells(fa) <= width and cells(fb) <= width
    assert fa.endswith(ta) and fb.endswith(tb), (fa, fb)
    assert fa != fb
    assert "…" not in fa + fb


def test_a_name_that_fits_is_unchanged():
    assert fit_name("移动话费 10元", 40) == "移动话费 10元"


def test_a_cut_is_marked_with_two_ascii_dots_and_keeps_the_head():
    out = fit_name(f"{BASE} 月卡", 30)
    assert ".." in out and out.startswith("腾讯视频") and out.endswith("月卡")
    assert cells(out) <= 30


def test_telling_middle_words_are_kept_before_others():
    out = fit_name("王者荣耀 官方 授权 点券 100元 直充 全区 全服 秒到 卡密", 34)
    assert out.startswith("王者荣耀") and out.endswith("卡密") and "100元" in out, out


def test_no_wide_character_is_halved():
    for width in range(1, 30):
        out = fit_name("腾讯视频会员官方直充自动到账全国通用月卡", width)
        assert cells(out) <= width
        assert cells(out) >= width - 1          # at most the one cell a wide char could not fill


def test_zero_width_gives_nothing():
    assert fit_name("月卡", 0) == ""


def lines_of(text: str, width: int) -> list[str]:
    from kameng_tui.domain.text_fit import wrap_spans

    return [text[a:b] for a, b in wrap_spans(text, width)]


@pytest.mark.parametrize("width", range(12, 34))
def test_wrapping_never_splits_an_amount_or_breaks_before_a_closer(width):
    text = "进价 1058.50 元，售价 1270.20 元  热销TOP 中国移动 销量第 1 名（供应商排名）"
    lines = lines_of(text, width)
    assert all(cells(line) <= width for line in lines), lines
    for before, after in zip(lines, lines[1:]):
        assert not after.startswith(("元", "，", "）")), lines
        assert not before.endswith("（"), lines
        assert not (before[-1:].isdigit() and cells(after[:1]) == 2), lines      # "第 1 | 名", "58.50 | 元"
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")


def test_wrapping_folds_a_word_longer_than_the_line():
    assert lines_of("abcdefghij", 4) == ["abcd", "efgh", "ij"]
