"""One team data key for 卡密 (issue 19): a terminal on the team ledger without the
team's key orders everything but 卡密 (refused before anything is recorded, saying to
import the team's key) and shows the others' cards as sealed with another key (never an
error, never garbage); `secrets export-data-key` writes the key once, to a pipe or a new
0600 file, never to a terminal; `secrets import-data-key` takes it from stdin or a file,
refuses a key that is not the team's, and the key then opens the cards. The key is never
in a log, an error or stderr."""

from __future__ import annotations

import base64
import os
import stat

import psycopg

from kit import DATA_KEY, base_env, run_cli

CARD = ("order", "demo:GM-QQB-10-K", "--account", "13800138000", "--yes", "--wait", "10", "--json")
TOPUP = ("order", "demo:HF-CM-100", "--account", "13800138000", "--yes", "--wait", "10", "--json")
OTHER_KEY = base64.b64encode(bytes(range(100, 132))).decode()


def terminal(tmp_path, name: str, url: str, **extra: str) -> dict[str, str]:
    from pgkit import team_ledger_config

    home = tmp_path / name
    home.mkdir()
    env = base_env(home, **extra)
    team_ledger_config(env, url)
    return env


def logs_of(env) -> str:
    found = []
    for root, _, files in os.walk(env["KAMENG_TUI_HOME"]):
        for f in files:
            if f.endswith(".log") or ".log." in f:
                found.append(open(os.path.join(root, f), encoding="utf-8", errors="replace").read())
    return "\n".join(found)


async def test_a_terminal_without_the_team_key_orders_all_but_cards_and_imports_the_key(tmp_path, pg_url):
    from kameng_tui.bootstrap import build_context
    from kameng_tui.domain.errors import NoDataKey
    from kameng_tui.services.checkout import OrderInput

    def order(sku: str, account: str) -> OrderInput:
        return OrderInput(sku=sku, fields={"account": account})

    owner = terminal(tmp_path, "owner", pg_url)                      # the kit's key
    clerk = terminal(tmp_path, "clerk", pg_url, KAMENG_TUI_DATA_KEY=OTHER_KEY)   # a key of its own
    octx, cctx = build_context(owner), build_context(clerk)
    try:
        card = (await octx.checkout.place(order(CARD[1], "13800138000"), wait_s=5)).order
        assert (await cctx.checkout.place(order(TOPUP[1], "13800138000"), wait_s=5)).order.state.value == "succeeded"
        try:
            await cctx.checkout.place(order(CARD[1], "13900139000"), wait_s=5)
            raise AssertionError("a 卡密 order sealed with a key that is not the team's")
        except NoDataKey as exc:
            assert "import-data-key" in exc.text("en")
        with psycopg.connect(pg_url) as conn:
            assert conn.execute("SELECT count(*) FROM orders").fetchone()[0] == 2      # nothing recorded for it
        locked = cctx.shop.orders.cards(card, True)
        assert locked and all(c["locked"] == "other_key" and c["key_id"] for c in locked), locked
    finally:
        for c in (octx, cctx):
            await c.aclose()
            c.close()
    people = run_cli(clerk, "--lang", "en", "show", card.order_no, "--reveal")
    assert people.code == 0 and "another data key" in people.stdout, people.stdout + people.stderr

    # a key that is not the team's is refused
    (tmp_path / "solo").mkdir()
    solo = run_cli(base_env(tmp_path / "solo", KAMENG_TUI_DATA_KEY=OTHER_KEY), "secrets", "export-data-key")
    assert solo.code == 0, solo.stderr
    clerk_nokey = {**clerk, "KAMENG_TUI_DATA_KEY": ""}
    wrong = run_cli(clerk_nokey, "--lang", "en", "secrets", "import-data-key", "--key-file", stdin=solo.stdout)
    assert wrong.code == 2 and "team" in wrong.stderr, wrong.stdout + wrong.stderr

    # the owner exports (to a pipe), the clerk imports from stdin into its key file
    exported = run_cli(owner, "secrets", "export-data-key")
    assert exported.code == 0 and DATA_KEY not in exported.stderr, exported.stderr
    with psycopg.connect(pg_url) as conn:
        chained = conn.execute("SELECT body, operator FROM events WHERE kind = 'data_key_exported'").fetchall()
    assert len(chained) == 1 and DATA_KEY not in chained[0][0] and chained[0][1]     # who, never the key
    imported = run_cli(clerk_nokey, "--lang", "en", "secrets", "import-data-key", "--key-file", stdin=exported.stdout)
    assert imported.code == 0, imported.stdout + imported.stderr
    assert DATA_KEY not in imported.stdout + imported.stderr
    opened = run_cli(clerk_nokey, "show", card.order_no, "--reveal", "--json")
    assert opened.code == 0 and all("locked" not in c for c in opened.json["cards"]), opened.stdout
    cctx = build_context(clerk_nokey)
    try:
        again = await cctx.checkout.place(order(CARD[1], "13900139000"), wait_s=5)
        assert again.order.state.value == "succeeded"
    finally:
        await cctx.aclose()
        cctx.close()
    for env in (owner, clerk):
        assert DATA_KEY not in logs_of(env)
    cfg = (tmp_path / "clerk" / "config" / "config.toml").read_text(encoding="utf-8")
    assert DATA_KEY not in cfg


