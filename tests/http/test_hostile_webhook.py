"""A lying webhook for an order still in flight (issue 14, point 4), against the reference
server and the webhook listener as real processes.

`hooks_only=1` makes the hostile supplier tell its lies in webhooks only: the create
reply and any query stay true, so what the ledger learns of the lie comes from the
webhook alone. The lie is recorded as an anomaly and the order becomes a claim, whether
the webhook moves the order on (processing -> succeeded) or repeats its state."""

from __future__ import annotations

from decimal import Decimal

from kit import run_cli
from refkit import client_env, free_port, hooks_settled, start_listener, start_server, wait_for
from test_pending_resume import check


def anomalies(env, no) -> list[dict]:
    return [e for e in run_cli(env, "show", no, "--json").json["events"] if e["kind"] == "anomaly"]


def queried(ref, no) -> list[dict]:
    return [r for r in ref.requests() if r["method"] == "GET" and no in str(r.get("path"))]


def processing_order(tmp_path, home, faults: str):
    port = free_port()
    ref = start_server(tmp_path, "--webhook-url", f"http://127.0.0.1:{port}/hook", faults=faults)
    env = client_env(home, ref.url, deadline_s="5")
    listener = start_listener(env, port)
    r = run_cli(env, "order", "ref:HF-CM-10", "--account", "13800138000", "--yes", "--json", "--wait", "0")
    assert r.code == 3 and r.json["order"]["state"] == "processing", r.stdout + r.stderr
    assert r.json["anomalies"] == []                    # the create reply told the truth
    return ref, env, listener, r.json["order"]["order_no"]


def test_a_webhook_overcharging_a_processing_order_that_settles_it_is_an_anomaly(tmp_path, home):
    ref, env, listener, no = processing_order(tmp_path, home, "overcharge=1,hooks_only=1,settle_ms=1500,hook_delay_ms=1000")
    try:
        def settled():
            return run_cli(env, "show", no, "--json").json["order"]["state"] == "succeeded"
        assert wait_for(settled, timeout=20)
        hooks_settled(ref)
        assert [a for a in anomalies(env, no)] and len(anomalies(env, no)) == 1
        order = run_cli(env, "show", no, "--json").json["order"]
        assert Decimal(order["charged"]) == Decimal("999")              # recorded as the supplier said
        claims = run_cli(env, "--lang", "en", "claims", "--json").json
        check(claims, "claims_list")
        assert [(c["order"]["order_no"], c["kind"]) for c in claims["items"]] == [(no, "anomaly")]
        assert "charged 999.00 above the limit 10.4198" in claims["items"][0]["reason"]
        assert queried(ref, no) == []                                   # the webhook alone told it
    finally:
        listener.stop()
        ref.stop()


def test_a_webhook_lying_about_an_order_it_leaves_processing_is_an_anomaly(tmp_path, home):
    # The order stays processing at the supplier; its webhook (late, so the ledger already
    # has processing) says processing too, with a charge of 999.00: no state to change,
    # but the lie is still evidence.
    ref, env, listener, no = processing_order(tmp_path, home,
                                              "overcharge=1,hooks_only=1,settle_ms=600000,hook_delay_ms=1500")
    try:
        hooks = hooks_settled(ref, quiet_s=3.0)
        assert [h["state"] for h in hooks if h["no"] == no] == ["processing"]
        assert wait_for(lambda: anomalies(env, no), timeout=10), "the lying webhook left no anomaly"
        [event] = anomalies(env, no)
        order = run_cli(env, "show", no, "--json").json["order"]
        assert order["state"] == "processing"
        claims = run_cli(env, "--lang", "en", "claims", "--json").json["items"]
        assert [(c["order"]["order_no"], c["kind"]) for c in claims] == [(no, "anomaly")]
        assert "charged 999.00 above the limit 10.4198" in claims[0]["reason"]
        assert queried(ref, no) == []
        assert run_cli(env, "ledger", "verify").code == 0
    finally:
        listener.stop()
        ref.stop()
