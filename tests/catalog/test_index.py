"""The catalog index: pinyin search, ANDed tokens, facets, sorting — and the cache path."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from decimal import Decimal

import pytest

from kameng_tui.domain.catalog_index import CatalogIndex
from kameng_tui.domain.catalog_query import Query
from kameng_tui.domain.models import Delivery, Product
from kameng_tui.domain.search_keys import keys_for
from kameng_tui.suppliers.demo import generate_catalog

EXTRA = [Product(sku="t:CQ", supplier="t", product_id="CQ", name="重庆小面 麻辣味", category=("实物", "零食", "面"),
                 delivery=Delivery.PHYSICAL, unit_cost=Decimal("12"))]


@pytest.fixture(scope="module")
def index():
    products = generate_catalog(2000) + EXTRA
    return CatalogIndex.from_products(products, [keys_for(p.name, p.category_path) for p in products])


def names(index, text, **kw):
    return [p.name for p in index.query(Query(text=text, **kw), limit=2000).rows]


@pytest.mark.parametrize("text,expect", [
    ("wzry", "王者荣耀"), ("wangzhe", "王者荣耀"), ("huafei", "话费"), ("hf", "话费"), ("txsp", "腾讯视频"),
    ("aqy", "爱奇艺"), ("cq", "重庆"), ("bz", "B站"), ("ＳＴＥＡＭ", "Steam"), ("话费", "话费"),
])
def test_pinyin_initials_and_case(index, text, expect):
    found = names(index, text)
    assert found and any(expect in n for n in found), (text, found[:5])


def test_tokens_are_anded(index):
    found = names(index, "wzry 60")
    assert found == ["王者荣耀点券60元"]
    assert names(index, "huafei 100") == ["移动话费100元 直充", "联通话费100元 直充", "电信话费100元 直充"]
    assert names(index, "wzry 没有这种") == []


def test_facet_counts_leave_out_their_own_selection(index):
    everything = index.query(Query(category="视频会员"))
    monthly = index.query(Query(category="视频会员", attrs={"周期": frozenset({"月"})}))
    assert monthly.count == everything.facets["周期"]["月"]
    # the 周期 facet still shows what toggling 季 would add; other facets narrow to 月
    assert monthly.facets["周期"] == everything.facets["周期"]
    assert sum(monthly.facets["等级"].values()) == monthly.count
    both = index.query(Query(category="视频会员", attrs={"周期": frozenset({"月", "季"})}))
    assert both.count == everything.facets["周期"]["月"] + everything.facets["周期"]["季"]
    assert everything.categories["视频会员"] == everything.count


def test_sorting_and_price_range(index):
    by_price = index.query(Query(text="话费", sort="price"), limit=50).rows
    costs = [p.unit_cost for p in by_price]
    assert costs == sorted(costs)
    desc = index.query(Query(text="话费", sort="price", descending=True), limit=50).rows
    assert desc[0].unit_cost == max(costs)
    ranged = index.query(Query(text="话费", price_min=Decimal("20"), price_max=Decimal("60")), limit=50).rows
    assert ranged and all(Decimal("20") <= p.unit_cost <= Decimal("60") for p in ranged)
    assert index.query(Query(delivery=frozenset({"卡密"}))).count == sum(
        1 for p in index.products if p.delivery is Delivery.CARD)


def test_catalog_cli_json_and_no_pinyin_at_startup(cli, env):
    assert cli("catalog", "sync").code == 0
    doc = cli("catalog", "--search", "txsp", "--attr", "周期=年", "--json").json
    assert doc["total"] > 0
    item = doc["items"][0]
    for key in ("sku", "name", "category", "delivery", "account_fields", "attributes", "face_value", "cost", "price",
                "stock", "sale_status", "tags", "supplier"):
        assert key in item
    assert item["category"].startswith("视频会员/") and item["attributes"]["周期"] == "年"
    assert item["delivery_stats"] == {"count": 0, "median_s": None, "p95_s": None, "success_rate": None}
    for i in range(3):
        assert cli("order", "demo:HF-CM-10", "--account", f"1380000000{i}", "--yes", "--wait", "10").code == 0
    stats = cli("catalog", "--search", "移动话费10元", "--json").json["items"][0]["delivery_stats"]
    assert stats["count"] == 3 and stats["success_rate"] == 1.0 and stats["median_s"] >= 0
    code = ("import sys, asyncio\nfrom kameng_tui.bootstrap import build_context\n"
            "from kameng_tui.domain.catalog_query import Query\n"
            "c = build_context()\nr = c.catalog.search(Query(text='wzry'))\n"
            "print(r.count, 'pypinyin' in sys.modules)\n")
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    count, imported = r.stdout.split()
    assert int(count) > 0 and imported == "False", r.stderr


def test_price_history_records_only_changes(cli, env, home):
    import sqlite3

    assert cli("catalog", "sync").code == 0
    assert cli("catalog", "sync").code == 0                               # same day: same costs
    con = sqlite3.connect(home / "data" / "ledger.db")
    n = con.execute("SELECT COUNT(*) FROM price_history").fetchone()[0]
    assert n == con.execute("SELECT COUNT(*) FROM catalog").fetchone()[0]
    later = cli("catalog", "sync", extra_env={"KAMENG_TUI_NOW": "2030-01-02T10:00:00+08:00"})   # costs drift by day
    assert later.code == 0
    assert con.execute("SELECT COUNT(*) FROM price_history").fetchone()[0] > n


async def test_snapshot_round_trip(ctx):
    await ctx.catalog.sync()
    built = ctx.catalog.index()
    snapshots = list(ctx.paths.data_dir.glob("catalog-index-*.npz"))
    assert len(snapshots) == 1
    ctx.catalog._index = None
    loaded = ctx.catalog.index()                    # from the snapshot this time
    for q in (Query(text="wzry"), Query(text="huafei 100"), Query(category="视频会员", attrs={"周期": frozenset({"月"})}),
              Query(text="", sort="price", descending=True), Query(tags=frozenset({"库存紧张"}))):
        a, b = built.query(q), loaded.query(q)
        assert (a.count, a.skus, a.facets, a.categories) == (b.count, b.skus, b.facets, b.categories)
    snapshots[0].write_bytes(b"garbage")
    ctx.catalog._index = None
    again = ctx.catalog.index()                     # a damaged snapshot is rebuilt, never trusted
    assert again.query(Query(text="wzry")).count == built.query(Query(text="wzry")).count
    await ctx.catalog.sync()                        # a sync makes a new version: the old snapshot goes
    ctx.catalog.index()
    assert len(list(ctx.paths.data_dir.glob("catalog-index-*.npz"))) == 1


def test_selected_values_keep_their_place_with_count_zero(index):
    """A search that leaves no 联通 row keeps 联通 in the 运营商 facet, counted 0: the
    filter pane still shows (and can untick) what hides the products."""
    result = index.query(Query(text="huafei 移动", attrs={"运营商": frozenset({"联通"})}))
    assert result.count == 0
    assert result.facets["运营商"]["联通"] == 0
    assert result.facets["运营商"]["移动"] > 0                  # the others as before
    card = index.query(Query(text="huafei", delivery=frozenset({"卡密"})))      # 话费 is 直充 only
    assert card.count == 0 and card.facets["发货方式"]["卡密"] == 0
    # an attribute the catalog does not have at all still lists the selected value
    odd = index.query(Query(attrs={"没有的属性": frozenset({"x"})}))
    assert odd.count == 0 and odd.facets["没有的属性"] == {"x": 0}
    # values nobody selected and nothing matches stay out, as before
    assert "联通" not in index.query(Query(text="huafei 移动")).facets["运营商"]


def test_active_filters_in_the_order_they_were_added_and_which_hide_results(index):
    from kameng_tui.domain.catalog_query import Filter, active_filters, without_filter, without_filters

    q = Query(text="huafei", attrs={"运营商": frozenset({"联通"})})
    first = active_filters(q)
    assert first == (Filter("facet", "运营商", "联通"),)
    q2 = dataclasses.replace(q, attrs={"运营商": frozenset({"联通"}), "面值": frozenset({"100元"})},
                             price_min=Decimal("5"), category="话费")
    shown = active_filters(q2, first)
    assert shown[0] == Filter("facet", "运营商", "联通")         # the older chip stays first
    assert set(shown[1:]) == {Filter("facet", "面值", "100元"), Filter("price", "", "5-"), Filter("category", "", "话费")}
    last = shown[-1]
    assert last not in active_filters(without_filter(q2, last), shown)
    cleared = without_filters(q2)
    assert active_filters(cleared) == () and cleared.text == "huafei"
    # 移动 + 联通 match nothing; dropping 联通 brings rows back, dropping 面值 does not
    empty = Query(text="huafei 移动", attrs={"运营商": frozenset({"联通"}), "面值": frozenset({"100元"})})
    assert index.query(empty).count == 0
    assert index.hiding(empty, active_filters(empty)) == (Filter("facet", "运营商", "联通"),)
    assert index.count(dataclasses.replace(empty, attrs={"面值": frozenset({"100元"})})) > 0