def test_export_never_to_a_terminal_only_a_pipe_or_a_new_private_file(tmp_path, env):
    import pty
    import subprocess
    import sys

    out = tmp_path / "team.key"
    made = run_cli(env, "--lang", "en", "secrets", "export-data-key", "--to", str(out))
    assert made.code == 0, made.stdout + made.stderr
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    assert DATA_KEY in out.read_text() and DATA_KEY not in made.stdout + made.stderr
    twice = run_cli(env, "--lang", "en", "secrets", "export-data-key", "--to", str(out))
    assert twice.code == 2 and "exists" in twice.stderr, twice.stderr          # never overwritten

    primary, secondary = pty.openpty()
    proc = subprocess.run([sys.executable, "-m", "kameng_tui", "--lang", "en", "secrets", "export-data-key"],
                          env=env, stdout=secondary, stderr=subprocess.PIPE, timeout=60)
    os.close(secondary)
    seen = b""
    try:
        while True:
            chunk = os.read(primary, 4096)
            if not chunk:
                break
            seen += chunk
    except OSError:
        pass
    os.close(primary)
    assert proc.returncode == 2, proc.stderr
    assert DATA_KEY.encode() not in seen + proc.stderr and b"--to" in proc.stderr


def test_another_key_is_told_apart_from_a_damaged_ciphertext():
    import pytest

    from kameng_tui.crypto import OtherKey, Sealer, key_id
    from kameng_tui.domain.errors import SecretsUnavailable

    mine, theirs = Sealer(bytes(range(32))), Sealer(bytes(range(100, 132)))
    assert mine.key_id == key_id(bytes(range(32))) != theirs.key_id and len(mine.key_id) == 16
    blob = theirs.seal("CARD-SECRET-1", "KM1:card0.password")
    with pytest.raises(OtherKey) as other:
        mine.open(blob, "KM1:card0.password")
    assert other.value.key_id == theirs.key_id
    damaged = blob[:-1] + bytes([blob[-1] ^ 1])
    with pytest.raises(SecretsUnavailable) as broken:
        theirs.open(damaged, "KM1:card0.password")
    assert not isinstance(broken.value, OtherKey)
    assert theirs.open(blob, "KM1:card0.password") == "CARD-SECRET-1"


def test_import_without_a_usable_keyring_names_the_key_file_and_keeps_nothing(tmp_path, env):
    (tmp_path / "owner").mkdir()
    line = run_cli(base_env(tmp_path / "owner"), "secrets", "export-data-key").stdout
    bare = {**env, "KAMENG_TUI_DATA_KEY": ""}
    r = run_cli(bare, "--lang", "en", "secrets", "import-data-key", stdin=line)
    assert r.code == 2 and "--key-file" in r.stderr and "Traceback" not in r.stderr, r.stderr
    assert DATA_KEY not in r.stdout + r.stderr
    damaged = run_cli(bare, "--lang", "en", "secrets", "import-data-key", "--key-file", stdin=line[:-8] + "\n")
    assert damaged.code == 2 and DATA_KEY[:-8] not in damaged.stderr, damaged.stderr
    status = run_cli(bare, "secrets", "status", "--json")
    assert status.json["data_key_source"] is None                  # nothing kept by either


def test_replacing_a_key_keeps_the_old_one_in_a_private_file_that_imports_back(tmp_path, env):
    """`import-data-key --replace` on a terminal that sealed cards with its own key: the
    old key is first written to a new 0600 file beside the config, named in the output,
    and importing that file back restores it (found by review: it was destroyed)."""
    for who in ("mine", "theirs"):
        (tmp_path / who).mkdir()
    mine = {**base_env(tmp_path / "mine"), "KAMENG_TUI_DATA_KEY": ""}
    assert run_cli(mine, "secrets", "use-file").code == 0
    old = run_cli(mine, "secrets", "export-data-key").stdout
    theirs = run_cli(base_env(tmp_path / "theirs"), "secrets", "export-data-key").stdout
    refused = run_cli(mine, "--lang", "en", "secrets", "import-data-key", stdin=theirs)
    assert refused.code == 2, refused.stdout + refused.stderr
    done = run_cli(mine, "--lang", "en", "secrets", "import-data-key", "--replace", "--json", stdin=theirs)
    assert done.code == 0, done.stdout + done.stderr
    backup = done.json["backup"]
    assert done.json["replaced"] == old.split()[1] and backup and os.path.exists(backup)
    assert stat.S_IMODE(os.stat(backup).st_mode) == 0o600
    assert open(backup, encoding="ascii").read() == old
    assert old.split()[2] not in done.stdout + done.stderr            # the key itself is never printed
    back = run_cli(mine, "secrets", "import-data-key", backup, "--replace", "--json")
    assert back.code == 0 and back.json["key_id"] == old.split()[1], back.stdout + back.stderr
