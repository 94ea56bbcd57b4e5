"""While the ledger refuses chained writes (its anchor deleted, an older copy restored),
the webhook listener answers 503 and records nothing; after accept-restore it records
again."""

from __future__ import annotations

import asyncio

import httpx

from refkit import KEY_ID, SECRET
from kameng_tui.domain.states import OrderState
from kameng_tui.services.checkout import OrderInput
from kameng_tui.suppliers.http import protocol as P


async def test_webhooks_get_503_and_record_nothing_while_writes_are_refused(hctx, ref, home):
    from kameng_tui.services.restore import accept
    from kameng_tui.services.webhooks import WebhookListener

    p = await hctx.checkout.prepare(OrderInput(sku="ref:HF-CM-10", fields={"account": "13800138009"}))
    no = hctx.checkout.commit_intent(p)
    hctx.ledger.transition(no, OrderState.PENDING, OrderState.SUBMITTED, at=hctx.clock.now())
    doc = {"client_order_no": no, "supplier_order_no": "RS9", "product_id": "HF-CM-10", "quantity": 1,
           "state": "succeeded", "charged": "9.9198", "refunded": "0.0000", "delivered_qty": 1, "cards": [],
           "reason": None, "created_at": 0, "updated_seq": 1}
    body = P.canonical({"event": "order.updated", "order": doc})
    (home / "data" / "ledger.head").unlink()                 # someone deletes the anchor
    events = len(hctx.ledger.events(no))

    listener = WebhookListener(hctx.hooks, "ref", port=0)
    await listener.start()
    serving = asyncio.create_task(listener.serve_until_stopped())
    try:
        async with httpx.AsyncClient() as c:
            r = await c.post(listener.url, content=body, headers=P.sign_hook(KEY_ID, SECRET, body))
            assert r.status_code == 503, r.text
            assert hctx.ledger.get(no).state is OrderState.SUBMITTED
            assert len(hctx.ledger.events(no)) == events
            accept(hctx.restorer, "anchor deleted by mistake; chain verified")
            r = await c.post(listener.url, content=body, headers=P.sign_hook(KEY_ID, SECRET, body))
            assert r.status_code == 200, r.text
        assert hctx.ledger.get(no).state is OrderState.SUCCEEDED
    finally:
        serving.cancel()
        await listener.aclose()
