"""The contract of domain.text_fit.fit_name that history, batch and checkout rely on:
a name never takes more cells than given, a cut is marked with ASCII `..`, and the
words that tell products of one family apart stay visible."""

from __future__ import annotations

import pytest
from rich.cells import cell_len

from kameng_tui.domain.text_fit import fit_name

FAMILY = [
    ("腾讯视频VIP会员官方直营月卡 卡密", "卡密"),
    ("腾讯视频VIP会员官方直营月卡 直充", "直充"),
    ("中国移动全国话费快充官方渠道 10元", "10元"),
    ("中国移动全国话费快充官方渠道 100元", "100元"),
    ("爱奇艺黄金会员官方直营自动发货月卡", "月卡"),
    ("爱奇艺黄金会员官方直营自动发货年卡", "年卡"),
    ("京东会员官方直营自动发货渠道 PLUS", "PLUS"),
    ("京东会员官方直营自动发货渠道 普通", "普通"),
]


@pytest.mark.parametrize("width", [14, 18, 24, 30])
@pytest.mark.parametrize("name,token", FAMILY)
def test_a_cut_name_fits_and_keeps_its_distinguishing_word(name, token, width):
    out = fit_name(name, width)
    assert cell_len(out) <= width
    assert ".." in out and "\u2026" not in out
    assert token in out
    if token == "10元":
        assert "100元" not in out
    if token == "100元":                     # a number is never cut into another one
        assert "100元" in out


def test_a_name_that_fits_is_unchanged():
    assert fit_name("王者荣耀点券60", 20) == "王者荣耀点券60"
    assert fit_name("abc", 3) == "abc"
