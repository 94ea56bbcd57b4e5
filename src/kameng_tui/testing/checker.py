"""Conformance checker: run the protocol's rules (docs/supplier-protocol.md) against a
live server and say, per rule, pass or fail with the reason.

It places real orders (a few cheap ones): run it against a test account. Each check
is independent; an exception inside one becomes that check's failure, never a crash.
"""

from __future__ import annotations

import json
import os
import socket
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable
from urllib.parse import urlencode, urlsplit

import httpx

from kameng_tui.domain.accounts import choice_options
from kameng_tui.domain.models import Product, Rule
from kameng_tui.suppliers.http import protocol as P


@dataclass(frozen=True)
class CheckResult:
    name: str
    passed: bool
    detail: str


class Fail(Exception):
    pass


def expect(cond: bool, why: str) -> None:
    if not cond:
        raise Fail(why)


class Session:
    def __init__(self, url: str, key_id: str, secret: str, timeout: float) -> None:
        self.base = url.rstrip("/")
        self.prefix = urlsplit(self.base).path.rstrip("/")
        self.key_id, self.secret = key_id, secret
        self.http = httpx.Client(timeout=timeout)
        self.run_id = os.urandom(4).hex().upper()
        self.counter = 0
        self.product: Product | None = None

    def number(self) -> str:
        self.counter += 1
        return f"KMCHECK{self.run_id}{self.counter:04d}"

    def call(self, method: str, path: str, query: dict | None = None, body: bytes = b"", *,
             headers: dict | None = None, sign: bool = True, now: float | None = None,
             tamper: bool = False) -> tuple[httpx.Response, bool, Any]:
        """(response, reply signature ok, parsed JSON or None)."""
        qs = urlencode(sorted((query or {}).items()))
        h = P.sign_request(self.key_id, self.secret, method, self.prefix + path, qs, body, now=now) if sign else {}
        if tamper:
            h[P.H_SIG] = ("0" if h[P.H_SIG][0] != "0" else "1") + h[P.H_SIG][1:]
        h.update(headers or {})
        if body:
            h["Content-Type"] = "application/json"
        resp = self.http.request(method, self.base + path + (f"?{qs}" if qs else ""), content=body or None, headers=h)
        signed = P.check_reply(self.secret, resp.headers, resp.status_code, h.get(P.H_NONCE, ""), resp.content)
        try:
            doc = resp.json() if resp.content else None
        except ValueError:
            doc = None
        return resp, signed, doc

    def error_code(self, doc: Any) -> str:
        return str(((doc or {}).get("error") or {}).get("code", "")) if isinstance(doc, dict) else ""

    def order_body(self, no: str, account: dict[str, str] | None = None) -> bytes:
        p = self.pick_product()
        return P.canonical({"client_order_no": no, "product_id": p.product_id, "quantity": p.min_qty,
                            "account": account or sample_account(p), "max_unit_cost": None})

    def pick_product(self) -> Product:
        if self.product is not None:
            return self.product
        cursor, best = None, None
        for _ in range(20):
            q = {"limit": "200", **({"cursor": cursor} if cursor else {})}
            resp, _, doc = self.call("GET", "/v1/catalog", q)
            expect(resp.status_code == 200 and isinstance(doc, dict), f"catalog answered HTTP {resp.status_code}")
            for d in doc.get("items", []):
                p = P.product_in("check", d)
                if p.sale_status.value != "on" or (p.stock is not None and p.stock < 5) or not p.account_fields:
                    continue
                if any(f.rule is Rule.ADDRESS for f in p.account_fields):
                    continue
                if best is None or p.unit_cost * p.min_qty < best.unit_cost * best.min_qty:
                    best = p
            cursor = doc.get("next_cursor")
            if not cursor or best is not None:
                break
        expect(best is not None, "no orderable product found in the catalog")
        assert best is not None
        self.product = best
        return best

    def query(self, no: str) -> tuple[httpx.Response, bool, Any]:
        return self.call("GET", f"/v1/orders/{no}")


