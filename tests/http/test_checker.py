"""`supplier check` passes against the reference server and fails, with the reason,
against deliberately broken variants of it (each a real process)."""

from __future__ import annotations

import pytest

from kit import base_env, run_cli
from refkit import KEY_ID, SECRET, start_server
from kameng_tui.testing.checker import run_checks

BROKEN = {
    "skew": ("clock_skew_rejected", "expected 401 clock_skew"),
    "replay": ("nonce_replay_rejected", "expected 401 nonce_reused"),
    "idempotency": ("idempotent_create", "made a second order"),
    "conflict": ("conflict_409", "expected 409 duplicate_order_no"),
    "unsigned": ("signed_reply", "not signed"),
    "paging": ("catalog_paging", "appears twice"),
    "etag": ("catalog_etag_304", "expected 304"),
    "query": ("query_after_dropped_reply", "not found by query"),
    "hooksig": ("webhook_signature", "signature is wrong"),
}


def test_cli_check_passes_against_the_reference_server(tmp_path, home):
    ref = start_server(tmp_path, "--catalog-size", "300")
    try:
        env = base_env(home, KAMENG_TUI_CHECK_SECRET=SECRET)
        r = run_cli(env, "supplier", "check", ref.url, "--key-id", KEY_ID, "--json")
        assert r.code == 0, r.stdout + r.stderr
        assert r.json["ok"] and all(i["passed"] for i in r.json["items"]) and len(r.json["items"]) == 11
        text = run_cli(env, "supplier", "check", ref.url, "--key-id", KEY_ID)
        assert text.code == 0 and "PASS" in text.stdout and "11/11" in text.stdout
        wrong = run_cli({**env, "KAMENG_TUI_CHECK_SECRET": "nope"}, "supplier", "check", ref.url, "--key-id", KEY_ID, "--json")
        assert wrong.code == 1 and not wrong.json["ok"] and "Traceback" not in wrong.stderr
        nosecret = run_cli(base_env(home), "supplier", "check", ref.url, "--key-id", KEY_ID, "--json")
        assert nosecret.code == 2 and "KAMENG_TUI_CHECK_SECRET" in nosecret.json["error"]["message"]
    finally:
        ref.stop()


@pytest.mark.parametrize("variant", list(BROKEN))
def test_checker_fails_broken_variants_with_a_reason(variant, tmp_path):
    ref = start_server(tmp_path, "--catalog-size", "300", "--broken", variant)
    try:
        results = {r.name: r for r in run_checks(ref.url, KEY_ID, SECRET, timeout=5)}
    finally:
        ref.stop()
    name, reason = BROKEN[variant]
    assert not results[name].passed, results[name]
    assert reason in results[name].detail, results[name].detail
    print(variant, "->", name, ":", results[name].detail)


def test_serve_rejects_bad_fault_specs(home):
    env = base_env(home, KAMENG_TUI_SERVE_SECRET=SECRET)
    for spec, word in (("latency", "name=value"), ("nosuch=1", "unknown knob"), ("err500=2", "0..1"),
                       ("latency=abc", "not a number")):
        r = run_cli(env, "--lang", "en", "supplier", "serve", "--faults", spec, "--json")
        assert r.code == 2 and word in r.json["error"]["message"], (spec, r.stdout, r.stderr)
        assert "Traceback" not in r.stderr
    r = run_cli(base_env(home), "supplier", "serve", "--json")
    assert r.code == 2 and "KAMENG_TUI_SERVE_SECRET" in r.stdout
