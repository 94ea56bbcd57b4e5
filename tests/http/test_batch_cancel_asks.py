"""`batch cancel` asks the supplier first about a line once submitted (issue 14, point 3),
against the reference server as a real process and the CLI as real subprocesses.

A line refused with a signed 429 after `submitted` may be held by the supplier after
all (the `hide_created` lie): batch cancel must not mark it cancelled. Found, it moves
pending -> unknown with a `pending_found` anomaly and takes the supplier's state; not
found within the adapter's grace, or no answer, it stays pending and is named as not
cancelled (exit 3). A line never submitted is cancelled at once, as before."""

from __future__ import annotations

from kit import run_cli
from refkit import client_env, start_server
from test_pending_resume import LATER, check, kinds

LINES = "sku,account\nref:HF-CM-10,13800138000\nref:HF-CM-20,13800138001\n"


def half_sent_batch(tmp_path, env) -> tuple[int, str, str]:
    """A batch of two lines: the run crashed right after the intents (nothing sent),
    then line 1 alone was sent by `order resume` and refused with a signed 429 after
    `submitted`. Returns (batch id, line 1's number, line 2's number)."""
    lines = tmp_path / "b.csv"
    lines.write_text(LINES, encoding="utf-8")
    crashed = run_cli({**env, "KAMENG_TUI_CRASH_AT": "after-intent"}, "batch", "run", str(lines), "--yes", "--json")
    assert crashed.code != 0
    batch_id = run_cli(env, "batch", "list", "--json").json["items"][0]["batch_id"]
    items = run_cli(env, "batch", "show", str(batch_id), "--json").json["items"]
    assert [(o["line_id"], o["state"]) for o in items] == [(1, "pending"), (2, "pending")]
    first, second = items[0]["order_no"], items[1]["order_no"]
    sent = run_cli(env, "order", "resume", first, "--json")
    assert sent.json["order"]["state"] == "pending", sent.stdout + sent.stderr
    assert kinds(env, first) == ["created", "submitted", "pending"]
    return batch_id, first, second


def test_batch_cancel_does_not_cancel_a_line_the_supplier_holds(tmp_path, home):
    # The hostile supplier creates and charges line 1, then answers with a signed 429.
    ref = start_server(tmp_path, faults="hide_created=1,retry_after=100")
    try:
        env = client_env(home, ref.url, deadline_s="3")
        batch_id, first, second = half_sent_batch(tmp_path, env)
        assert ref.creates() == {first: 1}
        r = run_cli(env, "--lang", "en", "batch", "cancel", str(batch_id), "--json")
        doc = r.json
        assert doc["batch_id"] == batch_id and doc["cancelled"] == 1, r.stdout + r.stderr
        check(doc, "batch_cancel_doc")
        [kept] = doc["not_cancelled"]
        assert (kept["order_no"], kept["line"], kept["status"], kept["state"]) == (first, 1, "found", "succeeded")
        assert [a["code"] for a in kept["anomalies"]] == ["pending_found"]
        assert "the supplier holds it" in kept["message"]
        assert r.code == 1                                  # it ran at the supplier: it cannot be cancelled
        assert kinds(env, first) == ["created", "submitted", "pending", "anomaly", "unknown", "succeeded"]
        assert run_cli(env, "show", second, "--json").json["order"]["state"] == "cancelled"
        assert ref.creates() == {first: 1}                  # queried, never sent again; line 2 never sent
        claims = run_cli(env, "claims", "--json").json["items"]
        assert [(c["order"]["order_no"], c["kind"]) for c in claims] == [(first, "anomaly")]
        assert run_cli(env, "ledger", "verify").code == 0
    finally:
        ref.stop()


