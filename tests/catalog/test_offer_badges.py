"""Badges of a product of several offers from what the ledger recorded (issue 18,
"Badges per product"): 秒到 and 热销TOP count the orders placed through ANY offer of the
product. Two demo suppliers publish the same goods (tests/catalog/test_offer_board.py);
移动话费50元 earns no badge from the suppliers' own data, so whatever it earns here
comes from our orders. The board was built before the orders, as the open catalog's is."""

from __future__ import annotations

from kameng_tui.domain.states import OrderState as S
from kameng_tui.services.checkout import OrderInput

from test_offer_board import two  # noqa: F401  (the fixture)

SKU = "HF-CM-50"


def chips(ctx, pid: str) -> set[str]:
    index = ctx.offer_board.index()
    row = index.row_of_product[pid]
    return {name for name, mask in index.tags.items() if mask[row]}


async def orders_through(ctx, suppliers: list[str], first: int = 0) -> None:
    for i, name in enumerate(suppliers, start=first):
        placed = await ctx.checkout.place(OrderInput(sku=f"{name}:{SKU}", fields={"account": f"1380013{i:04d}"},
                                                     again=True), wait_s=5)
        assert placed.order.state is S.SUCCEEDED and placed.order.supplier == name


async def test_fast_and_hot_count_the_orders_of_every_offer_and_not_too_few(two):  # noqa: F811
    pid = two.offers.match().product_of[f"demo:{SKU}"]
    assert chips(two, pid) == set()                          # nothing from the suppliers' data
    await orders_through(two, ["demo", "shop"])              # 2 in all: under 3 sales and 5 deliveries
    assert chips(two, pid) == set()
    await orders_through(two, ["demo", "shop", "demo", "shop"], 2)   # 3 each: too few alone for 秒到
    got = chips(two, pid)
    assert {"秒到", "热销TOP"} <= got, got
    reasons = {t.name: t.reason for t in two.offer_board.offers_of(pid).tags}
    assert "6" in reasons["秒到"] and "6" in reasons["热销TOP"], reasons
