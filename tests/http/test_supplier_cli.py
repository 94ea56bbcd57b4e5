"""`supplier test` and `supplier add` for a reseller leaving the demo (issue 15): a refused
key and an unreachable server exit 2 with their own codes; adding a real supplier can
turn the demo off (`--disable-demo`) or keep it (`--keep-demo`), and a script that says
neither keeps it and is told how to turn it off."""

from __future__ import annotations

from kit import base_env, run_cli
from refkit import KEY_ID, SECRET, client_env, free_port


def test_a_refused_key_exits_2_auth_failed(ref, home):
    env = client_env(home, ref.url, key_id="someone-else")
    r = run_cli(env, "supplier", "test", "ref", "--json")
    assert r.code == 2, r.stdout + r.stderr
    err = r.json["error"]
    assert err["code"] == "auth_failed" and "someone-else" in err["message"]
    assert err["items"][0]["name"] == "ref" and err["items"][0]["code"] == "auth_failed"
    people = run_cli(env, "supplier", "test", "ref")
    assert people.code == 2 and "ref: 拒绝了我们的凭据" in people.stdout and "Traceback" not in people.stderr


def test_nobody_listening_exits_2_supplier_unavailable(home):
    env = client_env(home, f"http://127.0.0.1:{free_port()}", deadline_s="3")
    r = run_cli(env, "supplier", "test", "ref", "--json")
    assert r.code == 2, r.stdout + r.stderr
    assert r.json["error"]["code"] == "supplier_unavailable"
    assert r.json["error"]["items"][0]["reachable"] is False
    en = run_cli(env, "--lang", "en", "supplier", "test", "ref")
    assert en.code == 2 and "ref: unreachable" in en.stdout, en.stdout + en.stderr


def test_a_reachable_supplier_exits_0(ref, home):
    r = run_cli(client_env(home, ref.url), "supplier", "test", "ref", "--json")
    assert r.code == 0 and r.json["items"][0]["reachable"] and r.json["items"][0]["code"] is None, r.stdout


def add_ref(env, ref, *flags: str):
    return run_cli(env, "supplier", "add", "ref", "--kind", "http", "--base-url", ref.url, "--key-id", KEY_ID,
                   *flags, "--json")


def test_add_with_disable_demo_turns_the_demo_off(ref, home):
    env = base_env(home, KAMENG_TUI_SECRET_REF=SECRET)
    assert run_cli(env, "catalog", "sync", "--json").code == 0               # the demo tour came first
    added = add_ref(env, ref, "--disable-demo")
    assert added.code == 0 and added.json["demo_disabled"] is True, added.stdout + added.stderr
    cfg = (home / "config" / "config.toml").read_text(encoding="utf-8")
    assert 'name = "demo"' in cfg and "enabled = false" in cfg                # kept, off: easy to turn on again
    listed = run_cli(env, "supplier", "list", "--json").json["items"]
    assert [(i["name"], i["enabled"]) for i in listed] == [("demo", False), ("ref", True)]
    assert run_cli(env, "catalog", "sync", "--json").code == 0
    skus = [p["sku"] for p in run_cli(env, "catalog", "--search", "huafei", "--json").json["items"]]
    assert skus and not any(s.startswith("demo:") for s in skus)
    order = run_cli(env, "order", "demo:HF-CM-10", "--account", "13800138000", "--yes", "--json")
    assert order.code == 2                                                   # nobody sells a demo card


def test_add_with_keep_demo_keeps_it_and_neither_flag_says_how(ref, home):
    env = base_env(home, KAMENG_TUI_SECRET_REF=SECRET)
    kept = add_ref(env, ref, "--keep-demo")
    assert kept.code == 0 and kept.json["demo_disabled"] is False
    listed = run_cli(env, "supplier", "list", "--json").json["items"]
    assert [(i["name"], i["enabled"]) for i in listed] == [("demo", True), ("ref", True)]
    both = add_ref(base_env(home / "other", KAMENG_TUI_SECRET_REF=SECRET), ref, "--keep-demo", "--disable-demo")
    assert both.code == 2 and both.json["error"]["code"] == "bad_input"
    other = home / "third"
    people = run_cli(base_env(other, KAMENG_TUI_SECRET_REF=SECRET), "supplier", "add", "ref", "--kind", "http",
                     "--base-url", ref.url, "--key-id", KEY_ID)
    assert people.code == 0 and "--disable-demo" in people.stdout, people.stdout + people.stderr


def at_a_terminal(env, args: list[str], answers: list[tuple[str, str]], timeout: float = 60) -> tuple[int, str]:
    """Run the CLI on a pseudo-terminal (its controlling terminal), typing each answer
    once its prompt shows. Returns (exit code, everything it printed)."""
    import os
    import pty
    import select
    import subprocess
    import sys
    import time

    master, slave = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "kameng_tui", *args], env={**env, "COLUMNS": "200"},
                            preexec_fn=lambda: os.login_tty(slave), close_fds=True)
    os.close(slave)
    seen, pending, end = b"", list(answers), time.monotonic() + timeout
    while time.monotonic() < end:
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
        if pending and pending[0][0].encode() in seen:
            os.write(master, pending.pop(0)[1].encode() + b"\n")
        if proc.poll() is not None and not ready:
            break
    os.close(master)
    return proc.wait(timeout=10), seen.decode("utf-8", "replace")


def test_at_a_terminal_add_asks_whether_to_turn_the_demo_off(ref, home):
    env = base_env(home, KAMENG_TUI_SECRET_REF=SECRET)
    args = ["supplier", "add", "ref", "--kind", "http", "--base-url", ref.url, "--key-id", KEY_ID]
    code, said = at_a_terminal(env, args, [("API 密钥", ""), ("停用演示供应商 demo", "y")])
    assert code == 0 and "已停用演示供应商 demo" in said, said
    assert "enabled = false" in (home / "config" / "config.toml").read_text(encoding="utf-8")
    other = home / "other"
    code, said = at_a_terminal(base_env(other, KAMENG_TUI_SECRET_REF=SECRET), args,
                               [("API 密钥", ""), ("停用演示供应商 demo", "")])
    assert code == 0 and "仍启用" in said and "enabled" not in (other / "config" / "config.toml").read_text(), said
