"""One language at a time on the command line (issue 15, point 10): the human output of
the commands a reseller runs in the first hour reads in zh without English words (codes
and data aside: order numbers, SKUs, hashes, product and supplier names), and in en
without Chinese (data aside) and with "1 order", not "1 orders"."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time

import pytest

from one_language import chinese_left, english_left

BATCH = "sku,account,quantity\ndemo:HF-CM-10,13800138001,1\ndemo:HF-LT-20,13100131000,1\n"


def people(r) -> str:
    return r.stdout + r.stderr


@pytest.fixture
def zh(cli):
    def run(*args: str, code: int | None = 0, **kw):
        r = cli(*args, extra_env={"COLUMNS": "200"}, **kw)
        if code is not None:
            assert r.code == code, (args, r.code, r.stdout, r.stderr)
        return r
    return run


def test_a_first_hour_in_zh_has_no_english_words(zh, tmp_path):
    placed = zh("order", "demo:HF-CM-100", "--account", "13800138000", "--yes", "--wait", "10")
    order_no = placed.stdout.split()[0]
    batch = tmp_path / "b.csv"
    batch.write_text(BATCH, encoding="utf-8")
    seen = {
        "order": people(placed),
        "show": people(zh("show", order_no)),
        "history": people(zh("history")),
        "batch run": people(zh("batch", "run", str(batch), "--yes", code=None)),
        "batch list": people(zh("batch", "list")),
        "batch show": people(zh("batch", "show", "1")),
        "reconcile": people(zh("reconcile")),
        "report": people(zh("report")),
        "report by day": people(zh("report", "--by", "day")),
        "balance": people(zh("balance")),
        "secrets status": people(zh("secrets", "status")),
        "claims": people(zh("claims")),
    }
    left = {cmd: english_left(text) for cmd, text in seen.items() if english_left(text)}
    assert left == {}, "\n".join(f"{cmd}: {line}" for cmd, lines in left.items() for line in lines)
    assert "成功" in seen["show"] and "创建" in seen["show"]          # state and event names, in zh


def test_the_same_hour_in_en_has_no_chinese_and_counts_in_english(cli, tmp_path):
    def en(*args: str) -> str:
        r = cli("--lang", "en", *args, extra_env={"COLUMNS": "200"})
        assert r.code in (0, 3), (args, r.stdout, r.stderr)           # 3: a batch line still processing
        return people(r)

    placed = en("order", "demo:HF-CM-100", "--account", "13800138000", "--yes", "--wait", "10")
    history = en("history")
    assert "1 order" in history and "1 orders" not in history
    batch = tmp_path / "b.csv"
    batch.write_text(BATCH, encoding="utf-8")
    seen = {"order": placed, "history": history, "show": en("show", placed.split()[0]),
            "batch run": en("batch", "run", str(batch), "--yes"), "batch list": en("batch", "list"),
            "batch show": en("batch", "show", "1"), "report": en("report"), "secrets status": en("secrets", "status")}
    assert "1 lines" not in seen["batch list"]
    left = {cmd: chinese_left(text) for cmd, text in seen.items() if chinese_left(text)}
    assert left == {}, "\n".join(f"{cmd}: {line}" for cmd, lines in left.items() for line in lines)


def test_account_fields_and_known_facets_are_named_in_english(cli):
    def en(*args: str, code: int = 0) -> str:
        r = cli("--lang", "en", *args, extra_env={"COLUMNS": "200"})
        assert r.code == code, (args, r.stdout, r.stderr)
        return people(r)

    facets = en("catalog", "facets", "--search", "huafei")
    assert "Carrier" in facets and "Face value" in facets and not chinese_left(facets), facets
    missing = en("order", "demo:GM-LOL-10-D", "--account", "12345678", "--yes", code=2)
    assert "missing region" in missing and "missing server" in missing and not chinese_left(missing), missing
    zh = cli("order", "demo:GM-LOL-10-D", "--account", "12345678", "--yes")
    assert "大区" in zh.stderr and "服务器" in zh.stderr                    # zh keeps the catalog's own labels


def _prompt_on_a_terminal(env: dict[str, str], *args: str) -> str:
    """What `kameng-tui ARGS` writes on a terminal before it waits for input."""
    import fcntl
    import termios

    main, child = os.openpty()

    def own_terminal() -> None:
        os.setsid()
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    proc = subprocess.Popen([sys.executable, "-m", "kameng_tui", *args], env=env, stdin=child, stdout=child,
                            stderr=child, preexec_fn=own_terminal, close_fds=True)
    os.close(child)
    seen = b""
    deadline = time.monotonic() + 60
    try:
        while time.monotonic() < deadline and not seen.rstrip().endswith((b":", "：".encode())):
            ready, _, _ = select.select([main], [], [], 0.5)
            if ready:
                try:
                    seen += os.read(main, 4096)
                except OSError:
                    break
    finally:
        proc.kill()
        proc.wait()
        os.close(main)
    return seen.decode("utf-8", "replace")


def test_supplier_serve_asks_for_the_secret_in_the_readers_language(env):
    zh = _prompt_on_a_terminal(env, "supplier", "serve", "--key-id", "k1", "--port", "0")
    assert zh.strip() and not english_left(zh), zh
    en = _prompt_on_a_terminal(env, "--lang", "en", "supplier", "serve", "--key-id", "k1", "--port", "0")
    assert "secret" in en and not chinese_left(en), en


@pytest.mark.parametrize("args", [
    ("batch", "status"),                     # argparse: invalid choice
    ("ledger", "accept-restore"),            # argparse: a required option missing
    ("history", "--limit", "abc"),           # argparse: a bad value
    ("history", "--frobnicate", "x"),        # argparse: unrecognized arguments
    ("catalog", "--limit"),                  # argparse: an option without its value
])
def test_usage_errors_read_in_zh(cli, args):
    r = cli(*args)
    assert r.code == 2 and r.stderr.startswith("错误"), r.stderr
    typed = {"status", "run", "show", "resume", "cancel", "list", "frobnicate", "abc", "batch_cmd", "reason"}
    assert not english_left(r.stderr, typed), english_left(r.stderr, typed)
