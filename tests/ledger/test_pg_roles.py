"""A team ledger set up with its two group roles (issue 19): a terminal's login role,
a member of kameng_app, records and verifies orders, and cannot change or remove an
event, truncate the table or disable its triggers: SQLSTATE 42501 each time."""

from __future__ import annotations

from urllib.parse import urlsplit

import psycopg
import pytest

from kameng_tui.domain.errors import BadInput
from kameng_tui.domain.states import OrderState as S
from kameng_tui.ledger.pg.roles import init_team_ledger
from kameng_tui.ledger.pg.team import TeamLedger
from kameng_tui.ledger.sqlite import open_ledger
from test_store import T0, intent


@pytest.fixture
def app_url():
    """A fresh database set up by `init_team_ledger` (the schema is made by it, not
    copied from the template) and the URL of a terminal's login role."""
    import pgkit

    with psycopg.connect(pgkit.server().admin_url, autocommit=True) as admin:
        name = f"{pgkit.server().prefix}_roles"
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
        role = f"kameng_term_{pgkit.server().prefix}"
        if admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone() is None:
            admin.execute(f"CREATE ROLE {role} LOGIN")
    url = pgkit.with_database(pgkit.server().admin_url, name)
    with psycopg.connect(url, autocommit=True) as conn:
        init_team_ledger(conn)
        init_team_ledger(conn)                        # idempotent
        conn.execute(f"GRANT kameng_app TO {role}")
    parts = urlsplit(url)
    yield parts._replace(netloc=f"{role}@").geturl()
    pgkit.server().drop(name)


def test_an_app_role_records_orders_but_cannot_touch_recorded_events(app_url, tmp_path):
    led = TeamLedger(app_url, local=open_ledger(tmp_path / "data"), state_dir=tmp_path / "state")
    try:
        led.create_intents([intent(1, ref="TB-1")], at=T0)
        assert led.transition(intent(1).order_no, S.PENDING, S.SUBMITTED, at=T0)
        assert led.verify().ok
    finally:
        led.close()
    with psycopg.connect(app_url, autocommit=True) as conn:
        for sql in ("UPDATE events SET body = '{}' WHERE seq = 1", "DELETE FROM events WHERE seq = 1",
                    "TRUNCATE events", "ALTER TABLE events DISABLE TRIGGER events_no_update_delete",
                    "DROP TABLE events"):
            with pytest.raises(psycopg.Error) as err:
                conn.execute(sql)
            assert err.value.sqlstate == "42501", (sql, err.value.sqlstate)
        owner = conn.execute("SELECT tableowner FROM pg_tables WHERE tablename = 'events'").fetchone()[0]
        assert owner == "kameng_owner"
        assert conn.execute("SELECT COUNT(*) FROM events").fetchone()[0] == 2


def test_each_events_operator_and_server_time_are_the_servers_and_cannot_be_forged(app_url, tmp_path):
    role = urlsplit(app_url).username
    led = TeamLedger(app_url, local=open_ledger(tmp_path / "data"), state_dir=tmp_path / "state")
    try:
        led.create_intents([intent(1)], at=T0)
    finally:
        led.close()
    with psycopg.connect(app_url, autocommit=True) as conn:
        op, lag = conn.execute("SELECT operator, clock_timestamp() - server_at FROM events WHERE seq = 1").fetchone()
        assert op == role and abs(lag.total_seconds()) < 60       # session_user, the server's clock
        conn.execute("INSERT INTO events (seq, order_no, kind, at, body, prev_hash, hash, operator, server_at) "
                     "VALUES (99, NULL, 'note', 'x', '{}', 'x', 'x', 'boss', '2001-01-01T00:00:00Z')")
        op, year = conn.execute("SELECT operator, extract(year FROM server_at) FROM events WHERE seq = 99").fetchone()
        assert op == role and int(year) > 2001, "a terminal cannot write another operator or another time"


def test_a_clerk_cannot_link_offers_and_is_told_why(app_url, tmp_path):
    """Match links are the owner's (issue 19): a clerk's login gets a clear refusal
    (exit 2, nothing recorded), never a driver's traceback."""
    from kameng_tui.domain.errors import BadInput

    led = TeamLedger(app_url, local=open_ledger(tmp_path / "data"), state_dir=tmp_path / "state")
    try:
        before = led.last_seq()
        with pytest.raises(BadInput) as err:
            led.set_offer_link("ref:A1", "demo:GM-WZRY-60-D", at=T0)
        assert err.value.exit_code == 2
        assert "kameng_owner" in err.value.text("zh") and "owner" in err.value.text("en")
        assert led.offer_links() == [] and led.last_seq() == before
    finally:
        led.close()


def test_a_clerk_cannot_rewrite_or_remove_the_teams_data_key_id(app_url, tmp_path):
    """The team's data key id (meta `data_key_id`) is set once, by the first sealing
    terminal under the head lock; a clerk's login rewriting it would make every terminal
    seal with another key or refuse the team's. The server refuses (42501); the claim path
    still works and a second claim reads the first."""
    led = TeamLedger(app_url, local=open_ledger(tmp_path / "data"), state_dir=tmp_path / "state")
    try:
        assert led.claim_team_key("k-team", at=T0) == "k-team"
        assert led.claim_team_key("k-other", at=T0) == "k-team"
        with pytest.raises(BadInput):
            led.set_team_meta("data_key_id", "k-clerk")
        with pytest.raises(BadInput):                           # no other meta row is a clerk's either (V9)
            led.set_team_meta("some_setting", "1")
        assert led.team_meta("some_setting") is None
    finally:
        led.close()
    with psycopg.connect(app_url, autocommit=True) as conn:
        for sql in ("UPDATE meta SET value = 'k-clerk' WHERE key = 'data_key_id'",
                    "UPDATE meta SET key = 'old_key' WHERE key = 'data_key_id'",
                    "DELETE FROM meta WHERE key = 'data_key_id'",
                    "INSERT INTO meta (key, value) VALUES ('data_key_id', 'k-clerk') "
                    "ON CONFLICT (key) DO UPDATE SET value = excluded.value"):
            with pytest.raises(psycopg.Error) as err:
                conn.execute(sql)
            assert err.value.sqlstate == "42501", (sql, err.value.sqlstate)
        assert conn.execute("SELECT value FROM meta WHERE key = 'data_key_id'").fetchone()[0] == "k-team"
