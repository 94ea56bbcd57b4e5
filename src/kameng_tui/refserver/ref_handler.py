"""The reference server's HTTP side: one request in, the gate, the route, the reply,
and the faults injected around them (docs/suppliers/http.md). The books and the
endpoints are `refserver.RefServer`'s; this is what a wholesaler would swap for its
own web framework."""

from __future__ import annotations

import json
import os
import socket
import time
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, unquote, urlsplit

from kameng_tui.suppliers.http import protocol as P
from kameng_tui.refserver import ref_hostile
from kameng_tui.refserver.ref_lies import lies_about

if TYPE_CHECKING:
    from kameng_tui.refserver.server import RefServer

MAX_BODY = 64 * 1024


class Reply(Exception):
    """Raised inside a handler: answer with this status and error (signed)."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None, **extra: Any):
        super().__init__(message)
        self.status, self.code, self.message, self.headers, self.extra = status, code, message, headers or {}, extra


def handler_for(server: RefServer) -> type[BaseHTTPRequestHandler]:
    cfg, faults, dice = server.cfg, server.faults, server.dice

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "kameng-refserver/1"
        disable_nagle_algorithm = True      # headers and body go out at once: no 40 ms delayed-ACK stalls
        timeout = cfg.socket_timeout_s      # a client that sends nothing (or stops reading) frees its thread

        def log_message(self, *a: Any) -> None:  # the request log replaces stderr chatter
            pass

        def do_GET(self) -> None:  # noqa: N802
            self.handle_one("GET")

        def do_POST(self) -> None:  # noqa: N802
            self.handle_one("POST")

        def handle_one(self, method: str) -> None:
            split = urlsplit(self.path)
            path, query = split.path, split.query
            q = dict(parse_qsl(query, keep_blank_values=True))
            declared = (self.headers.get("Content-Length") or "0").strip()
            if not (declared.isascii() and declared.isdigit()):
                # negative or not a number: refused before a byte of the body is read
                self.close_connection = True
                return self.send(400, P.error_body("bad_request", "Content-Length must be a non-negative integer"),
                                 None, {})
            length = int(declared)
            if length > MAX_BODY:
                self.close_connection = True
                return self.send(413, P.error_body("bad_request", "body too large"), None, {})
            body = self.rfile.read(length) if length else b""
            req_nonce = P.header(self.headers, P.H_NONCE)
            no = None
            if path.startswith("/v1/orders/"):
                no = unquote(path[len("/v1/orders/"):])
            entry: dict[str, Any] = {"method": method, "path": path, "no": no}
            # `latency` is the reply's time: half of it passes before the work (so a kill
            # of either side lands before or after a create's commit), the rest after it,
            # less what the work took (its fsync and lock waits are the server's, not extra).
            arrived = time.monotonic()
            delay = max(0.0, faults.latency + dice.uniform(-faults.jitter, faults.jitter)) / 1000 \
                if faults.latency or faults.jitter else 0.0
            creating = method == "POST" and path == "/v1/orders"
            time.sleep(delay / 2 + (faults.create_hold_ms / 1000 if creating else 0.0))

            def wait_out() -> None:
                time.sleep(max(0.0, delay - (time.monotonic() - arrived)))

            try:
                if creating:
                    try:
                        entry["no"] = json.loads(body).get("client_order_no")
                    except (ValueError, AttributeError):
                        pass
                self.gate_or_raise(method, path, query, body)
                if creating and lies_about(faults.refuse_create, "refuse_create", entry.get("no")):
                    entry["fault"] = "refuse_create"
                    raise Reply(429, "rate_limited", "slow down", headers={"Retry-After": f"{faults.retry_after:g}"})
                if dice.hit(faults.err429):
                    entry["fault"] = "err429"
                    raise Reply(429, "rate_limited", "slow down (injected)",
                                headers={"Retry-After": f"{faults.retry_after:g}"})
                if dice.hit(faults.err500):
                    entry["fault"] = "err500"
                    raise Reply(500, "internal", "internal error (injected)")
                status, doc, extra = self.route(method, path, q, body, entry)
                if creating and entry.get("outcome") == "created" and lies_about(faults.hide_created, "hide_created",
                                                                                  entry.get("no")):
                    entry["fault"] = "hide_created"        # created and charged, yet "rejected before read"
                    raise Reply(429, "rate_limited", "slow down", headers={"Retry-After": f"{faults.retry_after:g}"})
                doc = self.hostile(doc, entry)
                payload = b"" if doc is None else P.canonical(doc)
            except Reply as r:
                status, extra = r.status, dict(r.headers)
                fields = {k: v for k, v in r.extra.items() if k != "unsigned"}
                payload = P.error_body(r.code, r.message, **fields)
                if dice.hit(faults.evil_text):
                    entry["fault"] = "evil_text"
                    payload = P.canonical(ref_hostile.poison(json.loads(payload)))
                before = r.code in P.BEFORE_READ
                entry["outcome"] = ("rejected:" if before or entry.get("fault") == "err500" else "refused:") + r.code
                if entry.get("fault") == "hide_created":
                    entry["outcome"] = "created"
                if r.extra.get("unsigned"):
                    entry["status"] = status
                    server.log(**entry)
                    wait_out()
                    return self.send(status, payload, None, extra)
            wait_out()
            entry["status"] = status
            entry.setdefault("outcome", "ok")
            if payload and dice.hit(faults.gzip):
                entry["fault"] = "gzip"
                payload = ref_hostile.gzipped(payload, extra)
            # faults after the work is done (an order may have been created)
            if dice.hit(faults.drop_after_accept if creating else 0):
                entry["fault"] = "drop_after_accept"
                server.log(**entry)
                self.close_connection = True
                try:
                    self.connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                return
            if dice.hit(faults.timeout):
                entry["fault"] = "timeout"
                server.log(**entry)
                time.sleep(faults.hang_s)
                self.close_connection = True
                return self.send(status, payload, req_nonce, extra)
            if dice.hit(faults.malformed):
                entry["fault"] = "malformed"
                server.log(**entry)
                return self.send(status, b'{"order": {"state": "succ' + os.urandom(4).hex().encode(), None, extra)
            if dice.hit(faults.badsig):
                entry["fault"] = "badsig"
                server.log(**entry)
                return self.send(status, payload, req_nonce + "x", extra)
            if dice.hit(faults.drip):
                entry["fault"] = "drip"
                server.log(**entry)
                return self.send(status, payload, req_nonce, extra, drip=True)
            server.log(**entry)
            self.send(status, payload, req_nonce, extra)

        def hostile(self, doc: Any, entry: dict) -> Any:
            """The `evil_text` and `oversize` knobs on a reply document (ref_hostile.py)."""
            if doc is not None and dice.hit(faults.evil_text):
                entry["fault"] = "evil_text"
                doc = ref_hostile.poison(doc)
            if doc is not None and dice.hit(faults.oversize):
                entry["fault"] = "oversize"
                doc = ref_hostile.pad(doc, faults.oversize_kib)
            return doc

        def gate_or_raise(self, method: str, path: str, query: str, body: bytes) -> None:
            server.gate(self.headers, method, path, query, body)

        def route(self, method: str, path: str, q: dict, body: bytes, entry: dict) -> tuple[int, Any, dict]:
            if method == "GET" and path == "/v1/balance":
                return server.ep_balance(q)
            if method == "GET" and path == "/v1/catalog":
                return server.ep_catalog(q, self.headers)
            if method == "GET" and path == "/v1/quote":
                return server.ep_quote(q)
            if method == "POST" and path == "/v1/orders":
                status, doc, outcome = server.ep_create(body)
                entry["outcome"] = outcome
                return status, doc, {}
            if method == "GET" and path == "/v1/orders":
                return server.ep_list(q)
            if method == "GET" and entry.get("no"):
                return server.ep_query(entry["no"])
            if method == "POST" and path == "/v1/webhook-test":
                return server.ep_webhook_test(body)
            raise Reply(404, "not_found", f"no endpoint {method} {path[:80]}")

        def send(self, status: int, payload: bytes, req_nonce: str | None, extra: dict, drip: bool = False) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(payload)))
                if req_nonce is not None and "unsigned" not in cfg.broken:
                    for k, v in P.sign_reply(cfg.secret, status, req_nonce, payload).items():
                        self.send_header(k, v)
                for k, v in extra.items():
                    self.send_header(k, v)
                if self.close_connection:
                    self.send_header("Connection", "close")
                if not drip:                      # one write: status line, headers and body together
                    self._headers_buffer.append(b"\r\n" + payload)  # type: ignore[attr-defined]  # http.server's own buffer; typeshed leaves it out
                    self.flush_headers()
                    return
                self.end_headers()
                if drip:
                    self.wfile.flush()
                    for i in range(len(payload)):
                        self.wfile.write(payload[i:i + 1])
                        self.wfile.flush()
                        time.sleep(faults.drip_ms / 1000)
                else:
                    self.wfile.write(payload)
            except (BrokenPipeError, ConnectionResetError):
                self.close_connection = True

    return Handler