def sample_account(p: Product) -> dict[str, str]:
    values: dict[str, str] = {}
    for f in p.account_fields:
        if f.rule is Rule.MOBILE:
            values[f.key] = "13800138000"
        elif f.rule is Rule.QQ:
            values[f.key] = "10001"
        elif f.rule is Rule.EMAIL:
            values[f.key] = "check@example.com"
        elif f.rule is Rule.CHOICE:
            options = choice_options(f, values)
            values[f.key] = options[0] if options else ""
        else:
            values[f.key] = "checker01"
    return values


# --- the checks ---------------------------------------------------------------------------------


def c_signed_reply(s: Session) -> str:
    resp, signed, doc = s.call("GET", "/v1/balance")
    expect(resp.status_code == 200, f"GET /v1/balance answered HTTP {resp.status_code}: {s.error_code(doc)}")
    expect(signed, "the reply is not signed (X-KM-Signature over KM1-REP with our request nonce)")
    P.money_in((doc or {}).get("balance"), "balance")
    return f"balance {doc['balance']}, reply signed"


def c_bad_signature(s: Session) -> str:
    resp, _, doc = s.call("GET", "/v1/balance", tamper=True)
    expect(resp.status_code == 401 and s.error_code(doc) == "auth_failed",
           f"a wrong signature got HTTP {resp.status_code} {s.error_code(doc)!r}, expected 401 auth_failed")
    no = s.number()
    resp, _, doc = s.call("POST", "/v1/orders", body=s.order_body(no), tamper=True)
    expect(resp.status_code == 401, f"a badly signed create got HTTP {resp.status_code}, expected 401")
    q, _, _ = s.query(no)
    expect(q.status_code == 404, f"a badly signed create made an order (query answered {q.status_code})")
    return "401 auth_failed; nothing created"


def c_clock_skew(s: Session) -> str:
    no = s.number()
    resp, signed, doc = s.call("POST", "/v1/orders", body=s.order_body(no), now=time.time() - 1000)
    code = s.error_code(doc)
    expect(resp.status_code == 401 and code == "clock_skew",
           f"a timestamp 1000 s old got HTTP {resp.status_code} {code!r}, expected 401 clock_skew")
    st = ((doc or {}).get("error") or {}).get("server_time")
    expect(isinstance(st, int) and abs(st - time.time()) < 120, f"clock_skew carries no usable server_time ({st!r})")
    q, _, _ = s.query(no)
    expect(q.status_code == 404, "a create rejected for skew still made an order")
    return "401 clock_skew with server_time; nothing created"


def c_nonce_replay(s: Session) -> str:
    h = P.sign_request(s.key_id, s.secret, "GET", s.prefix + "/v1/balance", "", b"")
    first = s.http.get(s.base + "/v1/balance", headers=h)
    again = s.http.get(s.base + "/v1/balance", headers=h)
    expect(first.status_code == 200, f"first request answered HTTP {first.status_code}")
    code = s.error_code(_json(again))
    expect(again.status_code == 401 and code == "nonce_reused",
           f"the same nonce again got HTTP {again.status_code} {code!r}, expected 401 nonce_reused")
    return "a replayed request is refused"


def c_catalog_paging(s: Session) -> str:
    seen: set[str] = set()
    cursor, pages, total = None, 0, None
    while True:
        q = {"limit": "100", **({"cursor": cursor} if cursor else {})}
        resp, signed, doc = s.call("GET", "/v1/catalog", q)
        expect(resp.status_code == 200 and isinstance(doc, dict), f"page {pages + 1} answered HTTP {resp.status_code}")
        items = doc.get("items")
        expect(isinstance(items, list) and len(items) <= 100, f"page {pages + 1} has no item list or too many items")
        for d in items:
            p = P.product_in("check", d)
            expect(p.product_id not in seen, f"product {p.product_id} appears twice across pages (page {pages + 1})")
            seen.add(p.product_id)
        total = doc.get("total", total)
        pages += 1
        cursor = doc.get("next_cursor")
        if not cursor:
            break
        expect(pages < 1000, "more than 1000 pages: the cursor does not advance")
    if isinstance(total, int):
        expect(total == len(seen), f"total says {total}, the pages held {len(seen)}")
    return f"{len(seen)} products in {pages} pages, no duplicates"


