"""The offer board's inputs come from what the ledger recorded (issue 18): two demo
suppliers publish the same goods at the same cost; the demo's orders whose outcome
stayed unknown (3 in a row within 10 minutes) make it unhealthy, so the catalog row
shows the other supplier's offer and the detail says why the demo's was skipped; the
demo's unsettled orders count against its balance."""

from __future__ import annotations

from decimal import Decimal

import numpy as np
import pytest

from kameng_tui.domain.states import OrderState as S
from kameng_tui.services.checkout import OrderInput

TWO_DEMOS = '[[suppliers]]\nname = "demo"\nkind = "demo"\n\n[[suppliers]]\nname = "shop"\nkind = "demo"\n'


@pytest.fixture
async def two(env, home):
    from kameng_tui.bootstrap import build_context

    cfg = home / "config" / "config.toml"
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text(TWO_DEMOS, encoding="utf-8")
    c = build_context(env)
    await c.catalog.sync()
    yield c
    await c.aclose()
    c.close()


async def unknown_order(ctx, account: str) -> str:
    no = ctx.checkout.commit_intent(await ctx.checkout.prepare(
        OrderInput(sku="demo:HF-CM-10", fields={"account": account}, again=True)))
    ctx.ledger.transition(no, S.PENDING, S.SUBMITTED, at=ctx.clock.now())
    ctx.ledger.transition(no, S.SUBMITTED, S.UNKNOWN, at=ctx.clock.now())
    return no


def board_row(ctx, sku: str):
    pid = ctx.offers.match().product_of[sku]
    index = ctx.offer_board.index()
    return index.loader(index.row_of_product[pid]), ctx.offer_board.offers_of(pid)


async def test_a_healthy_tie_is_broken_by_supplier_name(two):
    shown, offers = board_row(two, "demo:HF-CM-100")
    assert shown.sku == "demo:HF-CM-100" and [line.chosen for line in offers.lines] == [True, False]
    assert "按供应商名先后" in offers.why.text("zh")
    assert all(line.stats.insufficient and line.supplier.health.ok for line in offers.lines)


async def test_three_unknown_outcomes_make_a_supplier_unhealthy_and_its_offer_skipped(two):
    for n in range(3):
        await unknown_order(two, f"1380013800{n}")
    shown, offers = board_row(two, "demo:HF-CM-100")
    assert shown.sku == "shop:HF-CM-100"
    demo = next(line for line in offers.lines if line.offer.supplier == "demo")
    assert demo.skip is not None and demo.skip.code == "unhealthy" and demo.skip.params["why"] == "unknowns"
    assert "10 分钟内连续 3 次结果未知" in demo.skip.msg.text("zh")
    assert "3 unknown outcomes in a row" in demo.skip.msg.text("en")
    assert demo.supplier.unsettled == 3 * two.catalog.cache.product_by_sku("demo:HF-CM-10").unit_cost
    assert demo.supplier.unsettled > Decimal(0)


async def test_the_detail_gives_a_reason_for_every_chip_of_its_row(two):
    index = two.offer_board.index()
    earned = 0
    for row, pid in enumerate(index.product_ids):
        offers = two.offer_board.offers_of(pid)
        if offers is None:
            continue                            # one offer: the pane as today
        chips = {name for name, mask in index.tags.items() if mask[row]}
        assert {t.name for t in offers.tags} == chips, (pid, offers.tags, chips)
        earned += len(chips)
    assert earned > 0


def test_each_product_row_holds_its_chosen_offers_columns_and_all_its_offers_words(two):
    """The product index, built from the SKU index's arrays, against one built the plain
    way: the chosen offers' columns picked from the cache and each product's search key
    the union of its offers' words. Same rows, same columns, same facet values, and every
    word of the vocabulary finds the same products."""
    from kameng_tui.domain.catalog_index import CatalogColumns, CatalogIndex

    index = two.offer_board.index()
    board = two.offer_board._board
    cols = two.catalog.cache.columns()
    row = {sku: r for r, sku in enumerate(cols.sku)}
    groups: dict[int, list[int]] = {}
    for r, k in enumerate(board.rows.group.tolist()):
        groups.setdefault(k, []).append(row[board.rows.skus[r]])
    best = [row[s] for s in index.skus]

    def pick(col):
        return [col[b] for b in best]

    keys = [" ".join(dict.fromkeys(w for r in groups[k] for w in cols.keys[r].split())) for k in range(index.n)]
    plain = CatalogIndex(CatalogColumns(
        ids=list(range(index.n)), sku=pick(cols.sku), supplier=pick(cols.supplier), category=pick(cols.category),
        delivery=pick(cols.delivery), cost=pick(cols.cost), face=pick(cols.face), stock=pick(cols.stock),
        alarm=pick(cols.alarm), status=pick(cols.status), rank=pick(cols.rank), attrs=pick(cols.attrs), keys=keys,
        names=pick(cols.names)), index.loader)
    assert max(len(g) for g in groups.values()) == 2 and index.n == len(groups) > 1000
    assert index.skus == plain.skus and index.names == plain.names
    for col in ("price", "face", "stock", "rank", "alarm"):
        assert (getattr(index, col) == getattr(plain, col)).all(), col

    def values(codes):
        return [codes.names[c] if c >= 0 else None for c in codes.codes]

    for mine, theirs in [(index.supplier, plain.supplier), (index.delivery, plain.delivery), (index.path, plain.path),
                         *zip(index.category, plain.category, strict=True)]:
        assert values(mine) == values(theirs) and mine.names == theirs.names
    assert list(index.attrs) == list(plain.attrs)
    assert all(values(index.attrs[a]) == values(plain.attrs[a]) for a in index.attrs)
    assert sorted(index.words) == sorted(plain.words)
    for word in index.words:
        assert (index.token_mask(word) == plain.token_mask(word)).all(), word


async def test_a_product_earns_history_low_from_the_days_of_all_its_offers(two):
    """Each offer alone has 5 days of prices (历史低价 needs 7), together 9: the product's
    row earns it, and its detail says why. The product index reads only the price points
    of products whose offers have days enough together: this one must be among them."""
    from dataclasses import replace
    from datetime import timedelta

    from kameng_tui.domain.search_keys import keys_for
    from kameng_tui.domain.tags import TAG_NAMES

    cache, now = two.catalog.cache, two.clock.now()
    offers = {s: cache.product_by_sku(f"{s}:HF-CM-100") for s in ("demo", "shop")}
    for days in range(8, 0, -1):                 # dearer every day before: demo on odd days, shop on even
        p = offers["demo" if days % 2 else "shop"]
        cache.upsert([replace(p, unit_cost=p.unit_cost + 5 + days)], [keys_for(p.name, p.category_path)],
                     at=now - timedelta(days=days))
    for p in offers.values():                    # and back to today's costs: the lowest of all those days
        cache.upsert([p], [keys_for(p.name, p.category_path)], at=now)
    two.catalog.invalidate()
    index = two.offer_board.index()
    pid = two.offers.match().product_of["demo:HF-CM-100"]
    row, low = index.row_of_product[pid], TAG_NAMES["history_low"]
    assert index.tags[low][row] and int(index.tags[low].sum()) == 1
    assert low in {t.name for t in two.offer_board.offers_of(pid).tags}
    assert not two.catalog.index().tags.get(low, np.zeros(1, bool)).any()     # neither offer alone earns it
