"""`[ledger] url` as a user sets it (issue 19): the CLI writes its orders to the team
ledger on a real PostgreSQL, and a bad address or an unreachable server ends with exit
2, libpq's reason, and never the password."""

from __future__ import annotations

import json

import psycopg

SECRET = "s3cret-ledger-pw-9271"


def team_config(env, url: str) -> None:
    from pgkit import team_ledger_config

    team_ledger_config(env, url)


def test_an_order_goes_to_the_team_ledger_and_verifies(cli, env, pg_url):
    team_config(env, pg_url)
    r = cli("order", "demo:HF-CM-100", "--account", "13800138000", "--yes", "--wait", "10", "--json")
    assert r.code == 0, r.stdout + r.stderr
    order_no = r.json["order"]["order_no"]
    with psycopg.connect(pg_url) as conn:
        kinds = [k for (k,) in conn.execute("SELECT kind FROM events WHERE order_no = %s ORDER BY seq", (order_no,))]
        sender = conn.execute("SELECT body FROM events WHERE order_no = %s AND kind = 'submitted'",
                              (order_no,)).fetchone()[0]
    assert kinds[0] == "created" and kinds[-1] == "succeeded" and "submitted" in kinds
    assert json.loads(sender)["terminal"], "every submitted event records the sending terminal"
    assert cli("history", "--json").json["total"] == 1
    v = cli("ledger", "verify", "--json")
    assert v.code == 0 and v.json["ok"] is True, v.stdout + v.stderr


def test_a_url_that_is_not_postgresql_is_refused_with_exit_2(cli, env):
    team_config(env, "mysql://shop@db.example/ledger")
    r = cli("--lang", "en", "history")
    assert r.code == 2, r.stdout + r.stderr
    assert "ledger.url" in r.stderr and "Traceback" not in r.stderr


def test_a_password_in_the_url_is_refused_and_never_echoed(cli, env):
    team_config(env, f"postgresql://shop:{SECRET}@db.example/ledger")
    r = cli("--lang", "en", "history")
    assert r.code == 2
    assert "KAMENG_TUI_SECRET_LEDGER" in r.stderr
    assert SECRET not in r.stdout + r.stderr


def test_an_unreachable_server_exits_2_with_libpqs_reason_and_no_secret(cli, env):
    team_config(env, "postgresql://shop@127.0.0.1:1/ledger")
    r = cli("--lang", "en", "history", extra_env={"KAMENG_TUI_SECRET_LEDGER": SECRET})
    assert r.code == 2, r.stdout + r.stderr
    assert "team ledger" in r.stderr and "127.0.0.1" in r.stderr    # libpq: connection refused on it
    assert SECRET not in r.stdout + r.stderr and "Traceback" not in r.stderr


def test_no_supplier_may_take_the_ledgers_secret_name(cli, env):
    from pathlib import Path

    cfg = Path(env["KAMENG_TUI_HOME"]) / "config" / "config.toml"
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text('[[suppliers]]\nname = "ledger"\nkind = "demo"\n', encoding="utf-8")
    r = cli("--lang", "en", "history")
    assert r.code == 2 and "name" in r.stderr, r.stdout + r.stderr


