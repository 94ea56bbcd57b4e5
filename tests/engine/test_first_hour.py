"""The first hour of a reseller (issue 15): what the commands say when a batch is still
at the supplier, a batch with nothing left to send, products without an `account`
field, `--version`, and the catalog past 1,000 results. A real subprocess per command."""

from __future__ import annotations

import sqlite3

TWO = "sku,account\ndemo:HF-LT-50,13100131000\ndemo:HF-DX-30,13300133000\n"
PHYSICAL = "demo:PC-0000000"          # a phone case: a delivery address, no `account` field


def supplier_orders(home) -> int:
    """How many orders the demo supplier itself holds (a resend would show here)."""
    con = sqlite3.connect(home / "data" / "demo-supplier.db")
    try:
        return con.execute("SELECT count(*) FROM orders").fetchone()[0]
    finally:
        con.close()


def test_a_batch_left_processing_exits_3_and_says_what_to_do(cli, tmp_path):
    f = tmp_path / "b.csv"
    f.write_text(TWO)
    r = cli("--lang", "en", "batch", "run", str(f), "--yes")
    assert r.code == 3, r.stdout + r.stderr
    said = r.stdout + r.stderr
    assert "processing 2" in said
    assert "kameng-tui reconcile" in said
    assert "kameng-tui batch show 1" in said
    assert "--wait" in said
    zh = cli("batch", "show", "1")
    assert zh.code == 0


def test_batch_run_wait_settles_the_lines_without_sending_twice(cli, home, tmp_path):
    f = tmp_path / "b.csv"
    f.write_text(TWO)
    # The demo tops up after latency x 5 (here 1 s): the run ends with both processing.
    r = cli("batch", "run", str(f), "--yes", "--wait", "30", "--json", extra_env={"KAMENG_TUI_DEMO_LATENCY_MS": "200"})
    assert r.code == 0, r.stdout + r.stderr
    doc = r.json
    assert doc["counts"] == {"succeeded": 2}
    assert supplier_orders(home) == 2


def test_batch_run_wait_that_runs_out_still_exits_3(cli, home, tmp_path):
    f = tmp_path / "b.csv"
    f.write_text(TWO)
    r = cli("--lang", "en", "batch", "run", str(f), "--yes", "--wait", "0.2",
            extra_env={"KAMENG_TUI_DEMO_LATENCY_MS": "400"})
    assert r.code == 3, r.stdout + r.stderr
    assert "kameng-tui reconcile" in r.stdout + r.stderr
    assert supplier_orders(home) == 2


def test_resume_of_a_batch_with_every_line_sent_says_nothing_to_resume(cli, tmp_path):
    f = tmp_path / "b.csv"
    f.write_text(TWO)
    assert cli("batch", "run", str(f), "--yes", "--wait", "30").code == 0
    r = cli("--lang", "en", "batch", "resume", "1")          # no --yes: nothing will be sent
    assert r.code == 0, r.stdout + r.stderr
    assert "nothing to resume" in (r.stdout + r.stderr).lower()
    zh = cli("batch", "resume", "1")
    assert zh.code == 0 and "没有" in zh.stdout + zh.stderr
    j = cli("batch", "resume", "1", "--json")
    assert j.code == 0 and j.json["counts"] == {"succeeded": 2} and j.json["nothing_to_resume"] is True


def test_order_asks_for_account_only_where_the_product_has_that_field(cli):
    r = cli("order", PHYSICAL, "--field", "address=张三,13800138000,北京市朝阳区建国路1号", "--yes", "--json")
    assert r.code in (0, 3), r.stdout + r.stderr
    assert r.json["order"]["sku"] == PHYSICAL
    missing = cli("order", "demo:HF-CM-100", "--yes", "--json")
    assert missing.code == 2
    assert missing.json["error"]["field"] == "account"
    told = cli("--lang", "en", "order", PHYSICAL, "--yes")
    assert told.code == 2 and "--field address=" in told.stderr and "--account" not in told.stderr
    assert cli("history", "--json").json["total"] == 1


def test_version_names_python_and_textual(cli):
    import platform

    import textual

    r = cli("--version")
    assert r.code == 0, r.stderr
    assert r.stdout.startswith("kameng-tui 0.")
    assert f"Python {platform.python_version()}" in r.stdout
    assert f"Textual {textual.__version__}" in r.stdout


def test_catalog_pages_past_1000_with_a_cursor(cli):
    first = cli("catalog", "--limit", "1000", "--json")
    assert first.code == 0, first.stderr
    doc = first.json
    assert doc["total"] == 2000 and len(doc["items"]) == 1000
    assert doc["next_cursor"]
    second = cli("catalog", "--limit", "1000", "--cursor", doc["next_cursor"], "--json").json
    assert len(second["items"]) == 1000 and second["next_cursor"] is None
    skus = [p["sku"] for p in doc["items"] + second["items"]]
    assert len(set(skus)) == 2000
    human = cli("--lang", "en", "catalog", "--limit", "5")
    assert "next page: --cursor" in human.stdout
    bad = cli("catalog", "--cursor", "nonsense", "--json")
    assert bad.code == 2 and bad.json["error"]["field"] == "cursor"


def test_show_finds_an_order_by_the_shop_ref(cli):
    placed = cli("order", "demo:HF-CM-50", "--account", "13900139000", "--ref", "TB123", "--yes", "--json")
    assert placed.code == 0, placed.stdout + placed.stderr
    no = placed.json["order"]["order_no"]
    r = cli("show", "TB123", "--json")
    assert r.code == 0, r.stdout + r.stderr
    assert r.json["order"]["order_no"] == no and r.json["order"]["ref"] == "TB123"
    assert cli("show", no, "--json").json["order"]["order_no"] == no
    none = cli("show", "TB999", "--json")
    assert none.code == 2 and none.json["error"]["field"] == "order_no"


def test_balance_of_a_supplier_without_its_secret_says_how_to_store_it_not_unreachable(cli, home):
    """No keyring here and no KAMENG_TUI_SECRET_*: the fix is on this machine, and the
    balance line says it (the supplier was never asked, so "unreachable" would mislead).
    The command it names works for a supplier already configured (`add` refuses the name)."""
    cfg = home / "config" / "config.toml"
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text('[[suppliers]]\nname = "acme"\nkind = "http"\nbase_url = "http://127.0.0.1:9"\nkey_id = "k1"\n',
                   encoding="utf-8")
    for lang, said, gone in (("zh", "没有密钥", "无法连接"), ("en", "has no secret", "unreachable")):
        r = cli("--lang", lang, "balance")
        assert r.code == 0, r.stderr
        assert said in r.stdout and "KAMENG_TUI_SECRET_ACME" in r.stdout and gone not in r.stdout
        assert "kameng-tui supplier secret acme" in r.stdout
    no_keyring = cli("supplier", "secret", "acme", "--secret-stdin", stdin="s3cr3t\n")
    assert no_keyring.code == 2 and "use-file" in no_keyring.stderr      # nowhere to keep it: said, nothing stored
    assert cli("secrets", "use-file").code == 0
    stored = cli("supplier", "secret", "acme", "--secret-stdin", "--json", stdin="s3cr3t\n")
    assert stored.code == 0 and stored.json["secret_stored"] is True and "s3cr3t" not in stored.stdout
    r = cli("balance")
    assert "没有密钥" not in r.stdout and "无法连接" in r.stdout            # now asked: the port is closed
    unknown = cli("supplier", "secret", "acme2", "--secret-stdin", stdin="x\n")
    assert unknown.code == 2 and "acme2" in unknown.stderr