def c_etag(s: Session) -> str:
    resp, _, _ = s.call("GET", "/v1/catalog", {"limit": "100"})
    etag = resp.headers.get("ETag")
    expect(bool(etag), "the catalog reply carries no ETag")
    again, signed, _ = s.call("GET", "/v1/catalog", {"limit": "100"}, headers={"If-None-Match": etag or ""})
    expect(again.status_code == 304, f"If-None-Match with the current ETag got HTTP {again.status_code}, expected 304")
    expect(signed, "the 304 is not signed")
    return f"ETag {etag} -> 304"


def c_idempotent_create(s: Session) -> str:
    no = s.number()
    body = s.order_body(no)
    _, _, before = s.call("GET", "/v1/balance")
    first, signed1, d1 = s.call("POST", "/v1/orders", body=body)
    expect(first.status_code in (200, 201), f"create answered HTTP {first.status_code} {s.error_code(d1)!r}")
    expect(signed1, "the create reply is not signed")
    o1 = P.order_in((d1 or {}).get("order"))
    second, _, d2 = s.call("POST", "/v1/orders", body=body)
    expect(second.status_code in (200, 201), f"the same create again answered HTTP {second.status_code} {s.error_code(d2)!r}")
    o2 = P.order_in((d2 or {}).get("order"))
    expect(o1.supplier_order_no == o2.supplier_order_no, "the same number and body made a second order")
    _, _, after = s.call("GET", "/v1/balance")
    spent = P.money_in(before["balance"], "balance") - P.money_in(after["balance"], "balance")
    expect(spent == o1.charged - o1.refunded,
           f"balance fell by {spent}, the order charged {o1.charged - o1.refunded}: charged twice?")
    return f"same number + body -> {o1.supplier_order_no} once, charged {o1.charged}"


def c_conflict(s: Session) -> str:
    no = s.number()
    first, _, d1 = s.call("POST", "/v1/orders", body=s.order_body(no))
    expect(first.status_code in (200, 201), f"create answered HTTP {first.status_code} {s.error_code(d1)!r}")
    p = s.pick_product()
    other = dict(sample_account(p))
    key = p.account_fields[0].key
    other[key] = {"13800138000": "13900139000", "10001": "10002"}.get(other[key], other[key] + "x")
    again, _, d2 = s.call("POST", "/v1/orders", body=s.order_body(no, other))
    expect(again.status_code == 409 and s.error_code(d2) == "duplicate_order_no",
           f"same number + different body got HTTP {again.status_code} {s.error_code(d2)!r}, expected 409 duplicate_order_no")
    return "409 duplicate_order_no"


def c_dropped_reply(s: Session) -> str:
    no = s.number()
    body = s.order_body(no)
    parts = urlsplit(s.base)
    path = s.prefix + "/v1/orders"
    h = P.sign_request(s.key_id, s.secret, "POST", path, "", body)
    head = (f"POST {path} HTTP/1.1\r\nHost: {parts.netloc}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\nConnection: close\r\n"
            + "".join(f"{k}: {v}\r\n" for k, v in h.items()) + "\r\n").encode()
    if parts.scheme == "https":
        import ssl

        raw = socket.create_connection((parts.hostname, parts.port or 443), timeout=5)
        sock: socket.socket = ssl.create_default_context().wrap_socket(raw, server_hostname=parts.hostname)
    else:
        sock = socket.create_connection((parts.hostname, parts.port or 80), timeout=5)
    sock.sendall(head + body)
    sock.close()                                    # gone before the reply
    deadline = time.monotonic() + 5
    while True:
        resp, signed, doc = s.query(no)
        if resp.status_code == 200:
            o = P.order_in((doc or {}).get("order"))
            expect(o.client_order_no == no, "the query answered for another number")
            return f"found by query after the reply was dropped ({o.state})"
        expect(resp.status_code == 404, f"query answered HTTP {resp.status_code}")
        if time.monotonic() > deadline:
            raise Fail("the order sent before the connection dropped is not found by query within 5 s")
        time.sleep(0.2)


