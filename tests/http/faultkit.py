"""Run a batch against the reference server with a fault mix, recover, and check the
guarantees from the outside: the server's request log and books against the ledger."""

from __future__ import annotations

import asyncio
import time
from decimal import Decimal

from kameng_tui.domain.states import IN_FLIGHT, SETTLED, OrderState

S = OrderState
FACES = (10, 20, 30, 50)
CARDS = ("SW-000", "SW-001", "SW-004", "SW-008", "SW-009")


def lines(n: int, supplier: str = "ref", seed: int = 0) -> str:
    out = []
    for i in range(n):
        if i % 5 == 4:
            out.append(f"{supplier}:{CARDS[(i // 5) % len(CARDS)]} 139{seed % 100:02d}{i:06d}")
        else:
            carrier = ("CM", "LT", "DX")[i % 3]
            out.append(f"{supplier}:HF-{carrier}-{FACES[(i // 3) % len(FACES)]} 138{seed % 100:02d}{i:06d}")
    return "\n".join(out) + "\n"


async def recover(ctx, batch_id: int | None = None, rounds: int = 80) -> dict:
    """Reconcile until quiet; resume anything left pending (the explicit act)."""
    stats = {"rounds": 0, "resumed": 0}
    for _ in range(rounds):
        stats["rounds"] += 1
        await ctx.reconcile.run("ref")
        pending = ctx.ledger.in_state([S.PENDING], "ref")
        if pending:
            stats["resumed"] += len(pending)
            async with ctx.send_lock.held():
                await asyncio.gather(*(ctx.engine.send(o.order_no) for o in pending))
        left = ctx.ledger.in_state(sorted(IN_FLIGHT | {S.PENDING}, key=str), "ref")
        if not left:
            return stats
        await asyncio.sleep(0.1)
    return stats


def resends(ctx, order_no: str) -> int:
    return sum(1 for e in ctx.ledger.events(order_no) if e.kind == "resend")


def all_orders(ctx) -> list:
    return ctx.ledger.find(list(S))


def connect_failures(ctx, supplier: str = "ref") -> dict[str, int]:
    """Creates of this process that failed to connect (provably nothing sent), per number."""
    return dict(getattr(ctx.suppliers.get(supplier), "connect_failures", {}))


def check_history(ctx, order, label: str) -> None:
    """What a user reads in `show`: every state change a legal step forward, one final
    state, no anomaly; duplicate or stale updates left no trace."""
    from kameng_tui.domain.states import can_transition

    states = [e.body for e in ctx.ledger.events(order.order_no) if e.kind in {s.value for s in S}]
    kinds = [e.kind for e in ctx.ledger.events(order.order_no)]
    path = " -> ".join(b["state"] for b in states)
    assert all(can_transition(S(b["from"]), S(b["state"])) for b in states), f"{label}: {order.order_no}: {path}"
    finals = [b["state"] for b in states if b["state"] in ("succeeded", "failed")]
    assert len(finals) == 1 or order.state is S.CANCELLED, f"{label}: {order.order_no} final states {path}"
    anomalies = [e.body for e in ctx.ledger.events(order.order_no) if e.kind == "anomaly"]
    assert not anomalies, f"{label}: {order.order_no} anomaly {anomalies}: {kinds}"


def check_guarantees(ctx, ref, label: str, expect: int | None = None) -> None:
    orders = [o for o in all_orders(ctx) if o.supplier == "ref"]
    if expect is not None:
        assert len(orders) == expect, f"{label}: {len(orders)} orders recorded, {expect} expected"
    open_ = [(o.order_no, o.state.value) for o in orders if o.state not in SETTLED]
    assert not open_, f"{label}: not settled after reconcile: {open_[:5]}"
    creates = ref.creates()
    server = ref.orders()
    failed_connects = connect_failures(ctx)
    new_orders: dict[str, int] = {}                # creates the server booked as a new order (and charged)
    for r in ref.requests():
        if r["method"] == "POST" and r.get("outcome") == "created":
            new_orders[r["no"]] = new_orders.get(r["no"], 0) + 1
    mine = {o.order_no for o in orders}
    assert set(server) <= mine, f"{label}: the server holds orders the ledger lacks: {sorted(set(server) - mine)[:5]}"
    for o in orders:
        n, cf, rs = creates.get(o.order_no, 0), failed_connects.get(o.order_no, 0), resends(ctx, o.order_no)
        assert n <= 1 + cf + rs, f"{label}: {o.order_no} created {n} times, {cf} connect failures, {rs} re-sends"
        assert new_orders.get(o.order_no, 0) <= 1, f"{label}: {o.order_no} booked {new_orders[o.order_no]} times"
        check_history(ctx, o, label)
        theirs = server.get(o.order_no)
        if theirs is None:
            assert o.state is S.FAILED and o.charged == 0, f"{label}: {o.order_no} {o.state.value} but unknown at the server"
            continue
        assert theirs["state"] == o.state.value, f"{label}: {o.order_no} ledger {o.state.value} server {theirs['state']}"
        assert theirs["net"] == o.charged - o.refunded, f"{label}: {o.order_no} charged differs"
    total = sum((o.charged - o.refunded for o in orders), Decimal(0))
    from refkit import START_BALANCE

    assert ref.balance() == START_BALANCE - total, f"{label}: balance {ref.balance()} != {START_BALANCE} - {total}"
    report = ctx.ledger.verify()
    assert report.ok, f"{label}: ledger verify: {report.problems}"


