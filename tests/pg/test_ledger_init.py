"""`kameng-tui ledger init` (issue 19): run once by the team's owner login on an empty
database, it makes the schema, the kameng_owner and kameng_app roles and the grants; a
clerk's login in kameng_app then orders, and the server refuses it UPDATE, DELETE and
TRUNCATE of events (SQLSTATE 42501). A database that is not empty is refused (exit 2)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest

from kit import base_env, run_cli


@pytest.fixture
def empty_db():
    """An empty database owned by a fresh owner login (CREATEROLE, not a superuser), made
    by the test server's superuser; yields (owner URL, clerk role, database URL as admin)."""
    import pgkit

    srv = pgkit.server()
    name, owner, clerk = f"{srv.prefix}_init", f"km_owner_{srv.prefix}", f"km_clerk_{srv.prefix}"
    with psycopg.connect(srv.admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        for role in (owner, clerk):
            if admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone() is None:
                admin.execute(f"CREATE ROLE {role} LOGIN" + (" CREATEROLE" if role == owner else ""))
        admin.execute(f'CREATE DATABASE "{name}" OWNER {owner}')
        # roles are the server's, not a database's: where an earlier set-up on this server
        # made the group roles, its admin lets this owner administer them
        for group in ("kameng_owner", "kameng_app"):
            if admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (group,)).fetchone() is not None:
                admin.execute(f"GRANT {group} TO {owner} WITH ADMIN OPTION")
    url = pgkit.with_database(srv.admin_url, name)
    yield urlsplit(url)._replace(netloc=f"{owner}@").geturl(), clerk, url
    srv.drop(name)


def home(tmp_path: Path, name: str, url: str) -> dict[str, str]:
    cfg = tmp_path / name / "config" / "config.toml"
    cfg.parent.mkdir(parents=True)
    cfg.write_text(f'[ledger]\nurl = "{url}"\n', encoding="utf-8")
    return base_env(tmp_path / name)


def test_ledger_init_sets_up_an_empty_database_and_a_clerk_cannot_change_events(tmp_path, empty_db):
    owner_url, clerk, admin_url = empty_db
    owner = home(tmp_path, "owner", owner_url)
    r = run_cli(owner, "ledger", "init", "--json")
    assert r.code == 0, r.stdout + r.stderr
    assert r.json["ok"] is True and r.json["roles"] == ["kameng_owner", "kameng_app"] and r.json["schema_version"] >= 1
    with psycopg.connect(admin_url) as conn:
        assert conn.execute("SELECT tableowner FROM pg_tables WHERE tablename = 'events'").fetchone()[0] == "kameng_owner"
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f"GRANT kameng_app TO {clerk}")

    clerk_url = urlsplit(owner_url)._replace(netloc=f"{clerk}@").geturl()
    env = home(tmp_path, "clerk", clerk_url)
    o = run_cli(env, "order", "demo:HF-CM-100", "--account", "13800138000", "--yes", "--wait", "10", "--json")
    assert o.code == 0, o.stdout + o.stderr
    with psycopg.connect(clerk_url, autocommit=True) as conn:
        assert conn.execute("SELECT COUNT(*) FROM events").fetchone()[0] >= 2
        for sql in ("UPDATE events SET body = '{}'", "DELETE FROM events", "TRUNCATE events"):
            with pytest.raises(psycopg.Error) as err:
                conn.execute(sql)
            assert err.value.sqlstate == "42501", (sql, err.value.sqlstate)


def test_ledger_init_refuses_a_database_that_is_not_empty(tmp_path, empty_db):
    owner_url, _clerk, admin_url = empty_db
    owner = home(tmp_path, "owner", owner_url)
    assert run_cli(owner, "ledger", "init").code == 0
    with psycopg.connect(admin_url) as conn:
        before = conn.execute("SELECT COUNT(*) FROM schema_version").fetchone()[0]
    for lang, words in (("en", "not empty"), ("zh", "不是空的")):
        r = run_cli(owner, "--lang", lang, "ledger", "init")
        assert r.code == 2, r.stdout + r.stderr
        assert words in r.stderr and "Traceback" not in r.stderr
    j = run_cli(owner, "ledger", "init", "--json")
    assert j.code == 2 and j.json["error"]["field"] == "url", j.stdout + j.stderr
    with psycopg.connect(admin_url) as conn:
        assert conn.execute("SELECT COUNT(*) FROM schema_version").fetchone()[0] == before
