"""Every failure has a documented exit code (issue 14, point 6).

The CLI runs as a real subprocess on a real SQLite file; disk-full is a real SQLITE_FULL
(`PRAGMA max_page_count`, via the test hook KAMENG_TUI_TEST_MAX_PAGES) or a real ENOSPC
(the anchor written into /dev/full, via KAMENG_TUI_TEST_ANCHOR_ENOSPC_AT). What the user
must be able to rely on: an order that went through is never an "internal error", an
order recorded but never sent is named with the command that sends it, and nothing is
recorded when the command says "nothing ordered".
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

import pytest


SKU, PHONE = "demo:HF-CM-100", "13800138000"


def order(cli, *extra: str, extra_env: dict[str, str] | None = None):
    return cli("order", SKU, "--account", PHONE, "--yes", "--json", *extra, extra_env=extra_env)


def history(cli) -> list[dict]:
    r = cli("history", "--json")
    assert r.code == 0, r.stdout + r.stderr
    return r.json["items"]


def demo_creates(home) -> int:
    """Orders the demo supplier received (its own state file): 0 means nothing was sent."""
    from kameng_tui.suppliers.demo import inspect_state

    path = home / "data" / "demo-supplier.db"
    if not path.exists():
        return 0
    return sum(inspect_state(path)[1].values())


def flat(text: str) -> str:
    """Human output as one line (Rich wraps at the terminal width)."""
    return " ".join(text.split())


def schema_ok(doc: dict, name: str = "error") -> None:
    from test_cli_json import check

    check(doc, name)


def no_traceback(r) -> None:
    assert "Traceback" not in r.stderr and "Exception ignored" not in r.stderr, r.stderr


# --- locks ---------------------------------------------------------------------------------

@pytest.fixture
def writer_holds_lock(cli, home):
    """Another process (here: a plain sqlite3 connection) holds the ledger's write lock."""
    assert cli("history", "--json").code == 0            # the ledger exists, schema current
    con = sqlite3.connect(home / "data" / "ledger.db", isolation_level=None)
    con.execute("BEGIN IMMEDIATE")
    yield con
    con.execute("ROLLBACK")
    con.close()


def test_read_commands_take_no_write_lock(cli, writer_holds_lock):
    started = time.monotonic()
    r = cli("history", "--json")
    assert r.code == 0, r.stdout + r.stderr
    assert r.json["total"] == 0
    assert time.monotonic() - started < 4.5, "history waited for the write lock"
    assert cli("ledger", "verify", "--json").code == 0


def test_write_that_cannot_get_the_lock_exits_5_nothing_ordered(cli, home, writer_holds_lock):
    r = order(cli)
    assert r.code == 5, r.stdout + r.stderr
    assert r.json["error"]["code"] == "ledger_busy"
    no_traceback(r)
    writer_holds_lock.execute("ROLLBACK")
    writer_holds_lock.execute("BEGIN")                   # the fixture's ROLLBACK needs one open
    assert history(cli) == []
    assert demo_creates(home) == 0


# --- disk full ----------------------------------------------------------------------------

def test_sqlite_full_before_intent_exit_2_nothing_ordered(cli, home):
    assert cli("history", "--json").code == 0
    # The file capped at its size; a note of 500 different characters gives the text index
    # ~500 new trigrams, more than the free room in its pages: the intent needs new pages.
    note = "".join(chr(0x4E00 + i * 7) for i in range(500))
    r = order(cli, "--note", note, extra_env={"KAMENG_TUI_TEST_MAX_PAGES": "1"})
    assert r.code == 2, r.stdout + r.stderr
    err = r.json["error"]
    assert err["code"] == "disk_full"
    assert "nothing ordered" in flat(cli("--lang", "en", "order", SKU, "--account", PHONE, "--yes", "--note", note,
                            extra_env={"KAMENG_TUI_TEST_MAX_PAGES": "1"}).stderr).lower()
    # (the full sentence, unwrapped: "the disk is full (...): nothing ordered, nothing recorded")
    assert err.get("not_sent", []) == [] and err.get("in_doubt", []) == []
    no_traceback(r)
    assert history(cli) == []
    assert demo_creates(home) == 0


