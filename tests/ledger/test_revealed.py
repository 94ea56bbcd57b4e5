"""Every reveal, copy or `--reveal` export of a delivered card appends a chained
`revealed` event naming the operator (issue 19), on both stores: the event holds no
card text, `ledger verify` accepts it, and the order's projection ignores it (its state
and figures are as before). A masked read records nothing."""

from __future__ import annotations

import json

from kameng_tui.domain.history import HistoryFilter
from kameng_tui.domain.states import OrderState
from kameng_tui.services.checkout import OrderInput

CARD_SKU = "demo:GM-QQB-10-K"


async def test_reveal_copy_and_export_each_append_a_revealed_event(ctx, tmp_path):
    placed = await ctx.checkout.place(OrderInput(sku=CARD_SKU, fields={"account": "13800138000"}), wait_s=5)
    order = placed.order
    assert order.state is OrderState.SUCCEEDED
    before = ctx.ledger.get(order.order_no)
    orders = ctx.shop.orders

    masked = orders.cards(order, False)
    assert masked and not [e for e in ctx.ledger.events(order.order_no) if e.kind == "revealed"]
    plain = orders.reveal(order, "reveal")
    orders.reveal(order, "copy")
    from kameng_tui.services.export import export

    export(ctx.exporter, HistoryFilter(), "json", tmp_path / "out.json", reveal=True)

    revealed = [e for e in ctx.ledger.events(order.order_no) if e.kind == "revealed"]
    assert [e.body["action"] for e in revealed] == ["reveal", "copy", "export"]
    assert all(e.body["operator"] and e.body["cards"] == len(plain) for e in revealed)
    secrets = [c["password"] for c in plain] + [c["number"] for c in plain]
    text = json.dumps([e.body for e in revealed], ensure_ascii=False)
    assert not any(s and s in text for s in secrets), text
    after = ctx.ledger.get(order.order_no)
    assert after == before                                   # the projection ignores it
    report = ctx.ledger.verify()
    assert report.ok, report
    if hasattr(ctx.ledger, "conninfo"):                    # the team ledger (ctx runs on both stores)
        import psycopg

        with psycopg.connect(ctx.ledger.conninfo) as conn:
            who = {r[0] for r in conn.execute("SELECT operator FROM events WHERE kind = 'revealed'")}
            me = conn.execute("SELECT session_user").fetchone()[0]
        assert who == {me}                                   # the server's login role, not a display name
