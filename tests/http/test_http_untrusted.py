"""Supplier text is untrusted (issue 14, point 5), against the reference server as a
real process turned hostile: replies correctly signed, with terminal control
sequences in every text, oversize bodies, or an encoding we never asked for."""

from __future__ import annotations

import json
import re
import socket
import time

import pytest

from kit import run_cli
from refkit import client_env, start_server, wait_for
from kameng_tui.domain.reasons import reason_text, stored
from kameng_tui.domain.states import OrderState
from kameng_tui.services.checkout import OrderInput

PHONE = "13800138000"
# ESC and the other C0/C1 controls but newline, bidi embeddings/overrides/isolates,
# zero-width characters, line and paragraph separators, BOM.
CONTROL = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2028\u2029\u2060-\u2069\ufeff]")


def clean_text(value) -> bool:
    return isinstance(value, str) and not CONTROL.search(value)


@pytest.fixture
def evil(tmp_path):
    server = start_server(tmp_path, faults="evil_text=1")
    yield server
    server.stop()


@pytest.fixture
async def ectx(home, evil):
    from kameng_tui.bootstrap import build_context

    c = build_context(client_env(home, evil.url, deadline_s="5", read_s="2"))
    yield c
    await c.aclose()
    c.close()


def raw_exchange(port: int, request: bytes, timeout: float = 5.0) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(request)
        chunks = []
        while True:
            try:
                data = sock.recv(65536)
            except socket.timeout:
                break
            if not data:
                break
            chunks.append(data)
            if b"\r\n\r\n" in b"".join(chunks):
                head, _, rest = b"".join(chunks).partition(b"\r\n\r\n")
                m = re.search(rb"Content-Length: (\d+)", head)
                if m and len(rest) >= int(m.group(1)):
                    break
        return b"".join(chunks)


# --- the reference server ---------------------------------------------------------------------

@pytest.mark.parametrize("length", ["-1", "abc"])
def test_server_answers_400_to_a_negative_or_non_numeric_content_length(ref, length):
    request = (f"POST /v1/orders HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
               f"Content-Length: {length}\r\n\r\n{{}}").encode()
    started = time.monotonic()
    reply = raw_exchange(ref.port, request)
    assert reply.startswith(b"HTTP/1.1 400"), reply[:200]
    assert b"Content-Length must be a non-negative integer" in reply
    assert time.monotonic() - started < 4                # answered at once, not after waiting for a body
    assert raw_exchange(ref.port, b"GET /v1/balance HTTP/1.1\r\nHost: x\r\n\r\n").startswith(b"HTTP/1.1 401")


def test_silent_clients_are_cut_off_and_handler_threads_are_bounded(tmp_path):
    server = start_server(tmp_path, "--socket-timeout", "1", "--max-threads", "2")
    try:
        idle = [socket.create_connection(("127.0.0.1", server.port), timeout=10) for _ in range(2)]
        time.sleep(0.2)                                   # both accepted: every handler thread is taken
        started = time.monotonic()
        reply = raw_exchange(server.port, b"GET /v1/balance HTTP/1.1\r\nHost: x\r\n\r\n", timeout=10)
        waited = time.monotonic() - started
        assert reply.startswith(b"HTTP/1.1 401"), reply[:200]
        assert 0.6 <= waited < 8, waited                  # served once a silent client was cut off, not before
        for sock in idle:                                 # the server closed the silent connections
            assert sock.recv(100) == b""
            sock.close()
    finally:
        server.stop()


# --- text: names, reasons, cards --------------------------------------------------------------

def test_a_synced_evil_catalog_is_shown_without_control_sequences(home, evil):
    env = client_env(home, evil.url, deadline_s="5", read_s="2")
    sync = run_cli(env, "catalog", "sync")
    assert sync.code == 0, sync.stdout + sync.stderr
    for args in (("catalog", "--limit", "40"), ("catalog", "--limit", "40", "--json"),
                 ("catalog", "--search", "owned", "--limit", "5")):
        r = run_cli(env, *args)
        assert r.code == 0, r.stderr
        assert "\x1b" not in r.stdout and "\\u001b" not in r.stdout.lower(), args
        assert not CONTROL.search(r.stdout.replace("\n", "")), (args, CONTROL.search(r.stdout.replace("\n", "")))
    items = run_cli(env, "catalog", "--limit", "40", "--json").json["items"]
    assert items and all(it["name"].startswith("[2J]0;owned") for it in items)   # what is left: plain text


async def test_a_card_order_from_an_evil_supplier_is_stored_clean_and_flagged(ectx, evil, home):
    placed = await ectx.checkout.place(OrderInput(sku="ref:SW-000", fields={"account": PHONE}), wait_s=10)
    order = placed.order
    assert order.state is OrderState.SUCCEEDED, order.reason
    assert clean_text(order.product_name) and clean_text(order.supplier_order_no)
    from kameng_tui.services.cards import reveal_cards

    cards = reveal_cards(ectx, order, True)
    assert cards
    for c in cards:
        assert all(clean_text(c[k]) for k in ("number", "password", "expires"))
        assert len(c["number"]) == 256 and c["number"].endswith("..")       # bounded, the cut marked
    events = ectx.ledger.events(order.order_no)
    flagged = sorted((e.body["params"]["index"], e.body["params"]["field"]) for e in events
                     if e.kind == "anomaly" and e.body.get("code") == "card_field_altered")
    assert flagged == sorted((i, f) for i in range(len(cards)) for f in ("number", "password", "expires"))
    every_event = json.dumps([e.body for e in events], ensure_ascii=False)
    for c in cards:                                     # the secret never goes into an event
        assert c["password"] not in every_event and c["password"][-8:] not in every_event
    # what a person reads: `show` (cards revealed) and `history`, from the same ledger
    env = client_env(home, evil.url)
    for args in (("show", order.order_no, "--reveal"), ("show", order.order_no, "--json"), ("history",)):
        r = run_cli(env, *args)
        assert r.code == 0, r.stderr
        assert "\x1b" not in r.stdout and not CONTROL.search(r.stdout.replace("\n", "")), args


