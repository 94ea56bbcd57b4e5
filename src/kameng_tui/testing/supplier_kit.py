"""A reusable test kit for supplier plugins: the behaviour the order flow relies on,
checked against a real built supplier (the built-ins run it in tests/suppliers/test_kit.py;
a third-party plugin runs it in its own tests, with pytest or without).

    from kameng_tui.testing.supplier_kit import KitCase, run_kit

    passed = asyncio.run(run_kit(KitCase(factory, supplier, account={"account": "13800138000"})))

Each check raises KitFailure naming itself and what was wrong; `run_kit` returns the
names of the checks that ran. Orders are placed with fresh client order numbers
(`KIT-...`), so run it against a sandbox, never a live account.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Mapping

from kameng_tui.domain.models import Product, SaleStatus
from kameng_tui.suppliers.base import OrderResult, PlaceRequest, RemoteState
from kameng_tui.suppliers.factory import SupplierFactory, declaration_problem

MAX_PAGES = 50


class KitFailure(AssertionError):
    def __init__(self, check: str, why: str) -> None:
        super().__init__(f"{check}: {why}")
        self.check, self.why = check, why


@dataclass(frozen=True)
class KitCase:
    factory: SupplierFactory
    supplier: Any                                  # a built Supplier (the protocol, suppliers/base.py)
    account: Mapping[str, str] = field(default_factory=dict)   # accepted by the product ordered
    product_id: str | None = None                  # default: the first product on sale, in stock


def _need(ok: bool, check: str, why: str) -> None:
    if not ok:
        raise KitFailure(check, why)


async def check_declaration(case: KitCase) -> None:
    problem = declaration_problem(case.factory)
    _need(problem is None, "declaration", str(problem))
    info = case.supplier.describe()
    _need(info.kind == case.factory.kind, "declaration", f"describe() says kind {info.kind!r}, the factory {case.factory.kind!r}")
    _need(info.name == case.supplier.name, "declaration", f"describe() says name {info.name!r}")
    _need(info.config_fields == case.factory.config_fields, "declaration", "describe() declares other config fields")


async def catalog(case: KitCase) -> list[Product]:
    """Every page, checked: ids unique, SKUs `<name>:<id>`, costs Decimal, paging ends."""
    name, seen, cursor = case.supplier.name, {}, None
    for _ in range(MAX_PAGES):
        page = await case.supplier.list_catalog(cursor)
        for p in page.items:
            _need(p.product_id not in seen, "catalog", f"product {p.product_id!r} listed twice")
            _need(p.supplier == name and p.sku == f"{name}:{p.product_id}", "catalog", f"product {p.sku!r} is not {name}:<id>")
            _need(isinstance(p.unit_cost, Decimal), "catalog", f"{p.sku}: unit_cost is not a Decimal")
            seen[p.product_id] = p
        if page.next_cursor is None:
            _need(bool(seen), "catalog", "no product at all")
            return list(seen.values())
        _need(page.next_cursor != cursor, "catalog", "the same cursor twice: paging never ends")
        cursor = page.next_cursor
    raise KitFailure("catalog", f"more than {MAX_PAGES} pages")


def _orderable(case: KitCase, products: list[Product]) -> Product:
    if case.product_id is not None:
        found = [p for p in products if p.product_id == case.product_id]
        _need(bool(found), "catalog", f"no product {case.product_id!r}")
        return found[0]
    for p in products:
        if p.sale_status is SaleStatus.ON and (p.stock is None or p.stock > 0):
            return p
    raise KitFailure("catalog", "no product on sale and in stock")


async def check_orders(case: KitCase, product: Product) -> None:
    sup, caps = case.supplier, case.supplier.describe().capabilities
    quote = await sup.quote(product.product_id, 1)
    _need(quote.product.product_id == product.product_id and quote.quantity == 1, "quote", "quoted another product or quantity")
    _need(isinstance(quote.unit_cost, Decimal) and quote.unit_cost >= 0, "quote", f"unit cost {quote.unit_cost!r}")
    balance = await sup.balance()
    _need(isinstance(balance, Decimal), "balance", f"{balance!r} is not a Decimal")
    unknown = f"KIT-{uuid.uuid4().hex[:12]}"[: caps.order_no_max_len]
    missing = await sup.query_order(unknown)
    _need(missing.state is RemoteState.NOT_FOUND, "query_unknown", f"an order never placed is {missing.state.value}")
    number = f"KIT-{uuid.uuid4().hex[:12]}"[: caps.order_no_max_len]
    request = PlaceRequest(number, product.product_id, 1, dict(case.account), max_unit_cost=quote.unit_cost)
    placed = await sup.place_order(request)
    _check_result(placed, number, "place")
    found = await sup.query_order(number)
    _need(found.state is not RemoteState.NOT_FOUND, "query_placed", "an order just placed is not found")
    _check_result(found, number, "query_placed")
    if caps.idempotent_create:
        again = await sup.place_order(request)
        _check_result(again, number, "idempotent_create")
        _need(again.supplier_order_no == placed.supplier_order_no, "idempotent_create",
              "the same client order number made a second order")


def _check_result(result: OrderResult, number: str, check: str) -> None:
    _need(result.client_order_no == number, check, f"result for {result.client_order_no!r}, asked {number!r}")
    _need(result.charged is None or isinstance(result.charged, Decimal), check, "charged is not a Decimal")
    _need(result.delivered_qty <= 1, check, f"delivered {result.delivered_qty} of 1")


async def run_kit(case: KitCase) -> list[str]:
    """Every check, in order; KitFailure on the first that fails."""
    await check_declaration(case)
    products = await catalog(case)
    await check_orders(case, _orderable(case, products))
    return ["declaration", "catalog", "quote", "balance", "query_unknown", "place", "query_placed",
            *(["idempotent_create"] if case.supplier.describe().capabilities.idempotent_create else [])]
