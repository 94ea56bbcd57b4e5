"""The Fulu (福禄开放平台) supplier over its published JSON gateway.

Safety: an add call is never retried once bytes may have left; a connect failure
(nothing sent) is SupplierUnavailable; a timeout, dropped connection, non-JSON or
badly signed reply is OutcomeUnknown, then the order is queried by customer_order_no.
`idempotent_create = False` (Fulu's behaviour on a repeated number is not published),
so reconcile never re-sends a not-found order: it waits, then becomes a claim.
The app secret never reaches a log, an error or the config. A reply is read up to a
bound (1 MiB for an order call, 32 MiB for the rest) and never compressed
(suppliers/bounded.py): past the bound an add is OutcomeUnknown, a read fails.
"""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, Mapping

import httpx

from kameng_tui.domain.errors import (
    ConfigError, OffShelf, OutcomeUnknown, SecretMissing, SupplierError, SupplierUnavailable,
)
from kameng_tui.domain.models import Card, Product
from kameng_tui.domain.untrusted import REASON_MAX, clean_text
from kameng_tui.messages import Localized, Msg
from kameng_tui.suppliers.bounded import ACCEPT, ORDER_REPLY_MAX, READ_REPLY_MAX, ReplyRefused, read_bounded
from kameng_tui.suppliers.base import (
    CatalogPage, Capabilities, ConfigField, OrderResult, PlaceRequest, Quote, RemoteState, SupplierInfo,
)
from kameng_tui.suppliers.fulu import mapping
from kameng_tui.suppliers.fulu.cards import decrypt
from kameng_tui.suppliers.fulu.sign import envelope, sign_text

log = logging.getLogger(__name__)
PRODUCTION = "https://openapi.fulu.com/api/getway"
SANDBOX = "https://pre-openapi.fulu.com/api/getway"
PAGE = 500


