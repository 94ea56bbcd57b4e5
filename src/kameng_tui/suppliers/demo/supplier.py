"""The embedded demo supplier: a wholesaler in a file, no network.

Behaves like a real upstream where it matters for correctness: it charges inside
the same transaction that records the order, answers a repeated number with the
first result, delivers 卡密 at once and tops up 直充 asynchronously, refuses
definitively before charging, and — through its knobs — is slow, fails, loses
replies and moves prices, so the client's guarantees can be tested.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import re
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from functools import cached_property
from pathlib import Path
from typing import Any, Mapping

from kameng_tui.domain.clock import parse_iso
from kameng_tui.domain.errors import (
    BadAccount, InsufficientBalance, OffShelf, OutcomeUnknown, OutOfStock, PriceChanged,
)
from kameng_tui.domain.models import Card, Delivery, Product, Rule, SaleStatus, SecretText, replace_product
from kameng_tui.messages import Localized, Msg, Plain
from kameng_tui.suppliers.base import (
    CatalogPage, Capabilities, ConfigField, OrderResult, PlaceRequest, Quote, RemoteState, SupplierInfo,
)
from kameng_tui.suppliers.demo import state as st
from kameng_tui.suppliers.demo.catalog import Q4, generate_catalog, h

PAGE = 500
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
QQ_RE = re.compile(r"^[1-9]\d{4,10}$")
ALNUM = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
NOTHING_CREATED = frozenset({"off_shelf", "out_of_stock", "insufficient_balance", "price_changed"})
"""Refusals of place_order raised before st.create writes anything (failover may follow)."""

# What the simulated upstream says when a top-up fails: its own words, stored verbatim
# as the order's reason (as a real supplier's are), not ours to translate.
FAIL_REASONS = ("号码已停机", "运营商维护中，充值失败", "该号码为携号转网号码，暂不支持")


@dataclass(frozen=True)
class Knobs:
    latency_ms: float = 0.0
    fail_rate: float = 0.0
    unknown_rate: float = 0.0
    price_drift: float = 0.0
    seed: str = "0"
    crash_at: str | None = None
    size: int = 2000
    now: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> "Knobs":
        def num(key: str, default: float = 0.0) -> float:
            try:
                return float(env.get(key, default))
            except ValueError:
                return default

        return cls(latency_ms=num("KAMENG_TUI_DEMO_LATENCY_MS"), fail_rate=num("KAMENG_TUI_DEMO_FAIL_RATE"),
                   unknown_rate=num("KAMENG_TUI_DEMO_UNKNOWN_RATE"), price_drift=num("KAMENG_TUI_DEMO_PRICE_DRIFT"),
                   seed=env.get("KAMENG_TUI_DEMO_SEED", "0"), crash_at=env.get("KAMENG_TUI_CRASH_AT") or None,
                   size=int(num("KAMENG_TUI_DEMO_SIZE", 2000)), now=env.get("KAMENG_TUI_NOW") or None)


class DemoSupplier:
    kind = "demo"
    title: Localized | str = Msg("supplier.demo.title")
    config_fields: tuple[ConfigField, ...] = ()
    capabilities = Capabilities(idempotent_create=True, query_by_client_no=True, async_fulfilment=True,
                                max_quantity=50, order_no_max_len=32, not_found_grace_s=60,
                                max_concurrency=16, catalog_page_size=PAGE)

    def __init__(self, name: str, state_path: str, knobs: Knobs) -> None:
        self.name = name
        self.state_path = state_path
        self.knobs = knobs

    @classmethod
    def from_config(cls, name: str, options: Mapping[str, Any], secret: str | None, env: Mapping[str, str]) -> "DemoSupplier":
        path = options.get("state_path")
        if not path:
            home = env.get("KAMENG_TUI_HOME")
            path = str(Path(home) / "data" / f"{name}-supplier.db") if home else ":memory:"
        return cls(name, str(path), Knobs.from_env(env))

    # --- catalog ------------------------------------------------------------------------
    @cached_property
    def _catalog(self) -> list[Product]:
        return generate_catalog(self.knobs.size, self.name)

    @cached_property
    def _by_id(self) -> dict[str, Product]:
        return {p.product_id: p for p in self._catalog}

    @cached_property
    def _con(self):
        return st.connect(self.state_path)

    def created_nothing(self, code: str, upstream_code: str | None) -> bool:
        """suppliers/factory.py DeclaresNothingCreated: refused before its books are written."""
        return code in NOTHING_CREATED

    def describe(self) -> SupplierInfo:
        return SupplierInfo(
            name=self.name, kind="demo", title=self.title, capabilities=self.capabilities,
        )

    def _day(self) -> int:
        now = parse_iso(self.knobs.now) if self.knobs.now else datetime.now(timezone.utc)
        return now.toordinal()

    def _today(self, p: Product) -> Product:
        """Costs drift over simulated days (±2 %, 话费 ±0.3 %), stock falls with sales."""
        span = Decimal("0.003") if p.category[0] == "话费" else Decimal("0.02")
        wobble = Decimal((h(f"{p.product_id}:{self._day()}") % 2001) - 1000) / Decimal(1000)
        cost = (p.unit_cost * (1 + span * wobble)).quantize(Q4)
        if p.face_value is not None and p.category[0] == "话费":
            cost = min(cost, (p.face_value * Decimal("0.999")).quantize(Q4))
        stock = None if p.stock is None else max(0, p.stock - st.sold(self._con, p.product_id))
        return replace_product(p, unit_cost=cost, stock=stock, stock_alarm=stock is not None and stock < 10)

    async def list_catalog(self, cursor: str | None = None) -> CatalogPage:
        start = int(cursor or 0)
        items = tuple(self._today(p) for p in self._catalog[start:start + PAGE])
        nxt = start + PAGE
        return CatalogPage(items=items, next_cursor=str(nxt) if nxt < len(self._catalog) else None,
                           total=len(self._catalog))

    def _product(self, product_id: str) -> Product:
        p = self._by_id.get(product_id)
        if p is None:
            raise OffShelf(Msg("err.demo.no_product", product_id=product_id), field="sku")
        return self._today(p)

    async def quote(self, product_id: str, quantity: int = 1) -> Quote:
        p = self._product(product_id)
        unit = p.unit_cost
        for min_qty, tier_cost in p.tiers:
            if quantity >= min_qty:
                unit = min(unit, tier_cost)
        return Quote(product=p, unit_cost=unit, quantity=quantity)

    async def balance(self) -> Decimal:
        return st.balance(self._con)

    # --- orders -------------------------------------------------------------------------
    def _rand(self, order_no: str, what: str) -> float:
        return (h(f"{self.knobs.seed}:{order_no}:{what}") % 1_000_000) / 1_000_000

    async def _latency(self) -> None:
        if self.knobs.latency_ms > 0:
            await asyncio.sleep(self.knobs.latency_ms / 2000)

    def _check(self, p: Product, req: PlaceRequest) -> None:
        if p.sale_status is not SaleStatus.ON:
            raise OffShelf(Msg("err.demo.not_on_sale", name=p.name, status=p.sale_status.label))
        if not (p.min_qty <= req.quantity <= p.max_qty):
            raise BadAccount(Msg("err.demo.quantity", lo=p.min_qty, hi=p.max_qty), field="quantity")
        for f in p.account_fields:
            value = str(req.account.get(f.key, "")).strip()
            if f.required and not value:
                raise BadAccount(Msg("err.demo.missing", label=Plain(f.label, f.key)), field=f.key)
            if f.rule is Rule.MOBILE and not MOBILE_RE.match(value):
                raise BadAccount(Msg("err.demo.phone"), field=f.key)
            if f.rule is Rule.QQ and not QQ_RE.match(value):
                raise BadAccount(Msg("err.demo.qq"), field=f.key)

    async def place_order(self, request: PlaceRequest) -> OrderResult:
        await self._latency()
        con = self._con
        existing = st.find(con, request.client_order_no)
        if existing is None:
            p = self._product(request.product_id)
            self._check(p, request)
            unit = (await self.quote(request.product_id, request.quantity)).unit_cost
            if self.knobs.price_drift:
                unit = (unit * (1 + Decimal(str(self.knobs.price_drift)) * Decimal(str(self._rand(request.client_order_no, "drift"))))).quantize(Q4)
            if request.max_unit_cost is not None and unit > request.max_unit_cost:
                raise PriceChanged(Msg("err.demo.price", unit=unit))
            fails = p.delivery is Delivery.DIRECT and self._rand(request.client_order_no, "fail") < self.knobs.fail_rate
            now = time.time()
            delay = 0.0 if self.knobs.latency_ms <= 0 else min(2.0, self.knobs.latency_ms * 5 / 1000)
            try:
                row, _ = st.create(
                    con, order_no=request.client_order_no, product_id=p.product_id, quantity=request.quantity,
                    account=dict(request.account), charge=unit * request.quantity, stock=self._by_id[p.product_id].stock,
                    state="failed" if fails else ("succeeded" if p.delivery is Delivery.CARD else "processing"),
                    reason=FAIL_REASONS[h(request.client_order_no) % len(FAIL_REASONS)] if fails else None,
                    card_count=request.quantity if p.delivery is Delivery.CARD else 0,
                    now=now, settle_at=now + delay, crash_at=self.knobs.crash_at,
                )
            except st.Refused as exc:
                err = {"out_of_stock": OutOfStock, "insufficient_balance": InsufficientBalance}[exc.kind]
                raise err(Msg(f"err.demo.{exc.kind}")) from None
        else:
            row = existing
        await self._latency()
        if self._rand(request.client_order_no, "lost") < self.knobs.unknown_rate:
            raise OutcomeUnknown(Msg("err.demo.reply_lost"))
        return self._result(row)

    async def query_order(self, client_order_no: str) -> OrderResult:
        row = st.settle_due(self._con, client_order_no, time.time())
        if row is None:
            return OrderResult(client_order_no=client_order_no, state=RemoteState.NOT_FOUND)
        return self._result(row)

    def _result(self, row: st.Row) -> OrderResult:
        state = RemoteState(row.state)
        return OrderResult(
            client_order_no=row.order_no, state=state, supplier_order_no=row.supplier_order_no,
            charged=row.charged, refunded=row.refunded,
            delivered_qty=row.quantity if state is RemoteState.SUCCEEDED else 0,
            cards=tuple(self._card(row.order_no, i) for i in range(row.card_count)),
            reason=row.reason,
        )

    def _card(self, order_no: str, i: int) -> Card:
        """The same card on every query: derived from the number, never stored."""
        digest = hmac.new(b"kameng-demo-cards", f"{order_no}:{i}".encode(), hashlib.sha256).digest()
        password = "".join(ALNUM[b % len(ALNUM)] for b in digest[:16])
        number = "".join(str(b % 10) for b in digest[16:32])
        return Card(number=number, password=SecretText(password), expires="2027-12-31")

    async def aclose(self) -> None:
        if "_con" in self.__dict__:
            self._con.close()
            del self.__dict__["_con"]
