"""Webhooks (parse_callback, the listener, duplicates and out-of-order updates) and
`reconcile --diff` against the reference server as a real process."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from decimal import Decimal

import httpx

from kit import run_cli
from refkit import KEY_ID, SECRET, client_env, start_server
from kameng_tui.domain.states import OrderState
from kameng_tui.services.checkout import OrderInput
from kameng_tui.suppliers.base import PlaceRequest
from kameng_tui.suppliers.http import protocol as P


async def test_signed_webhooks_settle_orders_duplicates_and_old_updates_change_nothing(tmp_path, home):
    from kameng_tui.bootstrap import build_context
    from kameng_tui.services.webhooks import WebhookListener

    import socket

    with socket.socket() as sock:                         # the listener's port, known before the server starts
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    ref = start_server(tmp_path, "--webhook-url", f"http://127.0.0.1:{port}/hook",
                       faults="settle_ms=300,dup_webhook=1,seed=3")
    ctx = build_context(client_env(home, ref.url, deadline_s="3"))
    listener = WebhookListener(ctx.hooks, "ref", port=port)
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


async def test_a_late_reply_after_a_webhook_settled_the_order_is_no_anomaly_a_contradiction_is(hctx, ref):
    """The listener (another process) may settle an order while the create call is still
    out. What the call then brings, a stale `processing` or a lost reply (unknown), is
    older news, not a contradiction: no anomaly. A different final state is one."""
    from kameng_tui.domain.errors import OutcomeUnknown
    from kameng_tui.ledger.store import Transition
    from kameng_tui.messages import Plain
    from kameng_tui.suppliers.base import OrderResult, RemoteState

    async def intent(account: str):
        p = await hctx.checkout.prepare(OrderInput(sku="ref:HF-CM-10", fields={"account": account}))
        no = hctx.checkout.commit_intent(p)
        return hctx.ledger.get(no)

    def settle_elsewhere(no: str, state: OrderState) -> None:       # what the webhook listener does
        hctx.ledger.transition(no, OrderState.SUBMITTED, state, Transition(charged=Decimal("9.9198")),
                               at=hctx.clock.now())

    class Racing:
        """The supplier: a webhook settles the order while the create is out, then the reply is lost."""

        def __init__(self, real):
            self.real = real

        def __getattr__(self, name):
            return getattr(self.real, name)

        async def place_order(self, request):
            settle_elsewhere(request.client_order_no, OrderState.SUCCEEDED)
            raise OutcomeUnknown(Plain("reply lost", "reply lost"))

    real_for = hctx.engine.supplier_for
    hctx.engine.supplier_for = lambda name: Racing(real_for(name))
    try:
        lost = await intent("13800138001")
        after = await hctx.engine.send(lost.order_no)
    finally:
        hctx.engine.supplier_for = real_for
    assert after.state is OrderState.SUCCEEDED
    assert "anomaly" not in [e.kind for e in hctx.ledger.events(lost.order_no)]

    late = await intent("13800138002")
    hctx.ledger.transition(late.order_no, OrderState.PENDING, OrderState.SUBMITTED, at=hctx.clock.now())
    seen = hctx.ledger.get(late.order_no)
    settle_elsewhere(late.order_no, OrderState.SUCCEEDED)
    stale = OrderResult(client_order_no=late.order_no, state=RemoteState.PROCESSING)
    assert hctx.engine.apply(seen, OrderState.SUBMITTED, stale).state is OrderState.SUCCEEDED
    assert "anomaly" not in [e.kind for e in hctx.ledger.events(late.order_no)]
    contradiction = OrderResult(client_order_no=late.order_no, state=RemoteState.FAILED, charged=Decimal("0"))
    assert hctx.engine.apply(seen, OrderState.SUBMITTED, contradiction).state is OrderState.SUCCEEDED
    anomalies = [e.body for e in hctx.ledger.events(late.order_no) if e.kind == "anomaly"]
    assert anomalies == [{"code": "final_contradicted", "params": {"recorded": "succeeded", "said": "failed"}}]


async def test_a_webhook_racing_the_sender_still_settles_the_order(hctx, ref):
    """The listener reads `submitted`, the sending process then marks the order unknown
    (its reply was lost): the webhook's compare-and-set loses, and is tried again from
    `unknown` instead of dropping the news."""
    from kameng_tui.services.webhooks import apply_callback
    from kameng_tui.ledger.store import Transition

    p = await hctx.checkout.prepare(OrderInput(sku="ref:HF-CM-10", fields={"account": "13800138003"}))
    no = hctx.checkout.commit_intent(p)
    hctx.ledger.transition(no, OrderState.PENDING, OrderState.SUBMITTED, at=hctx.clock.now())
    stale = hctx.ledger.get(no)
    hctx.ledger.transition(no, OrderState.SUBMITTED, OrderState.UNKNOWN, Transition(reason="reply lost"),
                           at=hctx.clock.now())
    real_get, reads = hctx.ledger.get, []

    def get(order_no):                                   # the first read happened before the sender's move
        reads.append(order_no)
        return stale if len(reads) == 1 else real_get(order_no)

    doc = {"client_order_no": no, "supplier_order_no": "RS1", "product_id": "HF-CM-10", "quantity": 1,
           "state": "succeeded", "charged": "9.9198", "refunded": "0.0000", "delivered_qty": 1, "cards": [],
           "reason": None, "created_at": 0, "updated_seq": 1}
    body = P.canonical({"event": "order.updated", "order": doc})
    hctx.ledger.get = get
    try:
        out = apply_callback(hctx, "ref", P.sign_hook(KEY_ID, SECRET, body), body)
    finally:
        hctx.ledger.get = real_get
    assert out.text == "succeeded" and hctx.ledger.get(no).state is OrderState.SUCCEEDED
    assert [e.kind for e in hctx.ledger.events(no)][-2:] == ["unknown", "succeeded"]
