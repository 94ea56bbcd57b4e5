"""Nothing a supplier may hold is invisible (issue 14, point 3), against the reference
server as a real process and the CLI as real subprocesses.

A signed 429 after submission leaves the order pending, once submitted: never sent
again by itself; reconcile queries it (and moves it pending -> unknown when the
supplier has it after all); `order resume` queries first; `order cancel` refuses while
the supplier may still show it; `reconcile --diff` and `claims` show it; a balance that
fell with nothing charged in the ledger is a claim."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema

from kit import run_cli
from refkit import client_env, start_server

SCHEMA = json.loads((Path(__file__).parents[1] / "engine" / "cli_schema.json").read_text(encoding="utf-8"))


def check(doc: dict, name: str) -> None:
    """Every --json document matches tests/engine/cli_schema.json (docs/cli-json.md)."""
    jsonschema.validate(doc, {**SCHEMA, "$ref": f"#/$defs/{name}"})

LATER = "2099-01-01T00:00:00+08:00"


def refused_then(tmp_path, home, faults: str):
    """An order whose create was answered with a signed 429 (Retry-After past the deadline)."""
    ref = start_server(tmp_path, faults=faults)
    env = client_env(home, ref.url, deadline_s="3")
    r = run_cli(env, "order", "ref:HF-CM-10", "--account", "13800138000", "--yes", "--json", "--wait", "0")
    assert r.json["order"]["state"] == "pending", r.stdout + r.stderr
    return ref, env, r.json["order"]["order_no"]


def kinds(env, no):
    return [e["kind"] for e in run_cli(env, "show", no, "--json").json["events"]]


def test_a_hidden_order_is_found_by_reconcile_pending_to_unknown_with_an_anomaly(tmp_path, home):
    # The hostile supplier creates the order, then answers with a signed 429.
    ref, env, no = refused_then(tmp_path, home, "hide_created=1,retry_after=100")
    try:
        assert ref.creates() == {no: 1}
        diff = run_cli(env, "reconcile", "--diff", "ref", "--since", "today", "--json")
        assert diff.code == 3
        assert [(m["order_no"], m["ledger_state"], m["supplier_state"]) for m in diff.json["mismatched"]] == \
            [(no, "pending", "succeeded")]
        r = run_cli(env, "reconcile", "--json")
        assert no in r.json["settled"], r.stdout + r.stderr
        assert kinds(env, no) == ["created", "submitted", "pending", "anomaly", "unknown", "succeeded"]
        assert ref.creates() == {no: 1}                                  # queried, never sent again
        claims = run_cli(env, "--lang", "en", "claims", "--json").json["items"]
        assert [(c["order"]["order_no"], c["kind"]) for c in claims] == [(no, "anomaly")]
        assert "the supplier holds an order the ledger had as unsent" in claims[0]["reason"]
        assert run_cli(env, "ledger", "verify").code == 0
    finally:
        ref.stop()


def test_resume_queries_first_and_does_not_send_an_order_the_supplier_holds(tmp_path, home):
    ref, env, no = refused_then(tmp_path, home, "hide_created=1,retry_after=100")
    try:
        r = run_cli(env, "order", "resume", no, "--json")
        assert r.code == 0 and r.json["order"]["state"] == "succeeded", r.stdout + r.stderr
        assert [a["code"] for a in r.json["anomalies"]] == ["pending_found"]
        check(r.json, "pending_doc")
        assert ref.creates() == {no: 1}
    finally:
        ref.stop()


def test_resume_sends_the_stored_request_under_the_same_number_when_the_supplier_lacks_it(tmp_path, home):
    ref, env, no = refused_then(tmp_path, home, "refuse_create=1,retry_after=100")
    ref.stop()
    try:
        # reconcile (what the TUI runs at start-up) queries, never sends a pending order
        down = run_cli(env, "reconcile", "--json")
        assert no in down.json["still_open"]
        healthy = start_server(tmp_path, port=ref.port)
        try:
            r = run_cli(env, "reconcile", "--json")
            assert no in r.json["still_open"] and healthy.creates() == {}
            assert run_cli(env, "show", no, "--json").json["order"]["state"] == "pending"
            sent = run_cli(env, "order", "resume", no, "--json", "--wait", "5")
            assert sent.code == 0 and sent.json["order"]["state"] == "succeeded", sent.stdout + sent.stderr
            assert sent.json["order"]["order_no"] == no and healthy.creates() == {no: 1}
            assert kinds(env, no) == ["created", "submitted", "pending", "submitted", "succeeded"]
        finally:
            healthy.stop()
    finally:
        ref.stop()


def test_cancel_refuses_while_the_supplier_may_still_show_it(tmp_path, home):
    ref, env, no = refused_then(tmp_path, home, "refuse_create=1,retry_after=100")
    ref.stop()
    healthy = start_server(tmp_path, port=ref.port)
    try:
        soon = run_cli(env, "--lang", "en", "order", "cancel", no, "--json")
        assert soon.code == 3, soon.stdout + soon.stderr                 # not found, but within the grace time
        assert run_cli(env, "show", no, "--json").json["order"]["state"] == "pending"
        healthy.stop()
        down = run_cli({**env, "KAMENG_TUI_NOW": LATER}, "order", "cancel", no, "--json")
        assert down.code == 3                                            # the query failed
        healthy = start_server(tmp_path, port=ref.port)
        later = run_cli({**env, "KAMENG_TUI_NOW": LATER}, "order", "cancel", no, "--json")
        assert later.code == 0 and later.json["order"]["state"] == "cancelled", later.stdout + later.stderr
        check(later.json, "pending_doc")
        check(soon.json, "pending_doc")
        again = run_cli(env, "order", "cancel", no, "--json")
        assert again.code == 2                                           # settled: nothing to cancel
        check(again.json, "error")
        assert healthy.creates() == {}
    finally:
        healthy.stop()


async def test_a_never_sent_order_cancels_at_once_and_plain_orders_still_parse(tmp_path, home):
    from kameng_tui.services.checkout import OrderInput
    from kameng_tui.bootstrap import build_context

    ref = start_server(tmp_path)
    env = client_env(home, ref.url, deadline_s="3")
    ctx = build_context(env)
    try:
        no = ctx.checkout.commit_intent(await ctx.checkout.prepare(
            OrderInput(sku="ref:HF-CM-10", fields={"account": "13800138000"})))
        r = run_cli(env, "order", "cancel", no, "--json")
        assert r.code == 0 and r.json["order"]["state"] == "cancelled", r.stdout + r.stderr
        assert ref.creates() == {}
        missing = run_cli(env, "order", "ref:HF-CM-10", "--yes", "--json")
        # the product's own schema names the missing field (issue 15: --account only where it has one)
        assert missing.code == 2 and missing.json["error"]["field"] == "account"
        none = run_cli(env, "order", "resume", "KM000000000000AAAA000000", "--json")
        assert none.code == 2
        placed = run_cli(env, "order", "ref:HF-CM-10", "--account", "13800138001", "--yes", "--json", "--wait", "5")
        assert placed.code == 0 and placed.json["order"]["state"] == "succeeded"
    finally:
        await ctx.aclose()
        ctx.close()
        ref.stop()


def test_claims_list_a_once_submitted_pending_order_after_the_setting(tmp_path, home):
    ref, env, no = refused_then(tmp_path, home, "refuse_create=1,retry_after=100")
    try:
        assert run_cli(env, "claims", "--json").json["items"] == []
        later = run_cli({**env, "KAMENG_TUI_NOW": LATER}, "--lang", "en", "claims", "--json").json["items"]
        assert [(c["order"]["order_no"], c["kind"]) for c in later] == [(no, "pending_once_submitted")]
        check(run_cli({**env, "KAMENG_TUI_NOW": LATER}, "claims", "--json").json, "claims_list")
        short = run_cli({**env, "KAMENG_TUI_CHECKOUT_PENDING_CLAIM_AFTER_S": "0"}, "claims", "--json").json["items"]
        assert [c["order"]["order_no"] for c in short] == [no]
    finally:
        ref.stop()


def test_a_balance_that_fell_with_nothing_charged_is_a_drift_claim(tmp_path, home):
    ref = start_server(tmp_path, faults="hide_created=1,retry_after=100")
    try:
        env = client_env(home, ref.url, deadline_s="3")
        assert run_cli(env, "balance", "--json").code == 0                # snapshot 1
        r = run_cli(env, "order", "ref:HF-CM-10", "--account", "13800138000", "--yes", "--json", "--wait", "0")
        assert r.json["order"]["state"] == "pending"
        assert run_cli(env, "balance", "--json").code == 0                # snapshot 2: 9.92 gone, nothing charged
        claims = run_cli(env, "--lang", "en", "claims", "--json").json["items"]
        drift = [c for c in claims if c["kind"] == "balance_drift"]
        assert len(drift) == 1 and drift[0]["supplier"] == "ref" and drift[0]["order"] is None
        check(run_cli(env, "claims", "--json").json, "claims_list")
        assert "9.9198" in drift[0]["reason"]
        assert run_cli(env, "balance", "--json").code == 0                # asked again: the same drift, once
        assert len([c for c in run_cli(env, "claims", "--json").json["items"] if c["kind"] == "balance_drift"]) == 1
        assert run_cli(env, "ledger", "verify").code == 0                 # an anomaly of no order is chained too
    finally:
        ref.stop()


def test_an_honest_balance_movement_is_no_drift(tmp_path, home):
    ref = start_server(tmp_path)
    try:
        env = client_env(home, ref.url, deadline_s="3")
        run_cli(env, "balance", "--json")
        r = run_cli(env, "order", "ref:HF-CM-10", "--account", "13800138000", "--yes", "--json", "--wait", "5")
        assert r.json["order"]["state"] == "succeeded"
        run_cli(env, "balance", "--json")
        assert run_cli(env, "claims", "--json").json["items"] == []
    finally:
        ref.stop()


def test_batch_resume_queries_lines_refused_after_submission_before_sending_them(tmp_path, home):
    ref = start_server(tmp_path, faults="hide_created=1,retry_after=100")
    try:
        env = client_env(home, ref.url, deadline_s="3")
        lines = tmp_path / "b.csv"
        lines.write_text("sku,account\nref:HF-CM-10,13800138000\nref:HF-CM-20,13800138001\n", encoding="utf-8")
        run = run_cli(env, "batch", "run", str(lines), "--yes", "--json")
        nos = [o["order_no"] for o in run.json["items"]]
        assert [o["state"] for o in run.json["items"]] == ["pending", "pending"], run.stdout + run.stderr
        again = run_cli(env, "batch", "resume", str(run.json["batch_id"]), "--yes", "--json")
        assert sorted(o["state"] for o in again.json["items"]) == ["succeeded", "succeeded"], again.stdout + again.stderr
        assert ref.creates() == {no: 1 for no in nos}                  # found by a query, never sent twice
        assert all("pending_found" in [a["code"] for a in run_cli(env, "order", "resume", no, "--json").json["anomalies"]]
                   for no in nos)
    finally:
        ref.stop()
