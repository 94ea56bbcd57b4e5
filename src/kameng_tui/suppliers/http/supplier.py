"""The HTTP supplier adapter: any wholesaler speaking protocol v1 (docs/supplier-protocol.md).

Safety rules, in one place:
- every reply must carry a valid signature bound to our request nonce; an unsigned,
  badly signed, non-JSON or off-spec reply to a create is OutcomeUnknown (-> reconcile
  by query), never a crash and never a resend under a new number. One exception, the
  protocol's: a server can't sign its 401 for a key id it doesn't know. Over HTTPS or
  loopback (the transport vouches for the server) an unsigned `401 auth_failed` is
  taken at its word: rejected before the order was read, nothing created (AuthFailed);
- a refusal of our key or clock is counted (`refusals`, `last_refusal`), so a batch
  stops sending to this supplier instead of walking every line into the same wall;
- a create is sent again (same number, same bytes) only after a connect error that
  proves nothing left, or after a signed 429 (rejected before the order was read),
  waiting its Retry-After; reads are retried with backoff;
- every call runs under an overall deadline (a server dripping bytes cannot hold it),
  a per-supplier concurrency bound and an optional request rate limit;
- HTTPS is required except on loopback; the secret never reaches a log, an error or
  the config;
- a reply is read up to a bound (1 MiB for an order's, 32 MiB for the rest) and never
  compressed (suppliers/bounded.py): past the bound a create's or a query's order stays
  unknown, a catalog sync fails; an error's message is cleaned of control characters.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import Counter
from dataclasses import replace
from decimal import Decimal
from typing import Any, Mapping
from urllib.parse import quote, urlencode, urlsplit

import httpx

from kameng_tui import __version__
from kameng_tui.domain.errors import (
    AuthFailed, ClockSkew, ConfigError, OffShelf, OutcomeUnknown, RateLimited, SecretMissing, SupplierError,
    SupplierUnavailable,
)
from kameng_tui.messages import Localized, Msg
from kameng_tui.suppliers.base import (
    CatalogPage, Capabilities, ConfigField, OrderResult, PlaceRequest, Quote, RemoteState, SupplierInfo,
)
from kameng_tui.domain.untrusted import REASON_MAX, clean_text
from kameng_tui.suppliers.bounded import ACCEPT, ORDER_REPLY_MAX, READ_REPLY_MAX, ReplyRefused, read_bounded
from kameng_tui.suppliers.http import protocol as P
from kameng_tui.suppliers.http.replies import KeyUnknown, Reply, Unsure, error_code, retry_after, to_result

log = logging.getLogger(__name__)
USER_AGENT = f"kameng-tui/{__version__} (protocol v1)"
LOOPBACK = ("127.0.0.1", "localhost", "::1")
READ_BACKOFF_S = (0.05, 0.2, 0.5, 1.0)
MAX_429_WAITS = 5


def _num(options: Mapping[str, Any], key: str, default: float, name: str, *, integer: bool = False) -> Any:
    raw = options.get(key, default)
    try:
        value = int(raw) if integer else float(raw)
    except (TypeError, ValueError):
        raise ConfigError(Msg("err.supplier.option_not_number", name=name, key=key, raw=repr(raw)), field=key) from None
    if value < 0 or value != value:
        raise ConfigError(Msg("err.supplier.option_negative", name=name, key=key), field=key)
    return value


class HttpSupplier:
    kind = "http"
    title: Localized | str = Msg("supplier.http.kind_title")
    config_fields: tuple[ConfigField, ...] = (
        ConfigField("base_url", Msg("supplier.field.api_url")),
        ConfigField("key_id", Msg("supplier.field.key_id")),
        ConfigField("secret", Msg("supplier.field.secret"), secret=True))
    capabilities = Capabilities(idempotent_create=True, query_by_client_no=True, async_fulfilment=True,
                                max_quantity=50, order_no_max_len=64)

    def __init__(self, name: str, base_url: str, key_id: str, secret: str, *, deadline_s: float = 20.0,
                 connect_s: float = 3.0, read_s: float = 10.0, max_concurrency: int = 8, rate: float = 0.0,
                 page_size: int = 500, grace_s: int = 600, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.name = name
        self.base_url = base_url.rstrip("/")
        self._prefix = urlsplit(self.base_url).path.rstrip("/")
        self.key_id = key_id
        self._secret = secret
        self.deadline_s = deadline_s
        self.connect_s = connect_s
        self.read_s = read_s
        self._timeouts = {"connect": connect_s, "read": read_s, "write": read_s, "pool": deadline_s}
        """httpx's per-request timeout extension (docs: "Request Extensions")."""
        self.max_concurrency = max(1, max_concurrency)
        self.rate = rate
        self.page_size = page_size
        self.grace_s = grace_s
        self._transport = transport
        self._pool: httpx.AsyncBaseTransport | None = None
        self._sem: asyncio.Semaphore | None = None
        self._rate_lock: asyncio.Lock | None = None
        self._next_slot = 0.0
        self._pages: dict[str, tuple[str, CatalogPage]] = {}
        self.skew_s: float | None = None
        self.refusals = 0
        """How many times this supplier refused our key id, secret or clock (never reset:
        a batch compares it before and after a line, see services/batch.py)."""
        self.last_refusal: Localized | None = None
        self.connect_failures: Counter[str] = Counter()
        """Creates that failed to connect (provably nothing sent), per client order number."""

    def __repr__(self) -> str:
        return f"HttpSupplier(name={self.name!r}, base_url={self.base_url!r}, key_id={self.key_id!r})"

    @classmethod
    def from_config(cls, name: str, options: Mapping[str, Any], secret: str | None, env: Mapping[str, str]) -> "HttpSupplier":
        base = str(options.get("base_url") or "")
        key_id = str(options.get("key_id") or "")
        fix = f"kameng-tui supplier add {name} --kind http --base-url URL --key-id K"
        if not base:
            raise ConfigError(Msg("err.supplier.missing_option", name=name, key="base_url", fix=fix), field="base_url")
        check_base_url(base, name)
        if not key_id:
            raise ConfigError(Msg("err.supplier.missing_option", name=name, key="key_id", fix=fix), field="key_id")
        if not secret:
            from kameng_tui.secret_store import env_name  # only for the message

            raise SecretMissing(Msg("err.supplier.no_secret_http", name=name, env=env_name(name)))
        return cls(name, base, key_id, secret,
                   deadline_s=_num(options, "deadline_s", 20.0, name), connect_s=_num(options, "connect_s", 3.0, name),
                   read_s=_num(options, "read_s", 10.0, name),
                   max_concurrency=_num(options, "max_concurrency", 8, name, integer=True) or 1,
                   rate=_num(options, "rate", 0.0, name), page_size=_num(options, "page_size", 500, name, integer=True) or 500,
                   grace_s=_num(options, "grace_s", 600, name, integer=True))

    def created_nothing(self, code: str, upstream_code: str | None) -> bool:
        """suppliers/factory.py DeclaresNothingCreated: the protocol's NOTHING_CREATED codes."""
        return code in P.NOTHING_CREATED

    def describe(self) -> SupplierInfo:
        return SupplierInfo(
            name=self.name, kind="http", title=Msg("supplier.http.title", host=urlsplit(self.base_url).hostname),
            capabilities=replace(self.capabilities, not_found_grace_s=self.grace_s,
                                 max_concurrency=self.max_concurrency, catalog_page_size=self.page_size),
            config_fields=self.config_fields,
        )

    # --- transport ---------------------------------------------------------------------------
    def _http(self) -> httpx.AsyncBaseTransport:
        """httpx's transport, used directly: the protocol needs no cookies, redirects or
        auth flows, and the client's handling of them cost about a third of the CPU of
        a create (the cookie jar alone parses every reply's headers)."""
        if self._pool is None:
            n = self.max_concurrency
            self._pool = self._transport or httpx.AsyncHTTPTransport(
                limits=httpx.Limits(max_connections=n, max_keepalive_connections=n))
            self._sem = asyncio.Semaphore(n)
            self._rate_lock = asyncio.Lock()
        return self._pool

    async def _pace(self) -> None:
        if self.rate <= 0:
            return
        assert self._rate_lock is not None
        async with self._rate_lock:
            now = time.monotonic()
            wait = self._next_slot - now
            self._next_slot = max(now, self._next_slot) + 1.0 / self.rate
        if wait > 0:
            await asyncio.sleep(wait)

    async def _once(self, method: str, path: str, query: Mapping[str, str], body: bytes,
                    extra: Mapping[str, str] | None = None, limit: int = READ_REPLY_MAX) -> Reply:
        """One signed request; raises httpx errors as they come, Unsure on a bad reply,
        ReplyRefused on one over `limit` bytes or compressed."""
        transport = self._http()
        full_path = self._prefix + path
        qs = urlencode(sorted(query.items())) if query else ""
        headers = P.sign_request(self.key_id, self._secret, method, full_path, qs, body)
        headers.update(extra or {})
        headers["User-Agent"] = USER_AGENT
        headers.update(ACCEPT)
        if body:
            headers["Content-Type"] = "application/json"
        url = self.base_url + path + (f"?{qs}" if qs else "")
        assert self._sem is not None
        async with self._sem:
            await self._pace()
            resp = await transport.handle_async_request(httpx.Request(
                method, url, content=body or None, headers=headers, extensions={"timeout": self._timeouts}))
            try:
                raw = await read_bounded(resp, limit)
            finally:
                await resp.aclose()
        if resp.status_code == 401 and not resp.headers.get(P.H_SIG):
            if error_code(raw) == "auth_failed" and vouched(self.base_url):
                raise KeyUnknown()
            raise Unsure("unsigned 401", 401)
        if not P.check_reply(self._secret, resp.headers, resp.status_code, headers[P.H_NONCE], raw):
            # a 401 auth_failed signed with a secret we don't have: ours is wrong, most likely
            refused = resp.status_code == 401 and error_code(raw) == "auth_failed"
            raise Unsure(f"reply to {method} {path} is not signed correctly (HTTP {resp.status_code})",
                          resp.status_code, refused)
        if resp.status_code == 304:
            return Reply(304, None, resp.headers, int(headers[P.H_TS]))
        try:
            doc = json.loads(raw)
        except (ValueError, UnicodeDecodeError):
            raise Unsure(f"reply to {method} {path} is not JSON (HTTP {resp.status_code}, {len(raw)} bytes)") from None
        if not isinstance(doc, dict):
            raise Unsure(f"reply to {method} {path} is not an object")
        return Reply(resp.status_code, doc, resp.headers, int(headers[P.H_TS]))

    def _refused_us(self, err: SupplierError) -> SupplierError:
        """Count a refusal of our credentials or clock: the next request would get it too."""
        self.refusals += 1
        self.last_refusal = err.msg
        return err

    def _error(self, reply: Reply) -> tuple[str, str, Any]:
        err = reply.doc.get("error") if isinstance(reply.doc, dict) else None
        if not isinstance(err, dict):
            return "", "", None
        return clean_text(str(err.get("code", "")), 40), clean_text(str(err.get("message", "")), REASON_MAX), err

    def _refusal(self, reply: Reply) -> SupplierError:
        code, message, err = self._error(reply)
        said = message or code or reply.status
        if code == "clock_skew":
            try:
                skew = reply.sent_ts - float(err.get("server_time"))
            except (TypeError, ValueError):
                skew = None
            self.skew_s = skew
            text = f"{skew:+.0f}" if skew is not None else "?"
            return self._refused_us(ClockSkew(Msg("err.http.clock_skew", name=self.name, skew=text), skew_s=skew))
        if code == "auth_failed":
            return self._refused_us(AuthFailed(Msg("err.http.key_refused_order", name=self.name, said=said)))
        if code == "rate_limited":
            return RateLimited(Msg("err.http.rate_limited", name=self.name), retry_after=retry_after(reply.headers))
        cls = P.ERRORS.get(code, (0, OutcomeUnknown))[1]
        field = err.get("field") if isinstance(err, dict) and isinstance(err.get("field"), str) else None
        if code == "not_found" or cls is OutcomeUnknown:
            return OutcomeUnknown(Msg("err.supplier.says_http", name=self.name, said=said, status=reply.status))
        return cls(Msg("err.supplier.says", name=self.name, said=said), field=field)

    def _not_read(self, exc: ReplyRefused) -> Msg:
        if exc.encoding is not None:
            return Msg("err.supplier.encoding", name=self.name, encoding=clean_text(exc.encoding, 40))
        return Msg("err.supplier.too_large", name=self.name, limit=exc.limit_text)

    async def _read(self, method: str, path: str, query: Mapping[str, str] | None = None, body: bytes = b"",
                    extra: Mapping[str, str] | None = None, ok: tuple[int, ...] = (200,),
                    limit: int = READ_REPLY_MAX) -> Reply:
        """A read (or a signed re-ask): retried on anything that proves nothing, within the deadline."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.deadline_s
        last = ""
        attempt = 0
        waits_429 = 0
        while True:
            left = deadline - loop.time()
            if left <= 0:
                break
            try:
                # one attempt may not eat the whole deadline: a dripping reply is cut and re-asked
                async with asyncio.timeout(min(left, self.connect_s + 2 * self.read_s)):
                    reply = await self._once(method, path, query or {}, body, extra, limit)
            except (TimeoutError, asyncio.TimeoutError):
                last = "no reply in time"
            except ReplyRefused as exc:        # asking again would get the same: refused at once
                log.warning("%s %s %s: %s", self.name, method, path, exc)
                raise SupplierError(self._not_read(exc)) from None
            except KeyUnknown:
                raise self._refused_us(AuthFailed(Msg("err.http.unknown_key", name=self.name, key_id=self.key_id))) \
                    from None
            except (httpx.HTTPError, Unsure, OSError) as exc:
                if isinstance(exc, Unsure) and exc.status == 401:
                    if exc.refused:
                        raise self._refused_us(AuthFailed(Msg("err.http.secret_refused", name=self.name))) from None
                    raise AuthFailed(Msg("err.http.auth", name=self.name)) from None
                last = exc.why if isinstance(exc, Unsure) else type(exc).__name__
                log.info("%s %s %s: %s (attempt %d)", self.name, method, path, last, attempt + 1)
            else:
                if reply.status in ok or reply.status == 304:
                    return reply
                if reply.status == 429 and waits_429 < MAX_429_WAITS:
                    waits_429 += 1
                    await asyncio.sleep(min(retry_after(reply.headers) or 0.5, max(0.0, deadline - loop.time())))
                    continue
                if reply.status < 500:
                    raise self._as_read_error(reply)
                last = f"HTTP {reply.status}"
            if attempt >= len(READ_BACKOFF_S):
                break
            await asyncio.sleep(min(READ_BACKOFF_S[attempt], max(0.0, deadline - loop.time())))
            attempt += 1
        raise SupplierUnavailable(Msg("err.http.unreadable", name=self.name, last=last))

    def _as_read_error(self, reply: Reply) -> SupplierError:
        code, message, _ = self._error(reply)
        if code in ("auth_failed", "nonce_reused"):
            err: SupplierError = AuthFailed(Msg("err.http.auth_said", name=self.name, said=message))
            return self._refused_us(err) if code == "auth_failed" else err
        err = self._refusal(reply)
        if isinstance(err, OutcomeUnknown):
            return SupplierError(err.msg)
        return err

    # --- catalog, quote, balance -----------------------------------------------------------------
    async def list_catalog(self, cursor: str | None = None) -> CatalogPage:
        key = cursor or ""
        query = {"limit": str(self.page_size)}
        if cursor:
            query["cursor"] = cursor
        cached = self._pages.get(key)
        extra = {"If-None-Match": cached[0]} if cached else None
        reply = await self._read("GET", "/v1/catalog", query, extra=extra)
        if reply.status == 304 and cached:
            return cached[1]
        try:
            doc = reply.doc
            items = tuple(P.product_in(self.name, d) for d in doc["items"])
            nxt = doc.get("next_cursor")
            if nxt is not None and not isinstance(nxt, str):
                raise P.WireError("next_cursor must be a string or null")
            total = doc.get("total")
            page = CatalogPage(items, nxt, total if isinstance(total, int) else None)
        except (P.WireError, KeyError, TypeError) as exc:
            raise SupplierError(Msg("err.http.catalog_off_spec", name=self.name, error=str(exc))) from None
        etag = reply.headers.get("ETag")
        if etag:
            self._pages[key] = (etag, page)
        return page

    async def quote(self, product_id: str, quantity: int = 1) -> Quote:
        reply = await self._read("GET", "/v1/quote", {"product_id": product_id, "quantity": str(quantity)}, ok=(200, 404))
        if reply.status == 404:
            raise OffShelf(Msg("err.supplier.no_product", name=self.name, product_id=product_id), field="sku")
        try:
            product = P.product_in(self.name, reply.doc["product"])
            return Quote(product=product, unit_cost=P.money_in(reply.doc.get("unit_cost"), "unit_cost"), quantity=quantity)
        except (P.WireError, KeyError, TypeError) as exc:
            raise SupplierError(Msg("err.http.quote_off_spec", name=self.name, error=str(exc))) from None

    async def balance(self) -> Decimal:
        reply = await self._read("GET", "/v1/balance")
        try:
            return P.money_in(reply.doc.get("balance"), "balance")
        except P.WireError as exc:
            raise SupplierError(Msg("err.http.balance_off_spec", name=self.name, error=str(exc))) from None

    # --- orders ---------------------------------------------------------------------------------
    async def place_order(self, request: PlaceRequest) -> OrderResult:
        body = request.to_json().encode("utf-8")   # canonical; stored with the intent, byte for byte
        no = request.client_order_no
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.deadline_s
        connect_tries = 0
        waits_429 = 0
        while True:
            left = deadline - loop.time()
            if left <= 0:
                raise OutcomeUnknown(Msg("err.http.deadline", name=self.name))
            try:
                async with asyncio.timeout(left):
                    reply = await self._once("POST", "/v1/orders", {}, body, limit=ORDER_REPLY_MAX)
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
                # Nothing left this machine: the same bytes may go again.
                connect_tries += 1
                self.connect_failures[no] += 1
                log.info("%s create %s: %s before sending (try %d)", self.name, no, type(exc).__name__, connect_tries)
                if connect_tries >= 3:
                    raise SupplierUnavailable(Msg("err.http.connect", name=self.name)) from None
                await asyncio.sleep(min(0.2 * connect_tries, max(0.0, deadline - loop.time())))
                continue
            except (TimeoutError, asyncio.TimeoutError):
                raise OutcomeUnknown(Msg("err.http.deadline", name=self.name)) from None
            except ReplyRefused as exc:        # the order was read: what became of it, we did not
                log.warning("%s create %s: %s", self.name, no, exc)
                raise OutcomeUnknown(self._not_read(exc)) from None
            except KeyUnknown:
                raise self._refused_us(AuthFailed(Msg("err.http.unknown_key_order", name=self.name,
                                                      key_id=self.key_id))) from None
            except Unsure as exc:
                log.warning("%s create %s: %s", self.name, no, exc.why)
                if exc.refused:      # unverifiable, so the order stays in doubt; but stop a batch
                    self._refused_us(AuthFailed(Msg("err.http.secret_refused", name=self.name)))
                    raise OutcomeUnknown(Msg("err.http.secret_refused_order", name=self.name)) from None
                raise OutcomeUnknown(Msg("err.http.untrusted", name=self.name, why=exc.why)) from None
            except (httpx.HTTPError, OSError) as exc:
                log.info("%s create %s: %s after sending", self.name, no, type(exc).__name__)
                raise OutcomeUnknown(Msg("err.http.connection_lost", name=self.name, kind=type(exc).__name__)) from None
            if reply.status == 429 and waits_429 < MAX_429_WAITS:
                # Signed: rejected before the order was read. The same bytes may go again.
                waits_429 += 1
                wait = retry_after(reply.headers)
                if wait is not None and wait <= deadline - loop.time():
                    await asyncio.sleep(wait)
                    continue
            if reply.status in (200, 201):
                return self._result(reply.doc.get("order"), expect=no)
            raise self._refusal(reply)

    def _result(self, doc: Any, *, expect: str | None = None, unknown_is_error: bool = True) -> OrderResult:
        try:
            o = P.order_in(doc)
        except P.WireError as exc:
            raise OutcomeUnknown(Msg("err.http.order_off_spec", name=self.name, error=str(exc))) from None
        if expect is not None and o.client_order_no != expect:
            raise OutcomeUnknown(Msg("err.http.other_order", name=self.name))
        return to_result(o)

    async def query_order(self, client_order_no: str) -> OrderResult:
        reply = await self._read("GET", "/v1/orders/" + quote(client_order_no, safe=""), ok=(200, 404),
                                 limit=ORDER_REPLY_MAX)
        if reply.status == 404:
            code, _, _ = self._error(reply)
            if code != "not_found":
                raise SupplierError(Msg("err.http.query_404", name=self.name))
            return OrderResult(client_order_no=client_order_no, state=RemoteState.NOT_FOUND)
        return self._result(reply.doc.get("order"), expect=client_order_no)

    async def list_orders(self, *, created_from: float = 0, after: str | None = None) -> tuple[list[OrderResult], str | None]:
        """One page of the orders the supplier holds (for `reconcile --diff`)."""
        query = {"limit": "500", "created_from": str(int(created_from))}
        if after:
            query["after"] = after
        reply = await self._read("GET", "/v1/orders", query)
        items = reply.doc.get("items")
        if not isinstance(items, list):
            raise SupplierError(Msg("err.http.list_off_spec", name=self.name))
        nxt = reply.doc.get("next_cursor")
        return [self._result(d) for d in items], nxt if isinstance(nxt, str) else None

    def parse_callback(self, headers: Mapping[str, str], raw_body: bytes) -> OrderResult | None:
        """A webhook -> the order it reports, or None for a ping. AuthFailed when the
        signature, key id or time window is wrong; SupplierError when off-spec."""
        if P.header(headers, P.H_KEY) != self.key_id or not P.check_hook(self._secret, headers, raw_body):
            raise AuthFailed(Msg("err.http.hook_signature", name=self.name))
        try:
            doc = json.loads(raw_body)
        except (ValueError, UnicodeDecodeError):
            raise SupplierError(Msg("err.http.hook_not_json", name=self.name)) from None
        if not isinstance(doc, dict):
            raise SupplierError(Msg("err.http.hook_off_spec", name=self.name))
        if doc.get("event") == "ping":
            return None
        if doc.get("event") != "order.updated":
            raise SupplierError(Msg("err.http.hook_event", name=self.name))
        return self._result(doc.get("order"))

    async def aclose(self) -> None:
        if self._pool is not None:
            await self._pool.aclose()
            self._pool = None


def vouched(base: str) -> bool:
    """HTTPS (its certificate checked) or plain HTTP to this machine: the transport
    itself vouches for the server, the only kind of base URL the adapter accepts."""
    parts = urlsplit(base)
    return (parts.scheme == "https" and bool(parts.hostname)) or (parts.scheme == "http" and parts.hostname in LOOPBACK)


def check_base_url(base: str, name: str) -> None:
    if not vouched(base):
        raise ConfigError(Msg("err.http.not_https", name=name, base=base), field="base_url")
