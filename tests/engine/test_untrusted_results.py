"""Supplier text is untrusted (issue 14, point 5) whatever the adapter: the services
clean what any supplier returns (here the demo supplier, made to answer like a careless
third-party adapter) before it is stored or shown."""

from __future__ import annotations

import dataclasses
import json

from kameng_tui.domain.models import Card, SecretText
from kameng_tui.domain.reasons import reason_text, stored
from kameng_tui.domain.states import OrderState
from kameng_tui.services.checkout import OrderInput
from kameng_tui.suppliers.base import CatalogPage, OrderResult, RemoteState
from tests.engine.test_checkout import PHONE, a_product

EVIL = "\x1b[2J\x1b]0;owned\x07\u202e\u200b"
CONTROL_CHARS = ("\x1b", "\x07", "\u202e", "\u200b", "\u2028")


def is_clean(text: str | None) -> bool:
    return text is not None and not any(ch in text for ch in CONTROL_CHARS)


async def test_a_careless_adapters_order_result_is_cleaned_and_card_changes_flagged(ctx, monkeypatch):
    product = await a_product(ctx, "card")
    supplier = ctx.suppliers.get("demo")

    async def place_order(request):
        return OrderResult(
            client_order_no=request.client_order_no, state=RemoteState.SUCCEEDED,
            supplier_order_no="SO-1\u200b" + EVIL, charged=None, delivered_qty=2,
            cards=(Card(number="NO-0001", password=SecretText("\x1b]52;c;ZXZpbA==\x07PW-0"), expires="2027-12-31"),
                   Card(number=EVIL + "9" * 300, password=SecretText("PW-1"), expires="2027\u20281231")))

    monkeypatch.setattr(supplier, "place_order", place_order)
    fields = {f.key: ("12345678" if f.rule.value == "qq" else PHONE) for f in product.account_fields}
    placed = await ctx.checkout.place(OrderInput(sku=product.sku, fields=fields or {"account": PHONE}, quantity=2
                                                 if product.max_qty >= 2 else 1), wait_s=5)
    order = placed.order
    assert order.state is OrderState.SUCCEEDED
    assert order.supplier_order_no == "SO-1[2J]0;owned"
    from kameng_tui.services.cards import reveal_cards

    cards = reveal_cards(ctx.cards, order, True)
    assert [c["password"] for c in cards] == ["]52;c;ZXZpbA==PW-0", "PW-1"]
    assert cards[1]["number"].startswith("[2J]0;owned999") and len(cards[1]["number"]) == 256
    assert [c["expires"] for c in cards] == ["2027-12-31", "20271231"]
    anomalies = [e.body for e in ctx.ledger.events(order.order_no) if e.kind == "anomaly"]
    assert sorted((a["params"]["index"], a["params"]["field"]) for a in anomalies
                  if a["code"] == "card_field_altered") == [(0, "password"), (1, "expires"), (1, "number")]
    assert all(set(a) <= {"code", "params", "supplier_text"} for a in anomalies)
    text = json.dumps(anomalies, ensure_ascii=False)
    assert "PW-0" not in text and "PW-1" not in text and "ZXZpbA" not in text     # never the secret


async def test_a_careless_adapters_failure_reason_and_refusal_are_cleaned(ctx, monkeypatch):
    from kameng_tui.domain.errors import OutOfStock

    product = await a_product(ctx, "direct")
    supplier = ctx.suppliers.get("demo")

    async def failed(request):
        return OrderResult(client_order_no=request.client_order_no, state=RemoteState.FAILED, charged=None,
                           reason=EVIL + "号码已停机" + "停" * 400)

    monkeypatch.setattr(supplier, "place_order", failed)
    order = (await ctx.checkout.place(OrderInput(sku=product.sku, fields={"account": PHONE}), wait_s=5)).order
    assert order.state is OrderState.FAILED
    said = stored(order.reason)["supplier_text"]          # the reason is data; the supplier's words ride in it
    assert is_clean(said) and said.startswith("[2J]0;owned号码已停机") and len(said) == 300
    assert is_clean(reason_text(order.reason, "zh")) and is_clean(reason_text(order.reason, "en"))

    async def refused(request):
        raise OutOfStock(EVIL + "库存不足", message_en=EVIL + "out of stock")

    monkeypatch.setattr(supplier, "place_order", refused)
    order = (await ctx.checkout.place(OrderInput(sku=product.sku, fields={"account": PHONE}, again=True), wait_s=5)).order
    said = stored(order.reason)["supplier_text"]
    assert order.state is OrderState.FAILED and is_clean(said) and "库存不足" in said
    assert is_clean(reason_text(order.reason, "en")) and "库存不足" in reason_text(order.reason, "en")


async def test_a_careless_adapters_catalog_and_quote_are_cleaned(ctx, monkeypatch):
    supplier = ctx.suppliers.get("demo")
    real_list, real_quote = supplier.list_catalog, supplier.quote

    async def list_catalog(cursor=None):
        page = await real_list(cursor)
        items = tuple(dataclasses.replace(p, name=EVIL + p.name, category=tuple(EVIL + c for c in p.category),
                                          attributes=tuple((k, EVIL + v) for k, v in p.attributes))
                      for p in page.items)
        odd = dataclasses.replace(page.items[0], product_id="ODD\u200b", sku="demo:ODD\u200b")
        return CatalogPage(items + (odd,), page.next_cursor, page.total)

    async def quote(product_id, quantity=1):
        q = await real_quote(product_id, quantity)
        return dataclasses.replace(q, product=dataclasses.replace(q.product, name=EVIL + q.product.name))

    monkeypatch.setattr(supplier, "list_catalog", list_catalog)
    monkeypatch.setattr(supplier, "quote", quote)
    report = await ctx.catalog.sync("demo")
    assert report.errors == {}

    index = ctx.catalog.index()
    products = [index.loader(row) for row in index.row_of.values()]
    assert products and all(is_clean(p.name) and is_clean(p.category_path) for p in products)
    assert all(is_clean(v) for p in products for _, v in p.attributes)
    assert not any(p.product_id.startswith("ODD") for p in products)
    direct = await a_product(ctx, "direct")
    order = (await ctx.checkout.place(OrderInput(sku=direct.sku, fields={"account": PHONE}), wait_s=5)).order
    assert is_clean(order.product_name) and order.product_name.startswith("[2J]0;owned")