def test_enospc_after_intent_exit_2_recorded_not_sent_with_resume(cli, home):
    r = order(cli, extra_env={"KAMENG_TUI_TEST_ANCHOR_ENOSPC_AT": "1"})   # seq 1: the intent
    assert r.code == 2, r.stdout + r.stderr
    err = r.json["error"]
    assert err["code"] == "disk_full"
    [order_no] = err["not_sent"]
    assert order_no in err["message"] and f"kameng-tui order resume {order_no}" in err["message"]
    schema_ok(r.json)
    no_traceback(r)
    [o] = history(cli)
    assert o["order_no"] == order_no and o["state"] == "pending"
    assert demo_creates(home) == 0
    human = cli("--lang", "en", "order", SKU, "--account", "13900139000", "--yes",
                extra_env={"KAMENG_TUI_TEST_ANCHOR_ENOSPC_AT": "2"})  # the second order's intent is seq 2
    assert human.code == 2 and "recorded, not sent" in flat(human.stderr), human.stderr
    assert "kameng-tui order resume KM" in flat(human.stderr)


def test_enospc_after_submitted_exit_3_names_the_order(cli, home):
    r = order(cli, extra_env={"KAMENG_TUI_TEST_ANCHOR_ENOSPC_AT": "2"})   # seq 2: submitted
    assert r.code == 3, r.stdout + r.stderr
    err = r.json["error"]
    [order_no] = err["in_doubt"]
    assert order_no in err["message"]
    schema_ok(r.json)
    no_traceback(r)
    [o] = history(cli)
    assert o["order_no"] == order_no and o["state"] == "submitted"


def test_enospc_after_the_reply_reports_the_real_outcome_and_a_warning(cli, home):
    r = order(cli, extra_env={"KAMENG_TUI_TEST_ANCHOR_ENOSPC_AT": "3"})   # seq 3: the supplier's answer
    doc = r.json
    assert "error" not in doc, doc
    [o] = history(cli)
    assert doc["order"]["order_no"] == o["order_no"] and doc["order"]["state"] == o["state"]
    assert o["state"] in ("succeeded", "processing")
    assert r.code == (0 if o["state"] == "succeeded" else 3)
    assert doc["warnings"] and any("disk" in w.lower() or "磁盘" in w for w in doc["warnings"])
    schema_ok(doc, "order_doc")
    no_traceback(r)


def test_unexpected_error_after_submission_exits_3_naming_the_order(env, monkeypatch, capsys):
    """In-process: a bug while recording the supplier's answer (the money may be spent)."""
    from kameng_tui.__main__ import main
    from kameng_tui.services.engine import OrderEngine

    for k, v in env.items():
        monkeypatch.setenv(k, v)

    def boom(self, *a, **kw):
        raise RuntimeError("bug while recording the answer")

    monkeypatch.setattr(OrderEngine, "outcome", boom)
    code = main(["order", SKU, "--account", PHONE, "--yes", "--json"])
    err = json.loads(capsys.readouterr().out)["error"]
    assert code == 3, err
    [order_no] = err["in_doubt"]
    assert order_no in err["message"]


def test_internal_error_before_any_order_is_still_70(env, monkeypatch, capsys):
    from kameng_tui.__main__ import main
    from kameng_tui.services.checkout import CheckoutService

    for k, v in env.items():
        monkeypatch.setenv(k, v)

    def boom(self, *a, **kw):
        raise RuntimeError("bug before the intent")

    monkeypatch.setattr(CheckoutService, "commit_intent", boom)
    code = main(["order", SKU, "--account", PHONE, "--yes", "--json"])
    err = json.loads(capsys.readouterr().out)["error"]
    assert code == 70 and err["code"] == "internal"


# --- bad values from the environment and the command line ----------------------------------------

def test_bad_now_env_exit_2_naming_it(cli):
    r = cli("history", "--json", extra_env={"KAMENG_TUI_NOW": "yesterday-ish"})
    assert r.code == 2, r.stdout + r.stderr
    assert r.json["error"]["field"] == "KAMENG_TUI_NOW"
    assert "KAMENG_TUI_NOW" in r.json["error"]["message"]
    no_traceback(r)


@pytest.mark.parametrize("args,field", [
    (("history", "--since", "0001-01-01"), "since"),
    (("history", "--until", "9999-12-31"), "until"),
    (("report", "--since", "0001-01-01"), "since"),
])
def test_out_of_range_date_exit_2_naming_it(cli, args, field):
    r = cli(*args, "--json")
    assert r.code == 2, r.stdout + r.stderr
    assert r.json["error"]["field"] == field
    no_traceback(r)


def test_export_to_a_directory_exit_2_naming_it(cli, tmp_path):
    r = cli("export", "--format", "csv", "-o", str(tmp_path), "--json")
    assert r.code == 2, r.stdout + r.stderr
    assert r.json["error"]["field"] == "output"
    assert str(tmp_path) in r.json["error"]["message"]
    no_traceback(r)


# --- the reader left; Ctrl-C; a batch is sending -----------------------------------------------------