def test_the_local_sqlite_default_never_imports_psycopg(env):
    import subprocess
    import sys

    code = ("import sys; from kameng_tui.bootstrap import build_context; c = build_context(); "
            "c.ledger.history.__name__; c.catalog_cache; c.close(); print('psycopg' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_a_wrong_password_exits_2_with_libpqs_reason_and_no_secret(cli, env, pg_url):
    import pgkit

    from urllib.parse import urlsplit

    role = f"kameng_pw_{pgkit.server().prefix}"           # one per worker and run, on a shared server too
    url = pgkit.password_role(role, "the-right-one-7731")
    team_config(env, pgkit.with_database(url, urlsplit(pg_url).path.lstrip("/")))
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(f"GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO {role}")
    r = cli("--lang", "en", "history", extra_env={"KAMENG_TUI_SECRET_LEDGER": SECRET})
    assert r.code == 2, r.stdout + r.stderr
    assert "password authentication failed" in r.stderr and role in r.stderr
    assert SECRET not in r.stdout + r.stderr and "Traceback" not in r.stderr
    ok = cli("history", "--json", extra_env={"KAMENG_TUI_SECRET_LEDGER": "the-right-one-7731"})
    assert ok.code == 0 and ok.json["total"] == 0, ok.stdout + ok.stderr


def test_a_server_with_fsync_off_is_refused(cli, env, pg_url):
    import pgkit

    team_config(env, pg_url)
    with pgkit.FsyncOff():
        r = cli("--lang", "en", "history")
    assert r.code == 2, r.stdout + r.stderr
    assert "fsync = off" in r.stderr and "Traceback" not in r.stderr
    assert cli("history", "--json").code == 0          # fsync on again: accepted


def test_a_terminal_older_than_the_servers_schema_reads_but_refuses_to_write(cli, env, pg_url):
    from kameng_tui.ledger.pg.schema import LATEST

    team_config(env, pg_url)
    with psycopg.connect(pg_url, autocommit=True) as conn:      # a newer kameng-tui migrated the server
        conn.execute("INSERT INTO schema_version (version) VALUES (%s)", (LATEST + 1,))
    r = cli("--lang", "en", "order", "demo:HF-CM-100", "--account", "13800138000", "--yes", "--wait", "5")
    assert r.code == 2, r.stdout + r.stderr
    said = " ".join(r.stderr.split())                           # rich wraps the line
    assert "upgrade kameng-tui" in said and f"version {LATEST + 1}" in said and "Traceback" not in said
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT COUNT(*) FROM events").fetchone()[0] == 0, "nothing recorded"
        assert conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == LATEST + 1
    h = cli("history", "--json")
    assert h.code == 0 and h.json["total"] == 0, h.stdout + h.stderr


def test_a_terminal_whose_clock_is_off_the_servers_is_warned(cli, env, pg_url):
    from datetime import datetime, timedelta, timezone

    team_config(env, pg_url)
    ahead = (datetime.now(timezone.utc) + timedelta(minutes=5)).isoformat()
    r = cli("--lang", "en", "history", "--json", extra_env={"KAMENG_TUI_NOW": ahead})
    assert r.code == 0 and r.json["total"] == 0, r.stdout + r.stderr
    said = " ".join(r.stderr.split())
    assert "clock" in said and "server" in said and "Traceback" not in said
    near = (datetime.now(timezone.utc) + timedelta(seconds=5)).isoformat()
    quiet = cli("--lang", "en", "history", "--json", extra_env={"KAMENG_TUI_NOW": near})
    assert quiet.code == 0 and "clock" not in quiet.stderr, quiet.stderr


def test_an_operator_display_name_with_control_characters_is_refused(cli, env):
    from pathlib import Path

    cfg = Path(env["KAMENG_TUI_HOME"]) / "config" / "config.toml"
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text('[team]\noperator = "小王\\u001b[31m"\n', encoding="utf-8")
    r = cli("--lang", "en", "history")
    assert r.code == 2, r.stdout + r.stderr
    said = " ".join(r.stderr.split())
    assert "operator" in said and "control" in said and "\x1b" not in r.stderr and "Traceback" not in said
    cfg.write_text('[team]\noperator = "小王"\n', encoding="utf-8")
    assert cli("history", "--json").code == 0


def test_a_team_terminal_opens_its_ledger_without_the_verifier_or_numpy(env, pg_url):
    """Every terminal process opens the team ledger before its first order (issue 19: four
    terminals, four starts); `ledger verify`'s modules and the catalog index's numpy wait
    until a command needs them."""
    import subprocess
    import sys

    team_config(env, pg_url)
    code = ("import sys; from kameng_tui.bootstrap import build_context; c = build_context(); "
            "c.ledger.history.__name__; c.close(); "
            "print(sorted(m for m in ('psycopg', 'kameng_tui.ledger.verify', 'kameng_tui.ledger.pg.verify', "
            "'numpy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "['psycopg']"