def check_webhooks(hooks: list[dict], faults: str, label: str) -> dict[str, int]:
    """Every webhook reached the receiver and was accepted (signature checked, nothing
    crashed); with `settle_ms` some settled orders before any query did."""
    assert hooks, f"{label}: no webhook was sent"
    bad = [(h.get("no"), h["status"], h.get("reply")) for h in hooks if h["status"] != 200]
    assert not bad, f"{label}: webhooks not accepted: {bad[:5]}"
    replies: dict[str, int] = {}
    for h in hooks:
        key = ("dup:" if h.get("fault") else "") + str(h.get("reply"))
        replies[key] = replies.get(key, 0) + 1
    if "dup_webhook" in faults:
        assert any(h.get("fault") == "dup_webhook" for h in hooks), f"{label}: no duplicate webhook: {replies}"
    if "settle_ms" in faults:
        moved = sum(v for k, v in replies.items() if k.split(":")[-1] in ("succeeded", "failed"))
        assert moved, f"{label}: no webhook settled an order: {replies}"
    return replies


async def run_mix(tmp_path, home, faults: str, label: str, n: int = 200, concurrency: int = 8, webhook: bool = False) -> dict:
    """One mix. `webhook`: the server posts its webhooks (duplicates and stale ones
    included) to `kameng-tui supplier listen` running as a process on the same ledger,
    as a reseller who can receive them would run it."""
    from kameng_tui.bootstrap import build_context
    from refkit import client_env, free_port, hooks_settled, start_listener, start_server

    port = free_port() if webhook else 0
    ref = start_server(tmp_path, *(("--webhook-url", f"http://127.0.0.1:{port}/hook") if webhook else ()), faults=faults)
    env = client_env(home, ref.url, deadline_s="2.0", read_s="0.3", connect_s="0.5")
    listener = None
    ctx = build_context(env)
    started = time.monotonic()
    try:
        if webhook:
            listener = await asyncio.to_thread(start_listener, env, port)
        plan = await ctx.batch.plan(lines(n, seed=sum(map(ord, label)) % 97), source=label)
        t_plan = time.monotonic()
        outcome = await ctx.batch.run(plan, concurrency=concurrency)
        t_run = time.monotonic()
        after_batch = {s.value: outcome.count(s) for s in S if outcome.count(s)}
        stats = await recover(ctx)
        t_rec = time.monotonic()
        if listener is not None:
            hooks = await asyncio.to_thread(hooks_settled, ref)
            listener.stop()
            stats["webhooks"] = check_webhooks(hooks, faults, f"{label} [{faults}]")
        check_guarantees(ctx, ref, f"{label} [{faults}]", expect=n)
        stats["phases"] = [round(t_plan - started, 2), round(t_run - t_plan, 2), round(t_rec - t_run, 2),
                           round(time.monotonic() - t_rec, 2)]
        log = ref.requests()
        injected: dict[str, int] = {}
        for r in log:
            if r.get("fault"):
                injected[r["fault"]] = injected.get(r["fault"], 0) + 1
        return {"after_batch": after_batch, "injected": injected, "seconds": round(time.monotonic() - started, 1), **stats}
    finally:
        if listener is not None:
            listener.stop()
        await ctx.aclose()
        ctx.close()
        ref.stop()
