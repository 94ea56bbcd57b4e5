"""A supplier that lies (issue 14, point 4): the reference server, as a real process,
re-signs its replies with wrong amounts, quantities, products, cards and states. Each
lie is recorded as the supplier said, plus an `anomaly` event and a claim with the
reason; the CLI warns (`anomalies` in --json). Nothing a supplier says passes unchecked."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kit import run_cli
from test_pending_resume import check
from refkit import client_env, free_port, hooks_settled, start_listener, start_server, wait_for

# knob, sku, quantity, anomaly code, the English reason
LIES = [
    ("overcharge=1", "ref:HF-CM-10", 1, "overcharged", "charged 999.00 above the limit 10.4198"),
    ("overdeliver=1", "ref:HF-CM-10", 1, "delivered_out_of_range", "delivered 2 of 1 ordered"),
    ("short_delivery=1", "ref:HF-CM-10", 1, "nothing_delivered", "reported success with nothing delivered (1 ordered)"),
    ("other_product=1", "ref:HF-CM-10", 1, "other_product", "the reply is for product HF-CM-10-X, not HF-CM-10"),
    ("other_quantity=1", "ref:HF-CM-10", 1, "other_quantity", "the reply is for quantity 2, not 1"),
    ("extra_cards=1", "ref:SW-000", 2, "extra_cards", "4 cards came for 2 ordered; only 2 kept"),
    ("over_refund=1", "ref:HF-CM-10", 1, "refund_above_charge", "refunded 10.9198 above the charge 9.9198"),
]


@pytest.mark.parametrize("knob,sku,qty,code,reason", LIES, ids=[x[3] for x in LIES])
def test_a_lying_reply_is_recorded_as_said_with_an_anomaly_and_a_claim(tmp_path, home, knob, sku, qty, code, reason):
    ref = start_server(tmp_path, faults=knob)
    try:
        env = client_env(home, ref.url, deadline_s="5")
        r = run_cli(env, "--lang", "en", "order", sku, "--account", "13800138000", "--qty", str(qty), "--yes",
                    "--json", "--wait", "5")
        assert r.code in (0, 3), r.stdout + r.stderr
        doc = r.json
        no = doc["order"]["order_no"]
        assert [(a["code"], a["message"]) for a in doc["anomalies"]] == [(code, reason)]
        check(doc, "order_doc")
        claims = run_cli(env, "--lang", "en", "claims", "--json").json["items"]
        assert [(c["order"]["order_no"], c["kind"]) for c in claims] == [(no, "anomaly")]
        assert reason in claims[0]["reason"]
        check(run_cli(env, "claims", "--json").json, "claims_list")
        show = run_cli(env, "show", no, "--reveal", "--json").json
        anomalies = [e for e in show["events"] if e["kind"] == "anomaly"]
        assert len(anomalies) == 1
        order = show["order"]
        if code == "overcharged":
            assert Decimal(order["charged"]) == Decimal("999")            # as the supplier said
        if code == "nothing_delivered":
            assert order["state"] == "succeeded" and order["delivered_qty"] == 0
        if code == "extra_cards":
            assert len(show["cards"]) == 2                                 # cards beyond the quantity are not kept
        if code == "delivered_out_of_range":
            assert order["delivered_qty"] == 2
        zh = run_cli(env, "--lang", "zh", "claims")
        assert no in zh.stdout and "Traceback" not in zh.stderr
        assert run_cli(env, "ledger", "verify").code == 0
    finally:
        ref.stop()


def test_the_cli_warns_in_words_without_json(tmp_path, home):
    ref = start_server(tmp_path, faults="overcharge=1")
    try:
        env = client_env(home, ref.url, deadline_s="5")
        r = run_cli(env, "--lang", "en", "order", "ref:HF-CM-10", "--account", "13800138000", "--yes", "--wait", "5")
        flat = " ".join(r.stdout.split())
        assert "charged 999.00 above the limit 10.4198" in flat, r.stdout + r.stderr
        assert "kameng-tui claims" in flat                                 # the CLI names the command
    finally:
        ref.stop()


def test_an_honest_reply_raises_nothing(tmp_path, home):
    ref = start_server(tmp_path)
    try:
        env = client_env(home, ref.url, deadline_s="5")
        r = run_cli(env, "order", "ref:SW-000", "--account", "13800138000", "--qty", "2", "--yes", "--json", "--wait", "5")
        assert r.code == 0 and r.json["anomalies"] == []
        assert run_cli(env, "claims", "--json").json["items"] == []
    finally:
        ref.stop()


def test_a_webhook_contradicting_a_final_state_is_an_anomaly(tmp_path, home):
    port = free_port()
    ref = start_server(tmp_path, "--webhook-url", f"http://127.0.0.1:{port}/hook", faults="contradict_hook=1")
    env = client_env(home, ref.url, deadline_s="5")
    listener = start_listener(env, port)
    try:
        r = run_cli(env, "order", "ref:HF-CM-10", "--account", "13800138000", "--yes", "--json", "--wait", "5")
        assert r.code == 0 and r.json["order"]["state"] == "succeeded"
        no = r.json["order"]["order_no"]
        hooks = hooks_settled(ref)
        assert [h["state"] for h in hooks if h["no"] == no] == ["succeeded", "failed"]

        def anomalies():
            return [e for e in run_cli(env, "show", no, "--json").json["events"] if e["kind"] == "anomaly"]
        assert wait_for(anomalies, timeout=10)
        order = run_cli(env, "show", no, "--json").json["order"]
        assert order["state"] == "succeeded"                               # evidence, never an overwrite
        claims = run_cli(env, "--lang", "en", "claims", "--json").json["items"]
        assert [c["kind"] for c in claims] == ["anomaly"]
        assert "the supplier now says failed, the ledger has succeeded" in claims[0]["reason"]
    finally:
        listener.stop()
        ref.stop()
