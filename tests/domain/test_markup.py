"""Markup rules: the most specific rule wins; markups typed as percent or fraction."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kameng_tui.domain.errors import BadInput
from kameng_tui.domain.markup import MarkupRule, level_of, parse_markup, percent, pick_rule
from kameng_tui.domain.models import Delivery, Product
from kameng_tui.services.pricing import price_with

D = Decimal
RULES = (
    MarkupRule(D("0.10"), category="话费"),
    MarkupRule(D("0.05"), category="话费/中国移动"),
    MarkupRule(D("0.02"), category="话费", level="vip"),
    MarkupRule(D("0.04"), level="vip"),
    MarkupRule(D("0.01"), category="话费/中国移动", level="代理"),
)


@pytest.mark.parametrize("path,level,expected", [
    ("话费/中国移动", "", D("0.05")),           # the deeper category beats the shallower
    ("话费/中国联通", "", D("0.10")),           # category prefix
    ("话费/中国移动", "vip", D("0.02")),        # category + level beats a deeper category alone
    ("游戏/腾讯/QQ币", "vip", D("0.04")),       # level alone
    ("话费/中国移动", "代理", D("0.01")),
    ("游戏/腾讯/QQ币", "", None),               # nothing matches: the default
    ("话费中心/某某", "", None),                 # a prefix is a whole path segment, not characters
])
def test_most_specific_rule_wins(path, level, expected):
    rule = pick_rule(RULES, path, level)
    assert (rule.markup if rule else None) == expected


def test_levels_come_from_customers_by_name():
    customers = {"张三": "vip"}
    assert level_of(customers, " 张三 ") == "vip"
    assert level_of(customers, "李四") == "" and level_of(customers, None) == ""


@pytest.mark.parametrize("text,value", [("2%", "0.02"), ("2.5 %", "0.025"), ("0.03", "0.03"), ("0", "0"),
                                        ("１%".replace("１", "1"), "0.01"), ("10", "10")])
def test_markups_read_as_percent_or_fraction(text, value):
    assert parse_markup(text) == D(value)


@pytest.mark.parametrize("text", ["", "abc", "-1%", "2000%", "1e400"])
def test_bad_markups_are_refused_with_the_field(text):
    with pytest.raises(BadInput) as err:
        parse_markup(text)
    assert err.value.field == "markup"


def test_percent_shows_a_markup_as_people_write_it():
    assert percent(D("0.025")) == "2.5%" and percent(D("0.03")) == "3%" and percent(D("0")) == "0%"


def product(path: str, cost: str, face: str | None) -> Product:
    return Product(sku="demo:X", supplier="demo", product_id="X", name="x", category=tuple(path.split("/")),
                   delivery=Delivery.DIRECT, unit_cost=D(cost), face_value=D(face) if face else None)


def test_a_rule_prices_by_its_markup_unless_it_keeps_the_face_value():
    p = product("话费/中国移动", "9.9274", "10")
    # default: face value covers cost -> 10.00
    assert price_with((), D("0.03"), True, p, p.unit_cost, "").price == D("10.00")
    # a vip rule on 话费: cost * 1.005, rounded half up to 0.01
    rules = RULES[:2] + (MarkupRule(D("0.005"), category="话费", level="vip"),)
    vip = price_with(rules, D("0.03"), True, p, p.unit_cost, "vip")
    assert vip.price == D("9.98") and vip.rule == rules[2] and not vip.face_value
    keep = (MarkupRule(D("0.02"), category="话费", use_face_value=True),)
    kept = price_with(keep, D("0.03"), True, p, p.unit_cost, "")
    assert kept.price == D("10.00") and kept.face_value


def test_a_rule_never_prices_above_the_face_value():
    p = product("话费/中国移动", "19.6559", "20")               # cost x 1.02 = 20.05
    capped = price_with(RULES, D("0.03"), True, p, p.unit_cost, "vip")
    assert capped.price == D("20.00") and capped.face_value
    no_cap = price_with((), D("0.03"), False, p, p.unit_cost, "")  # the default keeps its old meaning
    assert no_cap.price == D("20.25")


def test_no_face_value_uses_the_default_markup():
    p = product("实物/手机壳/iPhone", "35.7816", None)
    assert price_with(RULES, D("0.03"), True, p, p.unit_cost, "").price == D("36.86")


def test_a_default_that_caps_prices_like_a_rule_and_says_so():
    from kameng_tui.domain.markup import formula
    from kameng_tui.messages import render as text

    p = product("游戏/腾讯/王者荣耀", "615.9269", "648")
    capped = price_with((), D("0.03"), False, p, p.unit_cost, "", default_cap=True)
    assert capped.price == D("634.40") and not capped.face_value
    q = product("话费/中国移动", "9.9274", "10")                # cost x 1.03 = 10.23: the face value
    assert price_with((), D("0.03"), False, q, q.unit_cost, "", default_cap=True).price == D("10.00")
    assert price_with((), D("0.03"), True, p, p.unit_cost, "").price == D("648.00")   # the older default
    assert text(formula(D("0.2"), False, True), "zh") == "售价 = 进价 x 1.20，不超过面值"
    assert text(formula(D("0.2"), False, True), "en") == "price = cost x 1.20, at most the face value"
    assert text(formula(D("0.005"), False, False), "zh") == "售价 = 进价 x 1.005"