class FuluSupplier:
    kind = "fulu"
    title: Localized | str = Msg("supplier.fulu.title")
    config_fields: tuple[ConfigField, ...] = (
        ConfigField("base_url", Msg("supplier.field.gateway_url"), required=False, default=PRODUCTION),
        ConfigField("app_key", Msg("supplier.field.app_key")),
        ConfigField("secret", Msg("supplier.field.app_secret"), secret=True))
    capabilities = Capabilities(idempotent_create=False, query_by_client_no=True, async_fulfilment=True,
                                max_quantity=50, order_no_max_len=50, not_found_grace_s=1800,
                                max_concurrency=4, catalog_page_size=PAGE)

    def __init__(self, name: str, app_key: str, secret: str, base_url: str = PRODUCTION,
                 deadline_s: float = 20.0, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.name = name
        self._app_key = app_key
        self._secret = secret
        self.base_url = base_url
        self.deadline_s = deadline_s
        self._transport = transport
        self._client: httpx.AsyncClient | None = None
        self._products: dict[str, Product] | None = None
        self._templates: dict[str, tuple[tuple, str | None]] = {}
        self._game_names: dict[str, str] = {}

    def __repr__(self) -> str:
        return f"FuluSupplier(name={self.name!r}, base_url={self.base_url!r})"

    @classmethod
    def from_config(cls, name: str, options: Mapping[str, Any], secret: str | None, env: Mapping[str, str]) -> "FuluSupplier":
        app_key = options.get("app_key")
        if not app_key:
            raise ConfigError(Msg("err.supplier.missing_option", name=name, key="app_key",
                                  fix=f"kameng-tui supplier add {name} --kind fulu --app-key KEY"))
        if not secret:
            from kameng_tui.secret_store import env_name  # only for the message

            raise SecretMissing(Msg("err.fulu.no_secret", name=name, env=env_name(name)))
        base = options.get("base_url") or (SANDBOX if str(options.get("sandbox", "")).lower() in ("1", "true") else PRODUCTION)
        if not (base.startswith("https://") or base.startswith("http://127.0.0.1") or base.startswith("http://localhost")):
            raise ConfigError(Msg("err.fulu.not_https", base=base))
        return cls(name, str(app_key), secret, base, float(options.get("deadline_s", 20.0)))

    def created_nothing(self, code: str, upstream_code: str | None) -> bool:
        """suppliers/factory.py DeclaresNothingCreated: Fulu's 3001-3005 and 3008."""
        return mapping.created_nothing(code, upstream_code)

    def describe(self) -> SupplierInfo:
        return SupplierInfo(
            name=self.name, kind="fulu", title=self.title, capabilities=self.capabilities,
            config_fields=self.config_fields,
        )

    # --- transport ------------------------------------------------------------------------
    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(timeout=httpx.Timeout(connect=3.0, read=10.0, write=10.0, pool=5.0),
                                             transport=self._transport)
        return self._client

    async def _call(self, method: str, biz: Mapping[str, Any], *, adding: bool = False) -> Any:
        """One gateway call -> the decoded `result`. Raises the shared errors."""
        body = json.dumps(envelope(self._app_key, method, biz, self._secret, datetime.now(timezone.utc)),
                          separators=(",", ":"), ensure_ascii=False).encode("utf-8")
        limit = ORDER_REPLY_MAX if method.startswith("fulu.order.") else READ_REPLY_MAX
        try:
            async with asyncio.timeout(self.deadline_s):
                async with self._http().stream("POST", self.base_url, content=body,
                                               headers={"Content-Type": "application/json", **ACCEPT}) as resp:
                    raw = await read_bounded(resp, limit)
        except (httpx.ConnectError, httpx.ConnectTimeout):
            raise SupplierUnavailable(Msg("err.fulu.connect")) from None
        except ReplyRefused as exc:
            log.warning("%s %s: %s", self.name, method, exc)
            msg = Msg("err.supplier.encoding", name=self.name, encoding=clean_text(exc.encoding, 40)) \
                if exc.encoding is not None else Msg("err.supplier.too_large", name=self.name, limit=exc.limit_text)
            raise (OutcomeUnknown(msg) if adding else SupplierError(msg)) from None
        except (httpx.HTTPError, TimeoutError, asyncio.TimeoutError) as exc:
            raise OutcomeUnknown(Msg("err.fulu.no_reply", kind=type(exc).__name__)) from None
        try:
            reply = json.loads(raw)
            code = int(reply["code"])
            message = clean_text(str(reply.get("message", "")), REASON_MAX)
        except (ValueError, KeyError, TypeError):
            log.warning("%s %s: unreadable reply (HTTP %s, %d bytes)", self.name, method, resp.status_code, len(raw))
            raise OutcomeUnknown(Msg("err.fulu.unreadable")) from None
        if code != 0:
            log.info("%s %s: code %s %s", self.name, method, code, message)
            raise mapping.refusal(code, message, adding=adding)
        result_text = reply.get("result") or "{}"
        given = reply.get("sign") or ""
        if given and sign_text(result_text, self._secret) != given:
            raise OutcomeUnknown(Msg("err.fulu.bad_sign"))
        try:
            return json.loads(result_text) if isinstance(result_text, str) else result_text
        except ValueError:
            raise OutcomeUnknown(Msg("err.fulu.bad_result")) from None

    # --- catalog, quote, balance ----------------------------------------------------------------
    async def _catalog(self) -> dict[str, Product]:
        if self._products is None:
            rows = await self._call("fulu.goods.list.get", {})
            items = [mapping.product(self.name, r) for r in (rows or [])] + mapping.mobile_products(self.name)
            self._products = {p.product_id: p for p in items}
        return self._products

    async def list_catalog(self, cursor: str | None = None) -> CatalogPage:
        items = list((await self._catalog()).values())
        start = int(cursor or 0)
        nxt = start + PAGE
        return CatalogPage(tuple(items[start:nxt]), str(nxt) if nxt < len(items) else None, len(items))

    async def quote(self, product_id: str, quantity: int = 1) -> Quote:
        if product_id.startswith("mobile-"):
            p = (await self._catalog()).get(product_id)
        else:
            raw = await self._call("fulu.goods.info.get", {"product_id": product_id})
            p = mapping.product(self.name, raw) if raw else None
            if p is not None:
                p = await self._fresh(p, raw, quantity)
        if p is None:
            raise OffShelf(Msg("err.fulu.no_product", product_id=product_id), field="sku")
        return Quote(product=p, unit_cost=p.unit_cost, quantity=quantity)

    async def _fresh(self, p: Product, raw: Mapping[str, Any], quantity: int) -> Product:
        """Stock now (fulu.goods.stock.check) and, for direct products, the template's
        account fields ("直充商品必须调用商品模板")."""
        from dataclasses import replace

        stock = await self._call("fulu.goods.stock.check", {"product_id": int(p.product_id), "buy_num": quantity})
        status = str((stock or {}).get("stock_status", ""))
        p = replace(p, stock=0 if status == "断货" else None, stock_alarm=status == "警报")
        template_id = str(raw.get("template_id") or "")
        if p.delivery.value == "direct" and template_id:
            if template_id not in self._templates:
                tpl = await self._call("fulu.goods.template.get", {"template_id": template_id})
                self._templates[template_id] = mapping.template_fields(tpl or {})
            fields, game = self._templates[template_id]
            if game:
                self._game_names[p.product_id] = game
            p = replace(p, account_fields=fields)
        return p

    async def balance(self) -> Decimal:
        info = await self._call("fulu.user.info.get", {})
        value = mapping.money_of((info or {}).get("balance"))
        if value is None:
            raise SupplierError(Msg("err.fulu.balance"))
        return value

    # --- orders -------------------------------------------------------------------------------
    def _add(self, req: PlaceRequest) -> tuple[str, dict[str, Any]]:
        no, pid = req.client_order_no, req.product_id
        if pid.startswith("mobile-"):
            return "fulu.order.mobile.add", {"charge_phone": req.account.get("account", ""),
                                             "charge_value": int(pid.split("-", 1)[1]), "customer_order_no": no}
        product = (self._products or {}).get(pid)
        if product is not None and product.delivery.value == "card":
            return "fulu.order.card.add", {"product_id": int(pid), "buy_num": req.quantity, "customer_order_no": no}
        biz: dict[str, Any] = {"product_id": int(pid), "customer_order_no": no,
                               "charge_account": req.account.get("account", ""), "buy_num": req.quantity}
        if pid in self._game_names:
            biz["charge_game_name"] = self._game_names[pid]
        for ours, theirs in (("region", "charge_game_region"), ("server", "charge_game_srv"),
                             ("charge_type", "charge_type"), ("role", "charge_game_role")):
            if req.account.get(ours):
                biz[theirs] = req.account[ours]
        return "fulu.order.direct.add", biz

    async def place_order(self, request: PlaceRequest) -> OrderResult:
        if not request.product_id.startswith("mobile-") and request.product_id not in (self._products or {}):
            try:
                await self._catalog()  # card or direct: the product type picks the method (a read)
            except SupplierError as exc:
                # Nothing of this order has left yet: it may wait, unsent, for a resume.
                raise SupplierUnavailable(Msg("err.fulu.catalog_before_order", reason=exc.msg)) from None
        method, biz = self._add(request)
        result = await self._call(method, biz, adding=True)
        return OrderResult(client_order_no=request.client_order_no, state=RemoteState.PROCESSING,
                           supplier_order_no=str((result or {}).get("order_id") or "") or None,
                           charged=mapping.money_of((result or {}).get("order_price")))

    async def query_order(self, client_order_no: str) -> OrderResult:
        try:
            raw = await self._call("fulu.order.info.get", {"customer_order_no": client_order_no})
        except SupplierError as exc:
            if any(w in exc.message for w in mapping.NOT_FOUND_WORDS):
                return OrderResult(client_order_no=client_order_no, state=RemoteState.NOT_FOUND)
            raise
        cards = tuple(Card(number=decrypt(c["card_number"], self._secret).reveal() if c.get("card_number") else "",
                           password=decrypt(c["card_pwd"], self._secret), expires=c.get("card_deadline"))
                      for c in (raw or {}).get("cards") or ())
        return mapping.order_result(client_order_no, raw or {}, cards)

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None
