"""Adding a supplier on the settings screen of a clerk's team terminal (issue 19): the
team registered that name as another account, so the form says which field differs
under the name, and nothing is written (config.toml, the keyring, the team ledger)."""

from __future__ import annotations

import psycopg
import pytest
from textual.widgets import Input

from conftest import SIZE, settle
from test_settings_screen import config_file, open_settings
from refkit import KEY_ID, SECRET, start_server  # noqa: E402  # tests/http, put on the path by test_settings_screen


@pytest.fixture
def memory_keyring():
    import keyring

    from kit import in_memory_keyring

    old = keyring.get_keyring()
    kr = in_memory_keyring()
    keyring.set_keyring(kr)
    yield kr
    keyring.set_keyring(old)


@pytest.fixture
def ref(tmp_path):
    server = start_server(tmp_path / "ref")
    yield server
    server.stop()


@pytest.fixture
def team():
    from pgteam import fresh_team

    yield from fresh_team()


async def test_a_clerk_adding_another_account_for_a_team_supplier_is_told_what_differs(make_app, team, ref,
                                                                                      memory_keyring):
    with psycopg.connect(team.owner_url, autocommit=True) as conn:          # the owner registered ref's account
        conn.execute("INSERT INTO supplier_identities (name, kind, base_url, key_id, at) VALUES "
                     "('ref', 'http', %s, 'k-team', '2026-11-25T02:00:00Z')", (ref.url,))
    app = make_app(f'[ledger]\nurl = "{team.clerk_url}"\n')
    before = config_file(app).read_bytes()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(app, pilot)
        await pilot.press("a")                                 # the form (typing it: test_settings_screen.py)
        for key, value in (("base_url", ref.url), ("key_id", KEY_ID), ("secret", SECRET), ("name", "ref")):
            screen.query_one(f"#f-{key}", Input).value = value
        await pilot.press("enter")
        await settle(app, pilot)
        shown = " ".join(str(screen.query_one("#msg-name").render()).split())
        assert "key_id" in shown and "k-team" in shown and KEY_ID in shown, shown
        assert screen.query_one("#f-name").has_class("-invalid")
    assert config_file(app).read_bytes() == before and memory_keyring.store == {}
    with psycopg.connect(team.admin_url) as conn:
        assert conn.execute("SELECT key_id FROM supplier_identities").fetchall() == [("k-team",)]