def test_batch_cancel_leaves_a_line_pending_while_the_supplier_may_still_show_it(tmp_path, home):
    # A signed 429 before the order was read: nothing was created, but within the grace
    # time a "not found" proves nothing yet.
    ref = start_server(tmp_path, faults="refuse_create=1,retry_after=100")
    try:
        env = client_env(home, ref.url, deadline_s="3")
        batch_id, first, second = half_sent_batch(tmp_path, env)
        soon = run_cli(env, "--lang", "en", "batch", "cancel", str(batch_id), "--json")
        assert soon.code == 3, soon.stdout + soon.stderr
        check(soon.json, "batch_cancel_doc")
        assert soon.json["cancelled"] == 1                  # line 2, never submitted: at once
        assert [(k["order_no"], k["line"], k["status"], k["state"]) for k in soon.json["not_cancelled"]] == \
            [(first, 1, "not_found_yet", "pending")]
        assert run_cli(env, "show", first, "--json").json["order"]["state"] == "pending"
        assert run_cli(env, "show", second, "--json").json["order"]["state"] == "cancelled"
    finally:
        ref.stop()
    # The supplier cannot be asked: nothing changes, and the words say what to do next.
    down = run_cli({**env, "KAMENG_TUI_NOW": LATER}, "--lang", "en", "batch", "cancel", str(batch_id), "--json")
    assert down.code == 3, down.stdout + down.stderr
    check(down.json, "batch_cancel_doc")
    assert down.json["cancelled"] == 0
    assert [(k["order_no"], k["status"]) for k in down.json["not_cancelled"]] == [(first, "query_failed")]
    words = run_cli({**env, "KAMENG_TUI_NOW": LATER}, "--lang", "en", "batch", "cancel", str(batch_id))
    assert words.code == 3 and "Traceback" not in words.stderr
    flat = " ".join(words.stdout.split())
    assert first in flat and "not cancelled" in flat, words.stdout + words.stderr
    assert "the supplier could not be asked whether it holds it" in flat
    assert "kameng-tui reconcile" in flat and f"kameng-tui batch cancel {batch_id}" in flat
    zh = run_cli({**env, "KAMENG_TUI_NOW": LATER}, "--lang", "zh", "batch", "cancel", str(batch_id))
    assert zh.code == 3 and first in zh.stdout and "未取消" in zh.stdout and "Traceback" not in zh.stderr
    assert run_cli(env, "show", first, "--json").json["order"]["state"] == "pending"
    # Past the grace time, the supplier says "not found": now it is cancelled.
    healthy = start_server(tmp_path, port=ref.port)
    try:
        later = run_cli({**env, "KAMENG_TUI_NOW": LATER}, "batch", "cancel", str(batch_id), "--json")
        assert later.code == 0, later.stdout + later.stderr
        check(later.json, "batch_cancel_doc")
        assert later.json["cancelled"] == 1 and later.json["not_cancelled"] == []
        assert run_cli(env, "show", first, "--json").json["order"]["state"] == "cancelled"
        assert healthy.creates() == {}
    finally:
        healthy.stop()


def test_batch_cancel_of_lines_never_sent_needs_no_supplier(tmp_path, home):
    ref = start_server(tmp_path)
    env = client_env(home, ref.url, deadline_s="3")
    lines = tmp_path / "b.csv"
    lines.write_text(LINES, encoding="utf-8")
    run_cli({**env, "KAMENG_TUI_CRASH_AT": "after-intent"}, "batch", "run", str(lines), "--yes", "--json")
    batch_id = run_cli(env, "batch", "list", "--json").json["items"][0]["batch_id"]
    ref.stop()                                              # nothing to ask: never submitted
    r = run_cli(env, "--lang", "en", "batch", "cancel", str(batch_id), "--json")
    assert r.code == 0 and r.json["cancelled"] == 2 and r.json["not_cancelled"] == [], r.stdout + r.stderr
    check(r.json, "batch_cancel_doc")
    again = run_cli(env, "--lang", "en", "batch", "cancel", str(batch_id))
    assert again.code == 0 and "cancelled 0" in again.stdout