def c_not_found(s: Session) -> str:
    resp, signed, doc = s.query(s.number() + "NOPE")
    expect(resp.status_code == 404 and s.error_code(doc) == "not_found",
           f"an unknown number got HTTP {resp.status_code} {s.error_code(doc)!r}, expected 404 not_found")
    expect(signed, "the 404 is not signed (a client must not trust an unsigned not-found)")
    return "404 not_found, signed"


def c_webhook(s: Session) -> str:
    got: list[tuple[dict, bytes]] = []

    class Hook(BaseHTTPRequestHandler):
        def log_message(self, *a: Any) -> None:
            pass

        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            got.append(({k: v for k, v in self.headers.items()}, body))
            self.send_response(204)
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", 0), Hook)
    t = threading.Thread(target=server.serve_forever, daemon=True)
    t.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/hook"
        resp, _, doc = s.call("POST", "/v1/webhook-test", body=P.canonical({"url": url}))
        if resp.status_code == 404:
            return "not offered (optional endpoint /v1/webhook-test)"
        expect(resp.status_code == 200, f"webhook-test answered HTTP {resp.status_code}")
        deadline = time.monotonic() + 5
        while not got and time.monotonic() < deadline:
            time.sleep(0.05)
        expect(bool(got), "no webhook arrived within 5 s")
        headers, body = got[0]
        expect(P.header(headers, P.H_KEY) == s.key_id, "the webhook carries another key id")
        expect(P.check_hook(s.secret, headers, body), "the webhook signature is wrong (KM1-HOOK)")
        return "signed ping received"
    finally:
        server.shutdown()
        server.server_close()


def _json(resp: httpx.Response) -> Any:
    try:
        return resp.json()
    except ValueError:
        return None


CHECKS: tuple[tuple[str, Callable[[Session], str]], ...] = (
    ("signed_reply", c_signed_reply),
    ("bad_signature_rejected", c_bad_signature),
    ("clock_skew_rejected", c_clock_skew),
    ("nonce_replay_rejected", c_nonce_replay),
    ("catalog_paging", c_catalog_paging),
    ("catalog_etag_304", c_etag),
    ("idempotent_create", c_idempotent_create),
    ("conflict_409", c_conflict),
    ("query_after_dropped_reply", c_dropped_reply),
    ("query_not_found", c_not_found),
    ("webhook_signature", c_webhook),
)


def run_checks(url: str, key_id: str, secret: str, *, timeout: float = 10.0) -> list[CheckResult]:
    s = Session(url, key_id, secret, timeout)
    out = []
    try:
        for name, fn in CHECKS:
            try:
                out.append(CheckResult(name, True, fn(s)))
            except Fail as exc:
                out.append(CheckResult(name, False, str(exc)))
            except P.WireError as exc:
                out.append(CheckResult(name, False, f"off-spec document: {exc}"))
            except httpx.HTTPError as exc:
                out.append(CheckResult(name, False, f"transport error: {type(exc).__name__}"))
            except (OSError, ValueError, KeyError, TypeError, json.JSONDecodeError) as exc:
                out.append(CheckResult(name, False, f"{type(exc).__name__}: {str(exc)[:120]}"))
    finally:
        s.http.close()
    return out