def run_into_closed_pipe(env, *args: str) -> subprocess.CompletedProcess:
    """stdout is a pipe whose reader already left (`... | head -c 0`)."""
    read, write = os.pipe()
    os.close(read)
    try:
        return subprocess.run([sys.executable, "-m", "kameng_tui", *args], env=env, stdout=write,
                              stderr=subprocess.PIPE, text=True, timeout=120)
    finally:
        os.close(write)


def test_broken_pipe_keeps_the_outcomes_exit_code_quietly(cli, env):
    assert order(cli).code == 0
    r = run_into_closed_pipe(env, "history", "--json")
    assert r.returncode == 0 and r.stderr == ""
    r = run_into_closed_pipe(env, "order", SKU, "--account", "13900139000", "--yes", "--json")
    assert r.returncode == 0, r.stderr
    assert r.stderr == ""
    assert len(history(cli)) == 2
    r = run_into_closed_pipe(env, "show", "KM000000000000NOSUCHONE0", "--json")
    assert r.returncode == 2 and r.stderr == ""


def as_from_a_terminal() -> None:
    """The child takes Ctrl-C as a terminal delivers it: a suite started in the background
    (`cmd &` in a script, CI runners) passes SIGINT on as ignored, and Python then keeps
    ignoring it."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def test_ctrl_c_after_the_intent_130_pending_not_sent(env, home, cli):
    proc = subprocess.Popen([sys.executable, "-m", "kameng_tui", "--lang", "en", "order", SKU, "--account", PHONE,
                             "--yes"], env={**env, "KAMENG_TUI_PAUSE_AT": "after-intent"},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=as_from_a_terminal)
    try:
        line = proc.stderr.readline()
        assert "after-intent" in line, line
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, out + err
    [o] = history(cli)
    assert o["state"] == "pending"
    err = flat(err)
    assert o["order_no"] in err and "pending, not sent" in err and f"order resume {o['order_no']}" in err
    assert "Traceback" not in err
    assert demo_creates(home) == 0


def test_single_order_waiting_for_a_sending_batch_says_recorded_not_sent(cli, home):
    from filelock import FileLock

    assert cli("history", "--json").code == 0
    lock = FileLock(str(home / "data" / "send.lock"))
    with lock:
        r = order(cli, extra_env={"KAMENG_TUI_SEND_LOCK_WAIT_S": "1"})
    assert r.code == 5, r.stdout + r.stderr
    err = r.json["error"]
    [order_no] = err["not_sent"]
    assert f"kameng-tui order resume {order_no}" in err["message"]
    [o] = history(cli)
    assert o["state"] == "pending"
    assert demo_creates(home) == 0


def test_ctrl_c_while_waiting_for_the_supplier_130_names_the_order_in_doubt(env, home, cli):
    """A real Ctrl-C (no hook) after the request left: the order is in doubt, and said so."""
    proc = subprocess.Popen([sys.executable, "-m", "kameng_tui", "--lang", "en", "order", SKU, "--account", PHONE,
                             "--yes"], env={**env, "KAMENG_TUI_DEMO_LATENCY_MS": "20000"},
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=as_from_a_terminal)
    db = home / "data" / "ledger.db"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if db.exists():
                con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
                try:
                    sent = con.execute("SELECT 1 FROM orders WHERE state = 'submitted'").fetchone()
                except sqlite3.Error:
                    sent = None
                finally:
                    con.close()
                if sent:
                    break
            time.sleep(0.05)
        time.sleep(0.3)                                     # the request is on its way to the supplier
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, out + err
    [o] = history(cli)
    assert o["state"] in ("submitted", "unknown")
    err = flat(err)
    assert f"{o['order_no']} may have reached the supplier" in err and "reconcile" in err, err
    assert "Traceback" not in err


def test_sending_an_earlier_pending_order_by_ref_names_it_when_the_send_lock_is_busy(cli, home):
    from filelock import FileLock

    first = order(cli, "--ref", "SHOP-9", extra_env={"KAMENG_TUI_TEST_ANCHOR_ENOSPC_AT": "1"})
    [order_no] = first.json["error"]["not_sent"]
    with FileLock(str(home / "data" / "send.lock")):
        r = order(cli, "--ref", "SHOP-9", extra_env={"KAMENG_TUI_SEND_LOCK_WAIT_S": "1"})
    assert r.code == 5, r.stdout + r.stderr
    assert r.json["error"]["not_sent"] == [order_no]
    assert f"kameng-tui order resume {order_no}" in r.json["error"]["message"]
    schema_ok(r.json)