async def test_a_failure_reason_from_an_evil_supplier_is_stored_clean(tmp_path, home):
    server = start_server(tmp_path, faults="evil_text=1,fail=1")
    from kameng_tui.bootstrap import build_context

    ctx = build_context(client_env(home, server.url, deadline_s="5", read_s="2"))
    try:
        placed = await ctx.checkout.place(OrderInput(sku="ref:HF-CM-10", fields={"account": PHONE}), wait_s=10)
        order = placed.order
        assert order.state is OrderState.FAILED
        said = stored(order.reason)["supplier_text"]          # the reason is data; the supplier's words ride in it
        assert clean_text(said) and said.startswith("[2J]0;owned") and len(said) <= 300
        assert clean_text(reason_text(order.reason, "zh")) and clean_text(reason_text(order.reason, "en"))
        assert clean_text(order.product_name) and clean_text(order.supplier_order_no)
    finally:
        await ctx.aclose()
        ctx.close()
        server.stop()


# --- size and encoding ---------------------------------------------------------------------------

async def test_an_oversize_reply_to_a_create_leaves_the_order_unknown(tmp_path, home):
    server = start_server(tmp_path, faults="oversize=1,oversize_kib=1100")
    from kameng_tui.bootstrap import build_context

    ctx = build_context(client_env(home, server.url, deadline_s="5", read_s="2"))
    try:
        placed = await ctx.checkout.place(OrderInput(sku="ref:HF-CM-10", fields={"account": PHONE}), wait_s=0)
        order = placed.order
        assert order.state is OrderState.UNKNOWN, (order.state, order.reason)
        assert "1 MiB" in (reason_text(order.reason, "zh") or "")
        assert server.orders()[order.order_no]["state"] == "succeeded"   # the supplier did take it: unknown is right
        report = await ctx.reconcile.run("ref")           # the query's reply is oversize too: still in doubt
        assert ctx.ledger.get(order.order_no).state is OrderState.UNKNOWN
        assert "1 MiB" in report.errors["ref"].text("en")
    finally:
        await ctx.aclose()
        ctx.close()
        server.stop()


def test_a_catalog_page_over_the_bound_fails_the_sync_and_keeps_the_old_cache(tmp_path, home):
    first = start_server(tmp_path)
    env = client_env(home, first.url, deadline_s="20", read_s="10")
    assert run_cli(env, "catalog", "sync").code == 0
    before = run_cli(env, "catalog", "--limit", "1000", "--json").json["items"]
    first.stop()
    big = start_server(tmp_path, faults="oversize=1,oversize_kib=33000", port=first.port)
    try:
        started = time.monotonic()
        r = run_cli(env, "--lang", "en", "catalog", "sync")
        assert r.code == 3, r.stdout + r.stderr
        assert "32 MiB" in r.stdout and "ref" in r.stdout, r.stdout
        assert time.monotonic() - started < 30
        after = run_cli(env, "catalog", "--limit", "1000", "--json").json["items"]
        assert [i["sku"] for i in after] == [i["sku"] for i in before] and len(after) == len(before) > 0
    finally:
        big.stop()


async def test_a_compressed_reply_is_refused(tmp_path, home):
    server = start_server(tmp_path, faults="gzip=1")
    from kameng_tui.bootstrap import build_context

    ctx = build_context(client_env(home, server.url, deadline_s="5", read_s="2"))
    try:
        started = time.monotonic()
        report = await ctx.catalog.sync("ref")
        said = report.errors["ref"].text("en")
        assert "Content-Encoding" in said and "gzip" in said, said
        assert time.monotonic() - started < 4              # refused, not retried until the deadline
        assert wait_for(lambda: [r for r in server.requests() if r.get("fault") == "gzip"])
    finally:
        await ctx.aclose()
        ctx.close()
        server.stop()


async def test_a_webhook_from_an_evil_supplier_is_recorded_clean(tmp_path, home):
    """The reason arrives only by webhook (no polling): the listener's path is cleaned too."""
    import asyncio

    from kameng_tui.bootstrap import build_context
    from kameng_tui.services.webhooks import WebhookListener
    from refkit import free_port

    port = free_port()
    server = start_server(tmp_path, "--webhook-url", f"http://127.0.0.1:{port}/hook",
                          faults="evil_text=1,settle_ms=300,fail=1")
    ctx = build_context(client_env(home, server.url, deadline_s="5", read_s="2"))
    listener = WebhookListener(ctx.hooks, "ref", port=port)
    await listener.start()
    serving = asyncio.create_task(listener.serve_until_stopped())
    try:
        placed = await ctx.checkout.place(OrderInput(sku="ref:HF-CM-10", fields={"account": PHONE}))
        assert placed.order.state is OrderState.PROCESSING
        for _ in range(200):
            if ctx.ledger.get(placed.order.order_no).state is OrderState.FAILED:
                break
            await asyncio.sleep(0.05)
        order = ctx.ledger.get(placed.order.order_no)
        assert order.state is OrderState.FAILED
        said = stored(order.reason)["supplier_text"]
        assert clean_text(said) and said.startswith("[2J]0;owned") and clean_text(reason_text(order.reason, "en"))
        assert clean_text(order.supplier_order_no)
        assert [r for r in server.requests() if r["method"] == "HOOK" and r["status"] == 200]
    finally:
        serving.cancel()
        await listener.aclose()
        await ctx.aclose()
        ctx.close()
        server.stop()
