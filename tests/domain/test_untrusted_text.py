"""Supplier text is untrusted (issue 14, point 5): the one function every supplier
string passes through before it is stored or shown."""

from __future__ import annotations

import unicodedata
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from kameng_tui.domain.models import AccountField, Card, Delivery, Product, SecretText
from kameng_tui.domain.untrusted import CARD_MAX, NAME_MAX, clean, clean_card, clean_product, fine

STRIPPED = {"Cc", "Cf", "Cs", "Zl", "Zp"}


@settings(max_examples=300, deadline=None)
@given(st.text(), st.integers(min_value=2, max_value=400))
def test_output_has_no_control_or_format_characters_and_fits_the_limit(text, limit):
    out = clean(text, limit)
    assert not {unicodedata.category(ch) for ch in out.text} & STRIPPED
    assert len(out.text) <= limit
    assert out.altered == (out.text != text)
    assert fine(text, limit) == (not out.altered)           # the fast check agrees with the function


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cf", "Cs", "Zl", "Zp")), max_size=50))
def test_clean_short_text_is_left_exactly_as_it_was(text):
    assert clean(text, 50) == clean(text, 50).__class__(text, False)


def test_escape_osc_bidi_and_zero_width_are_removed():
    evil = "\x1b[2J\x1b]0;owned\x07\u202e话费\u200b100\u2028元\u2029\x1b[0m"
    out = clean(evil, 120)
    assert out.text == "[2J]0;owned话费100元[0m" and out.altered
    assert "\x1b" not in out.text and "\u202e" not in out.text
    assert clean("a\ud800b", 10).text == "ab"            # a lone surrogate (JSON allows "\\ud800") cannot be stored


def test_a_long_text_is_cut_with_an_ascii_marker_counted_in_the_limit():
    out = clean("移" * 130, NAME_MAX)
    assert out.text == "移" * (NAME_MAX - 2) + ".." and len(out.text) == NAME_MAX and out.altered
    assert clean("a" * NAME_MAX, NAME_MAX) == clean("a" * NAME_MAX, NAME_MAX).__class__("a" * NAME_MAX, False)


def test_a_card_keeps_its_clean_fields_and_names_the_altered_ones():
    card = Card(number="\x1b[31m" + "1" * 300, password=SecretText("\x1b]52;c;ZXZpbA==\x07PW-1"), expires="2027-12-31")
    cleaned, altered = clean_card(card)
    assert altered == ("number", "password")
    assert cleaned.number == "[31m" + "1" * (CARD_MAX - 6) + ".." and len(cleaned.number) == CARD_MAX
    assert cleaned.password.reveal() == "]52;c;ZXZpbA==PW-1" and isinstance(cleaned.password, SecretText)
    assert cleaned.expires == "2027-12-31"
    same, none = clean_card(Card(number="1234", password=SecretText("ok"), expires=None))
    assert none == () and same.number == "1234" and same.password.reveal() == "ok"


def test_a_product_is_cleaned_everywhere_a_person_reads_it():
    e = "\x1b[2J\u202e"
    p = Product(sku="s:P1", supplier="s", product_id="P1", name=e + "名" * 200, category=(e + "游戏", "腾讯"),
                delivery=Delivery.DIRECT, unit_cost=Decimal("1"), attributes=((e + "周期", e + "月"),),
                account_fields=(AccountField("region", e + "大区", options=(e + "一区",),
                                             option_tree={e + "一区": (e + "一服",)}),))
    c = clean_product(p)
    assert c is not None and len(c.name) == NAME_MAX and c.name.startswith("[2J名") and c.name.endswith("..")
    assert c.category == ("[2J游戏", "腾讯") and c.attributes == (("[2J周期", "[2J月"),)
    f = c.account_fields[0]
    assert (f.label, f.options, dict(f.option_tree)) == ("[2J大区", ("[2J一区",), {"[2J一区": ("[2J一服",)})
    # an identifier we would send back cannot be altered: such a product is not taken at all
    assert clean_product(p.__class__(**{**p.__dict__, "product_id": "P1\u200b", "sku": "s:P1\u200b"})) is None
