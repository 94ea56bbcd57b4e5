"""The offer-matching rule (issue 18) on the golden pairs written before it, plus the
properties a reseller relies on: ids that read and survive re-syncs, unsure listings kept
apart with their reason, and an explanation in the reader's language."""

from __future__ import annotations

import re
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest

from kameng_tui.domain.models import AccountField, Delivery, Product, Rule
from kameng_tui.domain.offer_key import extract
from kameng_tui.domain.offer_match import match_offers
from kameng_tui.messages import render

GOLDEN = tomllib.loads((Path(__file__).parent / "golden" / "offer_pairs.toml").read_text(encoding="utf-8"))["pair"]
RULES = {"mobile": Rule.MOBILE, "qq": Rule.QQ, "game": Rule.GAME}


def listing(supplier: str, pid: str, doc: dict) -> Product:
    fields = (AccountField("account", doc["account"], RULES[doc["account"]]),) if "account" in doc else ()
    return Product(sku=f"{supplier}:{pid}", supplier=supplier, product_id=pid, name=doc["name"],
                   category=tuple(c for c in doc.get("category", "").split("/") if c),
                   delivery=Delivery(doc["delivery"]), unit_cost=Decimal("1"),
                   face_value=Decimal(doc["face"]) if "face" in doc else None,
                   account_fields=fields, attributes=tuple((doc.get("attrs") or {}).items()))


def test_the_golden_pairs_merge_exactly_where_a_reseller_would():
    wrong = []
    for i, pair in enumerate(GOLDEN):
        a, b = listing("s1", f"A{i}", pair["a"]), listing("s2", f"B{i}", pair["b"])
        ids = match_offers([a, b]).product_of
        if (ids[a.sku] == ids[b.sku]) != pair["same"]:
            wrong.append(f"{pair['trap']}: {a.name} | {b.name} -> {ids[a.sku]} {ids[b.sku]} (same={pair['same']})")
    assert not wrong, "\n".join(wrong)


def test_every_trap_in_the_golden_file_is_kept_apart_and_it_holds_enough_pairs():
    assert len(GOLDEN) >= 60
    traps = {p["trap"] for p in GOLDEN if not p["same"]}
    for trap in ("慢充/快充", "60点券 vs 60元", "VIP/SVIP", "VIP/超级影视VIP", "PLUS/普通", "全国/省内", "卡密/直充",
                 "月卡/连续包月", "黄金/白金/星钻"):
        assert trap in traps


def test_product_ids_are_readable_ascii_and_do_not_depend_on_who_lists_it_or_in_what_order():
    products = [listing(f"s{i % 3}", f"P{i}{side}", pair[side]) for i, pair in enumerate(GOLDEN) for side in ("a", "b")]
    first = match_offers(products).product_of
    again = match_offers(list(reversed(products))).product_of
    assert first == again
    for sku, pid in first.items():
        assert re.fullmatch(r"[A-Z0-9][A-Z0-9-]{0,63}", pid), (sku, pid)
    wzry = listing("x", "anything", {"name": "王者荣耀点券60元", "category": "游戏/腾讯/王者荣耀", "delivery": "direct",
                                     "face": "60"})
    assert match_offers([wzry]).product_of["x:anything"] == "WZRY-60-ZC"


def test_an_unsure_listing_stays_alone_and_says_why():
    odd = listing("a", "1", {"name": "神秘礼包 60元", "delivery": "direct"})
    odd2 = listing("b", "1", {"name": "神秘礼包 60元", "delivery": "direct"})
    m = match_offers([odd, odd2])
    assert m.product_of[odd.sku] != m.product_of[odd2.sku]
    assert {s.sku for s in m.unknown} == {odd.sku, odd2.sku}     # goods the rule does not know
    tempted = listing("c", "1", {"name": "原神 空月祝福 30元", "delivery": "direct"})
    assert [f.sku for f in match_offers([tempted, odd]).unsure] == [tempted.sku]
    found = extract(odd)
    assert not found.sure
    assert "神秘礼包" not in m.product_of[odd.sku]
    zh = render(found.why, "zh")
    assert "品牌" in zh or "游戏" in zh
    disagree = extract(listing("a", "2", {"name": "王者荣耀点券60元", "category": "游戏/腾讯/王者荣耀",
                                          "delivery": "direct", "face": "30"}))
    assert not disagree.sure and "30" in render(disagree.why, "en") and "60" in render(disagree.why, "en")


def test_explain_tells_the_rule_trail_in_either_language():
    p = listing("a", "1", {"name": "中国移动 广东话费 50元 慢充", "delivery": "direct"})
    found = extract(p)
    zh, en = ("\n".join(render(line, lang) for line in found.explain()) for lang in ("zh", "en"))
    for word in ("移动", "广东", "慢充", "50"):
        assert word in zh
    assert "slow" in en and "Guangdong" in en
    assert not re.search(r"[A-Za-z]{4,}", zh.replace(found.product_id, "")), zh


@pytest.mark.parametrize("name, pid", [
    ("移动话费100元 直充", "HF-CM-100-ZC"),
    ("广东移动话费50元 省内 慢充", "HF-CM-GD-50-ZC-MC"),
    ("腾讯视频超级影视VIP 1个月", "TXSP-SVIP-M-ZC"),
    ("Steam充值卡100元", "STEAM-100-KM"),
])
def test_ids_say_what_the_product_is(name, pid):
    delivery = "card" if "Steam" in name else "direct"
    assert extract(listing("a", "1", {"name": name, "delivery": delivery})).product_id == pid
