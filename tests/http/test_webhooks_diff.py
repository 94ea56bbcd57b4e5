"""Webhooks (parse_callback, the listener, duplicates and out-of-order updates) and
`reconcile --diff` against the reference server as a real process."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys

import httpx

from kit import run_cli
from refkit import KEY_ID, SECRET, client_env, start_server
from kameng_tui.domain.states import OrderState
from kameng_tui.services.checkout import OrderInput
from kameng_tui.suppliers.base import PlaceRequest
from kameng_tui.suppliers.http import protocol as P


async def test_signed_webhooks_settle_orders_duplicates_and_old_updates_change_nothing(tmp_path, home):
    from kameng_tui.services.context import build_context
    from kameng_tui.services.webhooks import WebhookListener

    import socket

    with socket.socket() as sock:                         # the listener's port, known before the server starts
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    ref = start_server(tmp_path, "--webhook-url", f"http://127.0.0.1:{port}/hook",
                       faults="settle_ms=300,dup_webhook=1,seed=3")
    ctx = build_context(client_env(home, ref.url, deadline_s="3"))
    listener = WebhookListener(ctx, "ref", port=port)
    await listener.start()
    serving = asyncio.create_task(listener.serve_until_stopped())
    try:
        orders = []
        for i in range(3):
            placed = await ctx.checkout.place(OrderInput(sku="ref:HF-CM-10", fields={"account": f"1380013800{i}"}))
            assert placed.order.state is OrderState.PROCESSING
            orders.append(placed.order.order_no)
        for _ in range(100):                              # no polling: only webhooks move them
            if all(ctx.ledger.get(no).state is OrderState.SUCCEEDED for no in orders):
                break
            await asyncio.sleep(0.05)
        assert all(ctx.ledger.get(no).state is OrderState.SUCCEEDED for no in orders)
        await asyncio.sleep(0.3)                          # duplicates and the older `processing` arrive late
        for no in orders:
            kinds = [e.kind for e in ctx.ledger.events(no)]
            assert kinds.count("succeeded") == 1 and "anomaly" not in kinds, kinds
            assert ctx.ledger.get(no).state is OrderState.SUCCEEDED
        hooks = [r for r in ref.requests() if r["method"] == "HOOK"]
        assert any(r.get("fault") == "dup_webhook" for r in hooks) and all(r["status"] == 200 for r in hooks)
        # forged and stale webhooks are refused
        body = P.canonical({"event": "order.updated", "order": {"client_order_no": orders[0]}})
        async with httpx.AsyncClient() as c:
            forged = await c.post(listener.url, content=body, headers=P.sign_hook(KEY_ID, "wrong", body))
            stale = await c.post(listener.url, content=body, headers=P.sign_hook(KEY_ID, SECRET, body, now=1_000_000))
        assert forged.status_code == 401 and stale.status_code == 401
        sup = ctx.suppliers.get("ref")
        ping = P.canonical({"event": "ping"})
        assert sup.parse_callback(P.sign_hook(KEY_ID, SECRET, ping), ping) is None
    finally:
        ref.stop()
        serving.cancel()
        await listener.aclose()
        await ctx.aclose()
        ctx.close()


def test_cli_listen_starts_and_refuses_unsigned_posts(ref, home):
    env = client_env(home, ref.url)
    proc = subprocess.Popen([sys.executable, "-m", "kameng_tui", "supplier", "listen", "ref", "--json"], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        ready = json.loads(proc.stdout.readline())
        r = httpx.post(ready["url"], content=b"{}")
        assert r.status_code == 401
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    bad = run_cli(env, "--lang", "en", "supplier", "listen", "nosuch", "--json")
    assert bad.code == 2 and "nosuch" in bad.json["error"]["message"]


async def test_reconcile_diff_lists_both_sides(hctx, ref, env, home):
    placed = await hctx.checkout.place(OrderInput(sku="ref:HF-CM-10", fields={"account": "13800138000"}), wait_s=5)
    assert placed.order.state is OrderState.SUCCEEDED
    stranger = "KMSTRANGER00000000000001"              # the supplier has it, the ledger does not
    await hctx.suppliers.get("ref").place_order(PlaceRequest(stranger, "HF-CM-20", 1, {"account": "13800138001"}))
    # the ledger thinks it sent one the supplier never got
    intent = hctx.checkout.new_intent(await hctx.checkout.prepare(
        OrderInput(sku="ref:HF-CM-30", fields={"account": "13800138002"})))
    hctx.ledger.create_intents([intent], at=hctx.clock.now())
    hctx.ledger.transition(intent.order_no, OrderState.PENDING, OrderState.SUBMITTED, at=hctx.clock.now())
    hctx.ledger.transition(intent.order_no, OrderState.SUBMITTED, OrderState.UNKNOWN, at=hctx.clock.now())
    cenv = client_env(home, ref.url)
    r = run_cli(cenv, "reconcile", "--diff", "ref", "--since", "today", "--json")
    assert r.code == 3, r.stdout + r.stderr
    doc = r.json
    assert [x["order_no"] for x in doc["supplier_only"]] == [stranger]
    assert [x["order_no"] for x in doc["ledger_only"]] == [intent.order_no]
    assert doc["matched"] == 1 and doc["mismatched"] == []
    text = run_cli(cenv, "--lang", "en", "reconcile", "--diff", "ref")
    flat = " ".join(text.stdout.split())                   # Rich wraps at the terminal width
    assert "1 only at the supplier" in flat and "1 only in the ledger" in flat
    demo = run_cli(cenv, "--lang", "en", "reconcile", "--diff", "nosuch", "--json")
    assert demo.code == 2 and "Traceback" not in demo.stderr
