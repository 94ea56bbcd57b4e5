"""The reference supplier server: protocol v1 (docs/supplier-protocol.md) on its own
SQLite books, the demo catalog, a request log, webhooks, and fault injection.

`kameng-tui supplier serve [--port P] [--faults SPEC]` runs it on 127.0.0.1. It is the
example for wholesalers adopting the protocol and the far end of every HTTP test and
benchmark. stdlib only: ThreadingHTTPServer (HTTP/1.1 keep-alive), sqlite3, urllib.

Rules it keeps (and the checker tests): the signature, skew, nonce and rate checks run
before the body is read as an order, so they never create one; an order and its charge
commit in one transaction, before the reply is written; same number + same canonical
body = the same order, nothing charged again; a different body = 409.
Nonces are remembered in the same SQLite file until their window is over, so a
restart does not make a replayed request acceptable again.

Request log: one JSON line per request (`--log`): time, method, path, client order
number, status, outcome (`created`, `replayed`, `conflict`, `refused:<code>`,
`rejected:<code>` before the order was read), and the fault injected, if any.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import queue
import re
import sqlite3
import threading
import time
import urllib.request
from dataclasses import dataclass, field, replace
from decimal import Decimal
from http.server import ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

from kameng_tui.domain.accounts import check_value
from kameng_tui.domain.models import Delivery, Product, SaleStatus
from kameng_tui.domain.money import from_units, to_units
from kameng_tui.suppliers.demo.catalog import generate_catalog
from kameng_tui.suppliers.http import protocol as P
from kameng_tui.refserver.faults import Dice, Faults
from kameng_tui.refserver import ref_hostile
from kameng_tui.refserver.ref_books import Books
from kameng_tui.refserver.ref_catalogs import on_terms, styled
from kameng_tui.refserver.ref_handler import Reply, handler_for
from kameng_tui.refserver.ref_lies import contradiction, lies_about, told

ORDER_NO_RE = re.compile(r"^[0-9A-Za-z_-]{1,64}$")
BROKEN = ("skew", "replay", "idempotency", "conflict", "unsigned", "paging", "etag", "query", "hooksig")
ALNUM = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
FAIL_REASONS = ("号码已停机", "运营商维护中，充值失败", "该号码为携号转网号码，暂不支持")



@dataclass
class ServerConfig:
    key_id: str
    secret: str
    state_path: str
    log_path: str | None = None
    faults: Faults = field(default_factory=Faults)
    webhook_url: str | None = None
    catalog_size: int = 2000
    catalog_style: str = "demo"              # demo | reworded | names (refserver/ref_catalogs.py)
    balance: Decimal = Decimal("1000000")
    rate: float = 0.0                        # requests/s per key; 0 = no limit
    broken: frozenset[str] = frozenset()     # deliberately broken variants, for the checker's tests
    name: str = "ref"
    socket_timeout_s: float = 30.0           # a silent or stalled client frees its thread after this
    max_threads: int = 64                    # requests handled at once; more wait to be accepted


class BoundedHTTPServer(ThreadingHTTPServer):
    """ThreadingHTTPServer with at most `max_threads` handler threads: a flood of
    connections waits in the listen backlog instead of starting a thread each."""

    def __init__(self, address: tuple[str, int], handler: type, max_threads: int) -> None:
        self._slots = threading.BoundedSemaphore(max(1, max_threads))
        super().__init__(address, handler)

    def process_request(self, request, client_address) -> None:
        while not self._slots.acquire(timeout=0.2):
            if getattr(self, "_BaseServer__shutdown_request", False):   # shutting down: don't wait for a slot
                self.shutdown_request(request)
                return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self._slots.release()
            raise

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self._slots.release()


COLS = "order_no, supplier_order_no, product_id, quantity, state, charged, refunded, reason, card_count, created, seq"


class RefServer:
    def __init__(self, cfg: ServerConfig, host: str = "127.0.0.1", port: int = 0) -> None:
        self.cfg = cfg
        self.faults = cfg.faults
        self.dice = Dice(cfg.faults.seed)
        self.books = Books(cfg.state_path, cfg.balance)
        self.catalog: list[Product] = on_terms(styled(generate_catalog(cfg.catalog_size, cfg.name), cfg.catalog_style,
                                                      cfg.name), cfg.faults)
        if cfg.faults.cost_up:
            up = Decimal(str(cfg.faults.cost_up))
            self.catalog = [replace(p, unit_cost=p.unit_cost + up, tiers=tuple((m, t + up) for m, t in p.tiers))
                            for p in self.catalog]
        self.by_id = {p.product_id: p for p in self.catalog}
        self.bucket = (float(cfg.rate), time.monotonic())
        self.bucket_lock = threading.Lock()
        self.log_lock = threading.Lock()
        self.log_fh = open(cfg.log_path, "a", encoding="utf-8", buffering=1) if cfg.log_path else None
        self.hooks: "queue.Queue[tuple[bytes, bool] | None]" = queue.Queue()
        self.last_doc: dict[str, dict] = {}
        self.stopping = threading.Event()
        self.httpd = BoundedHTTPServer((host, port), handler_for(self), cfg.max_threads)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.threads = [threading.Thread(target=self._settler, daemon=True),
                        threading.Thread(target=self._hook_sender, daemon=True)]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def serve_forever(self) -> None:
        for t in self.threads:
            t.start()
        try:
            self.httpd.serve_forever(poll_interval=0.2)
        finally:
            self.stopping.set()
            self.hooks.put(None)

    def shutdown(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self.stopping.set()
        self.hooks.put(None)

    # --- request log ---------------------------------------------------------------
    def log(self, **entry: Any) -> None:
        if self.log_fh is None:
            return
        entry["t"] = round(time.time(), 4)
        line = json.dumps(entry, ensure_ascii=False, separators=(",", ":"))
        with self.log_lock:
            self.log_fh.write(line + "\n")

    # --- gate: signature, skew, nonce, rate (before the order is read) ----------------
    def gate(self, headers, method: str, path: str, query: str, body: bytes) -> None:
        cfg = self.cfg
        if P.header(headers, P.H_KEY) != cfg.key_id:
            raise Reply(401, "auth_failed", "unknown key id", unsigned=True)
        if not P.check_request(cfg.secret, headers, method, path, query, body):
            raise Reply(401, "auth_failed", "bad signature")
        ts = P.header(headers, P.H_TS)
        now = time.time()
        if "skew" not in cfg.broken:
            if not ts.lstrip("-").isdigit() or abs(now - int(ts)) > P.WINDOW_S:
                raise Reply(401, "clock_skew", "timestamp outside the window", server_time=int(now))
        nonce = P.header(headers, P.H_NONCE)
        if not (16 <= len(nonce) <= 64):
            raise Reply(401, "auth_failed", "nonce must be 16-64 characters")
        sent_at = int(ts) if ts.lstrip("-").isdigit() else int(now)
        if "replay" not in cfg.broken and not self.books.remember_nonce(nonce, now=now, ts=sent_at):
            raise Reply(401, "nonce_reused", "nonce already used")
        if cfg.rate > 0:
            with self.bucket_lock:
                tokens, at = self.bucket
                mono = time.monotonic()
                tokens = min(cfg.rate, tokens + (mono - at) * cfg.rate)
                if tokens < 1:
                    self.bucket = (tokens, mono)
                    raise Reply(429, "rate_limited", "too many requests",
                                headers={"Retry-After": f"{max(0.0, (1 - tokens) / cfg.rate):.3f}"})
                self.bucket = (tokens - 1, mono)

    # --- endpoints ---------------------------------------------------------------------
    def product_now(self, p: Product) -> Product:
        from dataclasses import replace

        if p.stock is None:
            return p
        left = max(0, p.stock - self.books.sold(p.product_id))
        return replace(p, stock=left, stock_alarm=left < 10)

    def ep_balance(self, q: dict) -> tuple[int, dict, dict]:
        return 200, {"balance": P.money_out(self.books.balance()), "currency": "CNY"}, {}

    def catalog_version(self) -> str:
        with self.books.lock:
            sold = self.books.total_sold()
        return f'"{self.cfg.catalog_size}-{sold}"'

    def ep_catalog(self, q: dict, headers) -> tuple[int, Any, dict]:
        etag = self.catalog_version()
        if P.header(headers, "If-None-Match") == etag and "etag" not in self.cfg.broken:
            return 304, None, {"ETag": etag}
        try:
            start = int(q.get("cursor") or 0)
            limit = int(q.get("limit") or 500)
        except ValueError:
            raise Reply(400, "bad_request", "cursor and limit must be integers") from None
        if start < 0 or not (1 <= limit <= 1000):
            raise Reply(400, "bad_request", "cursor >= 0 and 1 <= limit <= 1000")
        with self.books.lock:
            items = [P.product_out(self.product_now(p)) for p in self.catalog[start:start + limit]]
        nxt = start + limit
        if "paging" in self.cfg.broken:
            nxt -= 1
        return 200, {"items": items, "next_cursor": str(nxt) if nxt < len(self.catalog) else None,
                     "total": len(self.catalog)}, {"ETag": etag}

    def ep_quote(self, q: dict) -> tuple[int, dict, dict]:
        p = self.by_id.get(q.get("product_id", ""))
        if p is None:
            raise Reply(404, "not_found", f"no product {q.get('product_id', '')[:64]}")
        try:
            qty = int(q.get("quantity") or 1)
        except ValueError:
            raise Reply(400, "bad_request", "quantity must be an integer") from None
        with self.books.lock:
            p = self.product_now(p)
        return 200, {"product": P.product_out(p), "unit_cost": P.money_out(self.unit_cost(p, qty)), "quantity": qty}, {}

    @staticmethod
    def unit_cost(p: Product, qty: int) -> Decimal:
        unit = p.unit_cost
        for min_qty, tier in p.tiers:
            if qty >= min_qty:
                unit = min(unit, tier)
        return unit

    def parse_order(self, body: bytes) -> dict:
        try:
            doc = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise Reply(400, "bad_request", "body is not JSON") from None
        if not isinstance(doc, dict):
            raise Reply(400, "bad_request", "body must be an object")
        no = doc.get("client_order_no")
        if not isinstance(no, str) or not ORDER_NO_RE.match(no):
            raise Reply(400, "bad_request", "client_order_no must be 1-64 of [0-9A-Za-z_-]", field="client_order_no")
        if not isinstance(doc.get("product_id"), str):
            raise Reply(400, "bad_request", "product_id must be a string", field="product_id")
        qty = doc.get("quantity")
        if isinstance(qty, bool) or not isinstance(qty, int) or qty < 1:
            raise Reply(400, "bad_request", "quantity must be a positive integer", field="quantity")
        acct = doc.get("account", {})
        if not isinstance(acct, dict) or not all(isinstance(v, str) for v in acct.values()):
            raise Reply(400, "bad_request", "account must be an object of strings", field="account")
        muc = doc.get("max_unit_cost")
        if muc is not None:
            try:
                P.money_in(muc, "max_unit_cost")
            except P.WireError as exc:
                raise Reply(400, "bad_request", str(exc), field="max_unit_cost") from None
        return doc

    def ep_create(self, body: bytes) -> tuple[int, dict, str]:
        doc = self.parse_order(body)
        no = doc["client_order_no"]
        digest = P.body_hash(P.canonical(doc))
        books = self.books
        with books.lock:
            con = books.con
            con.execute("BEGIN IMMEDIATE")
            try:
                row = con.execute("SELECT body_hash FROM orders WHERE order_no = ?", (no,)).fetchone()
                if row is not None and "idempotency" not in self.cfg.broken:
                    con.execute("COMMIT")
                    if row[0] != digest and "conflict" not in self.cfg.broken:
                        raise Reply(409, "duplicate_order_no", "this client_order_no was used with another body")
                    return 200, {"order": self.told(self.order_doc(no))}, "replayed"
                status, order_doc = self._create(con, doc, digest, replace=row is not None)
                con.execute("COMMIT")
            except BaseException:
                if con.in_transaction:
                    con.execute("ROLLBACK")
                raise
        self.emit(order_doc)
        return status, {"order": self.told(order_doc)}, "created"

    def _create(self, con: sqlite3.Connection, doc: dict, digest: str, replace: bool) -> tuple[int, dict]:
        no, pid, qty = doc["client_order_no"], doc["product_id"], doc["quantity"]
        p = self.by_id.get(pid)
        if p is None or p.sale_status is not SaleStatus.ON:
            raise Reply(410, "off_shelf", f"product {pid[:64]} is not on sale", field="product_id")
        if lies_about(self.faults.refuse_stock, "refuse_stock", no):       # nothing written: refused before
            raise Reply(410, "out_of_stock", "not enough stock (refuse_stock)")
        sold_out = int(self.faults.sold_out_after)
        if sold_out and con.execute("SELECT COUNT(*) FROM orders").fetchone()[0] >= sold_out:
            raise Reply(410, "out_of_stock", "sold out (sold_out_after)")
        if not (p.min_qty <= qty <= p.max_qty):
            raise Reply(422, "bad_account", f"quantity must be {p.min_qty}-{p.max_qty}", field="quantity")
        values = dict(doc.get("account") or {})
        for f in p.account_fields:
            if not f.required and not values.get(f.key):
                continue
            _, err = check_value(f, values.get(f.key, ""), values)
            if err is not None:
                raise Reply(422, "bad_account", err.message_en, field=f.key)
        unit = self.unit_cost(p, qty)
        muc = doc.get("max_unit_cost")
        if muc is not None and unit > P.money_in(muc, "max_unit_cost"):
            raise Reply(412, "price_changed", f"unit cost is now {P.money_out(unit)}", unit_cost=P.money_out(unit))
        if p.stock is not None and self.books.sold(pid) + qty > p.stock:
            raise Reply(410, "out_of_stock", "not enough stock")
        charge = to_units(unit * qty)
        if charge > con.execute("SELECT balance FROM account WHERE id = 1").fetchone()[0]:
            raise Reply(402, "insufficient_balance", "balance too low")
        now = time.time()
        fails = p.delivery is not Delivery.CARD and self.dice.hit(self.faults.fail)
        settle_ms = self.faults.settle_ms
        if p.delivery is Delivery.CARD:
            state = "succeeded"
        elif settle_ms > 0:
            state = "processing"
        else:
            state = "failed" if fails else "succeeded"
        refunded = charge if state == "failed" else 0
        con.execute("UPDATE account SET balance = balance - ? WHERE id = 1", (charge - refunded,))
        if state != "failed":
            con.execute("INSERT INTO stock (product_id, sold) VALUES (?, ?) ON CONFLICT(product_id) "
                        "DO UPDATE SET sold = sold + excluded.sold", (pid, qty))
        seq = self.books.next_seq()
        if replace:  # only the deliberately broken `idempotency` variant gets here
            con.execute("DELETE FROM orders WHERE order_no = ?", (no,))
        con.execute(
            "INSERT INTO orders (order_no, body_hash, supplier_order_no, product_id, quantity, state, charged, refunded,"
            " reason, card_count, created, settle_at, seq, fails) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            (no, digest, f"RS{seq:08d}", pid, qty, state, charge, refunded,
             FAIL_REASONS[seq % len(FAIL_REASONS)] if state == "failed" else None,
             qty if p.delivery is Delivery.CARD else 0, now, now + settle_ms / 1000, seq, int(fails)))
        return 201, self._doc(con, no)  # type: ignore[return-value]  # the order was inserted just above: _doc finds it

    def order_doc(self, no: str) -> dict | None:
        return self._doc(self.books.con, no)

    def _doc(self, con: sqlite3.Connection, no: str) -> dict | None:
        r = con.execute(f"SELECT {COLS} FROM orders WHERE order_no = ?", (no,)).fetchone()
        return None if r is None else self._row_doc(r)

    def _row_doc(self, r) -> dict:
        no, sno, pid, qty, state, charged, refunded, reason, cards, created, seq = r
        return {"client_order_no": no, "supplier_order_no": sno, "product_id": pid, "quantity": qty, "state": state,
                "charged": P.money_out(from_units(charged)), "refunded": P.money_out(from_units(refunded)),
                "delivered_qty": qty if state == "succeeded" else 0,
                "cards": [self.card(no, i) for i in range(cards)] if state == "succeeded" else [],
                "reason": reason, "created_at": int(created), "updated_seq": seq}

    @staticmethod
    def card(no: str, i: int) -> dict:
        digest = hmac.new(b"kameng-refserver-cards", f"{no}:{i}".encode(), hashlib.sha256).digest()
        return {"number": "".join(str(b % 10) for b in digest[16:32]),
                "password": "".join(ALNUM[b % len(ALNUM)] for b in digest[:16]), "expires": "2027-12-31"}

    def ep_query(self, no: str) -> tuple[int, dict, dict]:
        with self.books.lock:
            doc = self.order_doc(no)
        if doc is None or ("query" in self.cfg.broken and time.time() - doc["created_at"] < 30):
            raise Reply(404, "not_found", "no such order")
        return 200, {"order": self.told(doc)}, {}

    def told(self, doc: dict | None, hook: bool = False) -> dict | None:
        """What the server says about an order: the truth, unless a lie knob is set (ref_lies.py)."""
        return told(self.faults, doc, self.card, hook=hook)

    def ep_list(self, q: dict) -> tuple[int, dict, dict]:
        try:
            after = int(q.get("after") or 0)
            created_from = float(q.get("created_from") or 0)
            limit = int(q.get("limit") or 500)
        except ValueError:
            raise Reply(400, "bad_request", "after, created_from and limit must be numbers") from None
        if not (1 <= limit <= 1000):
            raise Reply(400, "bad_request", "1 <= limit <= 1000")
        with self.books.lock:
            rows = self.books.con.execute(
                f"SELECT {COLS} FROM orders WHERE seq > ? AND created >= ? ORDER BY seq LIMIT ?",
                (after, created_from, limit)).fetchall()
        items = [self.told(self._row_doc(r)) for r in rows]
        nxt = str(items[-1]["updated_seq"]) if len(items) == limit else None  # type: ignore[index]  # told() gives None only for None
        return 200, {"items": items, "next_cursor": nxt}, {}

    def ep_webhook_test(self, body: bytes) -> tuple[int, dict, dict]:
        try:
            url = json.loads(body).get("url")
        except (ValueError, AttributeError):
            url = None
        host = urlsplit(url).hostname if isinstance(url, str) else None
        if host not in ("127.0.0.1", "localhost", "::1"):
            raise Reply(400, "bad_request", "url must be a loopback http URL")
        status, _ = self._post_hook(url, P.canonical({"event": "ping", "at": int(time.time())}))
        return 200, {"sent": status is not None, "status": status}, {}

    # --- settling and webhooks -----------------------------------------------------------
    def _settler(self) -> None:
        while not self.stopping.wait(0.02):
            if self.faults.settle_ms <= 0:
                continue
            now = time.time()
            docs = []
            with self.books.lock:
                con = self.books.con
                due = con.execute("SELECT order_no, fails, charged FROM orders WHERE state = 'processing' AND settle_at <= ?"
                                  " LIMIT 200", (now,)).fetchall()
                if not due:
                    continue
                con.execute("BEGIN IMMEDIATE")
                try:
                    for no, fails, charged in due:
                        seq = self.books.next_seq()
                        if fails:
                            con.execute("UPDATE orders SET state = 'failed', refunded = charged, reason = ?, seq = ? "
                                        "WHERE order_no = ?", (FAIL_REASONS[seq % 3], seq, no))
                            con.execute("UPDATE account SET balance = balance + ? WHERE id = 1", (charged,))
                        else:
                            con.execute("UPDATE orders SET state = 'succeeded', seq = ? WHERE order_no = ?", (seq, no))
                    con.execute("COMMIT")
                except BaseException:
                    if con.in_transaction:
                        con.execute("ROLLBACK")
                    raise
                docs = [self._doc(con, no) for no, _, _ in due]
            for d in docs:
                if d is not None:
                    self.emit(d)

    def emit(self, order_doc: dict | None) -> None:
        if not self.cfg.webhook_url or order_doc is None:
            return
        no = order_doc["client_order_no"]
        told = self.told(order_doc, hook=True)
        if self.dice.hit(self.faults.evil_text):
            told = ref_hostile.poison(told)
        body = P.canonical({"event": "order.updated", "order": told})
        previous = self.last_doc.get(no)
        self.last_doc[no] = order_doc
        self.hooks.put((body, False))
        flipped = contradiction(self.faults, order_doc)
        if flipped is not None:                           # the hostile supplier changes its mind
            self.hooks.put((P.canonical({"event": "order.updated", "order": flipped}), False))
        if self.dice.hit(self.faults.dup_webhook):
            self.hooks.put((body, True))                  # the same update again
            if previous is not None:                      # and an older one, out of order
                self.hooks.put((P.canonical({"event": "order.updated", "order": previous}), True))

    def _hook_sender(self) -> None:
        while True:
            item = self.hooks.get()
            if item is None:
                return
            body, dup = item
            if self.faults.hook_delay_ms > 0 and self.stopping.wait(self.faults.hook_delay_ms / 1000):
                return                                    # stopped while the webhook was held back
            status, answer = self._post_hook(self.cfg.webhook_url or "", body)
            order = json.loads(body).get("order", {})
            self.log(method="HOOK", path=self.cfg.webhook_url, no=order.get("client_order_no"), state=order.get("state"),
                     status=status, outcome="webhook", reply=answer, fault="dup_webhook" if dup else None)

    def _post_hook(self, url: str, body: bytes) -> tuple[int | None, str]:
        """POST one webhook; (status, the receiver's first words) for the request log."""
        secret = self.cfg.secret if "hooksig" not in self.cfg.broken else self.cfg.secret + "x"
        headers = {"Content-Type": "application/json", **P.sign_hook(self.cfg.key_id, secret, body)}
        req = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=3) as resp:  # noqa: S310 - loopback/configured URL
                return resp.status, resp.read(80).decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            return exc.code, ""
        except (OSError, ValueError):
            return None, ""
