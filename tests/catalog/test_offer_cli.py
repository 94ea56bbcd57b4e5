"""Products and offers through the CLI (issue 18), on two demo suppliers that publish the
same goods: product ids beside SKUs, products with their offers, the rule's trail, and
links that correct it (kept in the ledger, refused across a never-merge field)."""

from __future__ import annotations

import pytest

from kit import run_cli

WZRY = "demo:GM-WZRY-60-D"
WZRY2 = "demo2:GM-WZRY-60-D"


@pytest.fixture
def two(env, home):
    cfg = home / "config" / "config.toml"
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text('[[suppliers]]\nname = "demo"\nkind = "demo"\n\n[[suppliers]]\nname = "demo2"\nkind = "demo"\n',
                   encoding="utf-8")

    def run(*args: str):
        return run_cli(env, *args)
    assert run("catalog", "sync", "--json").code == 0
    return run


def test_catalog_json_items_carry_their_product_id_and_by_product_lists_products_with_offers(two):
    items = two("catalog", "--json", "--search", "王者荣耀", "--limit", "200").json["items"]
    ids = {i["sku"]: i["product_id"] for i in items}
    assert ids[WZRY] == ids[WZRY2] == "WZRY-60-ZC"
    assert ids["demo:GM-WZRY-68-D"] == "WZRY-68-ZC"
    doc = two("catalog", "--by-product", "--json", "--search", "王者荣耀", "--limit", "100").json
    row = next(i for i in doc["items"] if i["product_id"] == "WZRY-60-ZC")
    costs = {i["sku"]: i["cost"] for i in items}
    assert row["offers"] == 2 and sorted(row["skus"]) == sorted([WZRY, WZRY2])
    assert row["best_cost"] == min(costs[WZRY], costs[WZRY2], key=float)
    assert doc["total"] == len({i["product_id"] for i in items})
    people = two("catalog", "--by-product", "--search", "wzry 60")
    assert people.code == 0 and "@WZRY-60-ZC" in people.stdout


def test_explain_says_which_rule_put_a_sku_where_in_either_language(two):
    zh = two("catalog", "match", "--explain", "demo:HF-CM-100")
    assert zh.code == 0
    for word in ("移动", "100", "快充", "全国", "@HF-CM-100-ZC"):
        assert word in zh.stdout
    en = two("--lang", "en", "catalog", "match", "--explain", "demo:HF-CM-100")
    assert "China Mobile" in en.stdout and "nationwide" in en.stdout
    doc = two("catalog", "match", "--explain", "demo:HF-CM-100", "--json").json
    assert doc["product_id"] == "HF-CM-100-ZC" and doc["sure"] is True and doc["offers"] == ["demo:HF-CM-100",
                                                                                             "demo2:HF-CM-100"]
    assert doc["key"]["carrier"] == "CM" and doc["key"]["delivery"] == "ZC"


def test_a_link_across_a_never_merge_field_is_refused_naming_it_and_changes_nothing(two):
    r = two("match", "link", WZRY, "demo2:GM-WZRY-68-D")
    assert r.code == 2 and "面值" in r.stderr
    j = two("match", "link", WZRY, "demo2:GM-QQB-10-K", "--json")
    assert j.code == 2 and j.json["error"]["field"] == "brand" and j.json["error"]["code"] == "link_refused"
    en = two("--lang", "en", "match", "link", "demo:GM-QQB-10-D", "demo2:GM-QQB-10-K")
    assert en.code == 2 and "delivery" in en.stderr
    ids = {i["sku"]: i["product_id"] for i in two("catalog", "--json", "--search", "王者荣耀", "--limit", "200").json["items"]}
    assert ids[WZRY] == "WZRY-60-ZC"


def test_an_unknown_sku_gets_a_did_you_mean(two):
    r = two("match", "link", WZRY, "demo2:GM-WZRY-6O-D")
    assert r.code == 2 and "demo2:GM-WZRY-60-D" in r.stderr
    j = two("match", "unlink", "demo:GM-WZRY-6O-D", "--json")
    assert j.code == 2 and "demo:GM-WZRY-60-D" in j.json["error"]["suggestions"]


def test_unlink_splits_a_merge_then_undoes_it_then_has_nothing_to_unlink(two):
    split = two("match", "unlink", WZRY, "--json")
    assert split.code == 0 and split.json["result"] == "split"
    ids = {i["sku"]: i["product_id"] for i in two("catalog", "--json", "--search", "王者荣耀", "--limit", "200").json["items"]}
    assert ids[WZRY] != ids[WZRY2] == "WZRY-60-ZC"
    assert "手动拆分" in two("catalog", "match", "--explain", WZRY).stdout
    back = two("match", "unlink", WZRY)
    assert back.code == 0
    ids = {i["sku"]: i["product_id"] for i in two("catalog", "--json", "--search", "王者荣耀", "--limit", "200").json["items"]}
    assert ids[WZRY] == ids[WZRY2]
    lone = two("match", "unlink", "demo:SW-000")
    assert lone.code == 0 and "没有可解除" in lone.stdout
    assert two("--lang", "en", "match", "unlink", "demo:SW-000").stdout.strip().startswith("Nothing to unlink")


def test_a_link_joins_listings_the_rule_left_apart_and_is_kept_in_the_chained_ledger(two):
    ok = two("match", "link", "demo2:SW-000", "demo:SW-000", "--json")
    assert ok.code == 0, ok.stderr
    pid = ok.json["product_id"]
    ids = {i["sku"]: i["product_id"] for i in two("catalog", "--json", "--search", "Windows", "--limit", "50").json["items"]}
    assert ids["demo2:SW-000"] == ids["demo:SW-000"] == pid
    assert "demo:SW-000" in two("catalog", "match", "--explain", "demo2:SW-000").stdout
    verify = two("ledger", "verify", "--json")
    assert verify.code == 0 and verify.json["events"] == 1


def test_catalog_match_lists_what_the_rule_is_unsure_of(two):
    doc = two("catalog", "match", "--json").json
    assert doc["total"] == len(doc["items"]) == 0              # the demo names nothing it is unsure of
    assert doc["merged"] > 100 and doc["unknown"] > 0           # every product of the two is merged
    people = two("catalog", "match")
    assert people.code == 0
