"""The owner's and the clerks' terminals on one team ledger, as people use them (issue
19): a clerk is told in words what only the owner does; a supplier is the team's one
account (a terminal configured for another refuses to send or reconcile for it); the
schema is migrated by the owner only; verify --quick and backup on PostgreSQL."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import psycopg
import pytest

from kameng_tui.domain.states import OrderState as S
from kit import base_env, run_cli

UP = '[[suppliers]]\nname = "up"\nkind = "http"\nbase_url = "{url}"\nkey_id = "{key}"\n'
SECRET = "up-secret-never-stored-5521"


@pytest.fixture
def team():
    from pgteam import fresh_team

    yield from fresh_team()


def home(tmp_path: Path, who: str, url: str, extra: str = "") -> dict[str, str]:
    cfg = tmp_path / who / "config" / "config.toml"
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text(f'[ledger]\nurl = "{url}"\n' + extra, encoding="utf-8")
    return base_env(tmp_path / who, KAMENG_TUI_SECRET_UP=SECRET)


def said(r) -> str:
    return " ".join(r.stderr.split())


def said_out(r) -> str:
    return " ".join(r.stdout.split())


def test_a_clerks_customer_refund_is_refused_in_words_and_the_owners_goes_through(team, tmp_path):
    from kameng_tui.ledger.pg.team import TeamLedger
    from kameng_tui.ledger.sqlite import open_ledger
    from kameng_tui.ledger.store import Transition
    from pgteam import T0, intent

    led = TeamLedger(team.clerk_url, local=open_ledger(tmp_path / "l"), state_dir=tmp_path / "ls")
    try:
        led.create_intents([intent(1)], at=T0)
        no = intent(1).order_no
        led.transition(no, S.PENDING, S.SUBMITTED, at=T0)
        led.transition(no, S.SUBMITTED, S.SUCCEEDED, Transition(charged=Decimal("98.5"), delivered_qty=1), at=T0)
    finally:
        led.close()
    clerk = home(tmp_path, "clerk", team.clerk_url)
    for lang, words in (("en", "only the owner"), ("zh", "只有店主")):
        r = run_cli(clerk, "--lang", lang, "refund", no, "--amount", "5", "--reason", "x")
        assert r.code == 2, r.stdout + r.stderr
        assert words in said(r) and "kameng_owner" in said(r) and "Traceback" not in r.stderr
    j = run_cli(clerk, "refund", no, "--amount", "5", "--reason", "x", "--json")
    assert j.code == 2 and j.json["error"]["code"] == "owner_only", j.stdout + j.stderr
    owner = home(tmp_path, "owner", team.owner_url)
    ok = run_cli(owner, "refund", no, "--amount", "5", "--reason", "x", "--json")
    assert ok.code == 0, ok.stdout + ok.stderr
    with psycopg.connect(team.admin_url) as conn:
        assert conn.execute("SELECT COUNT(*) FROM events WHERE kind = 'customer_refund'").fetchone()[0] == 1


def test_a_terminal_configured_for_another_account_refuses_to_send_or_reconcile_for_it(team, tmp_path):
    from kameng_tui.ledger.pg.team import TeamLedger
    from kameng_tui.ledger.sqlite import open_ledger
    from pgteam import T0, intent

    owner = home(tmp_path, "owner", team.owner_url, UP.format(url="http://127.0.0.1:9/api", key="k-shop"))
    r = run_cli(owner, "ledger", "register-supplier", "up", "--json")
    assert r.code == 0, r.stdout + r.stderr
    assert r.json["supplier"] == {"name": "up", "kind": "http", "base_url": "http://127.0.0.1:9/api", "key_id": "k-shop"}
    # an order of `up` left unknown on the team ledger, its sender gone
    led = TeamLedger(team.owner_url, local=open_ledger(tmp_path / "l"), state_dir=tmp_path / "ls")
    try:
        n = intent(1, sku="up:P1", supplier="up", product_id="P1")
        led.create_intents([n], at=T0)
        led.transition(n.order_no, S.PENDING, S.SUBMITTED, at=T0)
        led.transition(n.order_no, S.SUBMITTED, S.UNKNOWN, at=T0)
        events = led.last_seq()
    finally:
        led.close()

    clerk = home(tmp_path, "clerk", team.clerk_url, UP.format(url="http://127.0.0.1:9/other", key="k-shop"))
    o = run_cli(clerk, "--lang", "en", "order", "up:P1", "--account", "13800138000", "--yes")
    assert o.code == 2, o.stdout + o.stderr
    assert "base_url" in said(o) and "http://127.0.0.1:9/api" in said(o) and "http://127.0.0.1:9/other" in said(o)
    assert "Traceback" not in o.stderr
    z = run_cli(clerk, "order", "up:P1", "--account", "13800138000", "--yes", "--json")
    assert z.code == 2 and z.json["error"]["code"] == "supplier_identity" and z.json["error"]["field"] == "supplier"
    rc = run_cli(clerk, "--lang", "en", "reconcile")
    assert rc.code == 3, rc.stdout + rc.stderr                    # not settled: nothing asked, nothing changed
    assert "base_url" in " ".join(rc.stdout.split())             # reconcile's report names each supplier's error
    b = run_cli(clerk, "--lang", "en", "balance")                 # not "unreachable": the account differs
    assert b.code == 0 and "unreachable" not in b.stdout, b.stdout + b.stderr
    assert "base_url" in said_out(b) and "http://127.0.0.1:9/api" in said_out(b), b.stdout
    bj = run_cli(clerk, "balance", "--json")
    up = next(i for i in bj.json["items"] if i["supplier"] == "up")
    assert up["code"] == "supplier_identity" and up["live"] is False and "base_url" in up["error"], bj.stdout
    bad = run_cli(clerk, "ledger", "register-supplier", "up", "--json")
    assert bad.code == 2 and bad.json["error"]["code"] == "owner_only", bad.stdout + bad.stderr
    with psycopg.connect(team.admin_url) as conn:
        assert conn.execute("SELECT MAX(seq) FROM events").fetchone()[0] == events
        assert conn.execute("SELECT state FROM orders").fetchone()[0] == "unknown"
        dump = str(conn.execute("SELECT * FROM supplier_identities").fetchall())
        dump += str(conn.execute("SELECT body FROM events").fetchall())
    assert SECRET not in dump and "k-shop" in dump



def test_only_the_owner_migrates_the_schema_and_a_clerk_is_told_so(tmp_path):
    import pgkit
    from pgteam import as_role, logins

    from kameng_tui.ledger.pg.roles import init_team_ledger
    from kameng_tui.ledger.pg.schema import LATEST, MIGRATIONS

    before = MIGRATIONS[-2][0]                             # the version a kameng-tui before this one made

    srv = pgkit.server()
    name = f"{srv.prefix}_old"
    with psycopg.connect(srv.admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    url = pgkit.with_database(srv.admin_url, name)
    owner_role, clerk_role = logins()
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            init_team_ledger(conn, upto=before)
            for role, group in ((owner_role, "kameng_owner"), (clerk_role, "kameng_app")):
                if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone() is None:
                    conn.execute(f"CREATE ROLE {role} LOGIN")
                conn.execute(f"GRANT {group} TO {role}")
        clerk = home(tmp_path, "clerk", as_role(url, clerk_role))
        r = run_cli(clerk, "--lang", "en", "history")
        assert r.code == 2, r.stdout + r.stderr
        assert "ledger migrate-schema" in said(r) and "owner" in said(r) and f"version {before}" in said(r)
        m = run_cli(clerk, "ledger", "migrate-schema", "--json")
        assert m.code == 2 and m.json["error"]["code"] == "owner_only", m.stdout + m.stderr
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT MAX(version) FROM schema_version").fetchone()[0] == before
        owner = home(tmp_path, "owner", as_role(url, owner_role))
        ok = run_cli(owner, "ledger", "migrate-schema", "--json")
        assert ok.code == 0 and ok.json["schema_version"] == LATEST, ok.stdout + ok.stderr
        h = run_cli(clerk, "history", "--json")
        assert h.code == 0 and h.json["total"] == 0, h.stdout + h.stderr
        with psycopg.connect(as_role(url, clerk_role), autocommit=True) as conn:   # the new migration's rule holds
            with pytest.raises(psycopg.Error) as err:
                conn.execute("UPDATE meta SET value = 'forged' WHERE key = 'ledger_id'")
            assert err.value.sqlstate == "42501"
        with psycopg.connect(url) as conn:
            assert conn.execute("SELECT tableowner FROM pg_tables WHERE tablename = 'supplier_identities'"
                                ).fetchone()[0] == "kameng_owner"
    finally:
        srv.drop(name)


def test_verify_quick_and_backup_on_the_team_ledger(cli, env, pg_url):
    """--quick on PostgreSQL: in full the first time (no checkpoint yet: `quick: false`),
    which keeps a checkpoint in this terminal's state dir; then only the events since it,
    and an edit among them is found (exit 4)."""
    from pgkit import team_ledger_config

    team_ledger_config(env, pg_url)
    order = ("order", "demo:HF-CM-100", "--account", "13800138000", "--yes", "--wait", "10", "--json")
    assert cli(*order).code == 0
    first = cli("ledger", "verify", "--quick", "--json")
    assert first.code == 0 and first.json["ok"] is True and first.json["quick"] is False, first.stdout + first.stderr
    mark = first.json["checkpoint"]["seq"]
    assert mark == first.json["events"] > 0
    assert cli(*order[:3], "13900139000", *order[4:]).code == 0
    q = cli("ledger", "verify", "--quick", "--json")
    assert q.code == 0 and q.json["ok"] is True and q.json["quick"] is True, q.stdout + q.stderr
    assert q.json["checkpoint"]["seq"] == mark and q.json["events"] > mark
    b = cli("--lang", "en", "ledger", "backup")
    assert b.code == 2 and "pg_dump" in b.stderr and "Traceback" not in b.stderr, b.stdout + b.stderr
    with psycopg.connect(pg_url, autocommit=True) as conn:     # a superuser's edit past the triggers
        conn.execute("ALTER TABLE events DISABLE TRIGGER USER")
        conn.execute("UPDATE events SET body = replace(body, '13900139000', '13700137000') WHERE seq > %s", (mark,))
    t = cli("ledger", "verify", "--quick", "--json")
    assert t.code == 4 and t.json["ok"] is False and t.json["quick"] is True, t.stdout + t.stderr
    assert any(p["kind"] == "hash_mismatch" and p["seq"] > mark for p in t.json["problems"])


def test_a_schema_taken_past_a_gap_is_behind_and_the_owner_fills_the_gap():
    """A build whose migrations skipped some numbers (one knew 1, 2, 3 and 7) leaves a
    server at 7 without 4 and 5: without the owner-only triggers and the attempts table.
    Such a server counts as at 3 (terminals refuse it), and migrating applies what it
    lacks below its highest version too (found by review)."""
    import pgkit

    from kameng_tui.ledger.pg.roles import init_team_ledger
    from kameng_tui.ledger.pg.schema import LATEST, MIGRATIONS, migrate, server_version

    srv = pgkit.server()
    name = f"{srv.prefix}_gap"
    with psycopg.connect(srv.admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    url = pgkit.with_database(srv.admin_url, name)
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            init_team_ledger(conn, upto=3)
            last_version, last_sql = MIGRATIONS[-1]
            conn.execute(last_sql.encode())
            conn.execute("INSERT INTO schema_version (version) VALUES (%s)", (last_version,))
            assert server_version(conn) == 3
            assert migrate(conn) == LATEST == server_version(conn)
            made = {r[0] for r in conn.execute("SELECT version FROM schema_version").fetchall()}
            assert made == {v for v, _ in MIGRATIONS}
            assert conn.execute("SELECT to_regclass('order_attempts') IS NOT NULL").fetchone()[0]
    finally:
        srv.drop(name)


def test_supplier_add_on_a_team_terminal_registers_the_owners_and_holds_a_clerk_to_the_teams(team, tmp_path):
    """`supplier add` on a team terminal (issue 19, supplier changes are the owner's): the
    owner's registers the new supplier's identity on the team ledger; a clerk's may add a
    name the team knows as the same account, but not another account (exit 2, naming what
    differs) nor a name the team does not know (owner_only). A refused add changes
    nothing: no config, no secret, no registration."""
    add = ("supplier", "add", "up", "--kind", "http", "--key-id", "k-shop")
    api, other = ("--base-url", "http://127.0.0.1:9/api"), ("--base-url", "http://127.0.0.1:9/other")

    def registered() -> list[tuple[str, ...]]:
        with psycopg.connect(team.admin_url) as conn:
            return conn.execute("SELECT name, kind, base_url, key_id, operator FROM supplier_identities "
                                "ORDER BY name").fetchall()

    clerk = home(tmp_path, "clerk", team.clerk_url)
    config = Path(clerk["KAMENG_TUI_HOME"]) / "config" / "config.toml"
    new = run_cli(clerk, *add, *api, "--json")
    assert new.code == 2 and new.json["error"]["code"] == "owner_only", new.stdout + new.stderr
    assert "up" not in config.read_text() and registered() == []
    owner = home(tmp_path, "owner", team.owner_url)
    ok = run_cli(owner, *add, *api, "--json")
    assert ok.code == 0, ok.stdout + ok.stderr
    assert registered() == [("up", "http", "http://127.0.0.1:9/api", "k-shop", team.owner)]
    z = run_cli(clerk, *add, *other)                                   # zh: the codes and data are as they are
    assert z.code == 2 and "base_url" in said(z) and "http://127.0.0.1:9/api" in said(z), z.stderr
    assert "http://127.0.0.1:9/other" in said(z) and "Traceback" not in z.stderr, z.stderr
    owner2 = home(tmp_path, "owner2", team.owner_url)                   # the owner's too: the account changes
    j = run_cli(owner2, "--lang", "en", *add, *other, "--json")        # only by ledger register-supplier
    assert j.code == 2 and j.json["error"]["code"] == "supplier_identity", j.stdout + j.stderr
    assert "base_url" in j.json["error"]["message"] and "register-supplier" in j.json["error"]["message"]
    for env in (clerk, owner2):
        assert "up" not in (Path(env["KAMENG_TUI_HOME"]) / "config" / "config.toml").read_text()
    same = run_cli(clerk, *add, *api, "--json")
    assert same.code == 0, same.stdout + same.stderr
    assert 'name = "up"' in config.read_text()
    assert registered() == [("up", "http", "http://127.0.0.1:9/api", "k-shop", team.owner)]
