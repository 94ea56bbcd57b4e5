"""Moving a shop onto the team ledger (issue 20): `kameng-tui ledger migrate --to URL`
copies the local ledger (orders with cards and sealed fields, batches, refs) onto an empty
team ledger on a real PostgreSQL, with the same chain; an interrupted copy resumes to the
identical chain; another shop's ledger, or a team ledger already in use, is refused; the
local ledger refuses writes afterwards."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import psycopg
import pytest

from kit import base_env, run_cli

T0_TEXT = "2026-11-01T04:00:00Z"


def shop(home: Path, n: int = 4, tag: str = "A"):
    """A local shop: a batch of two lines, an order with a ref, a sealed field and two
    delivered cards (then a customer refund), a failed one, a pending one; `n` more
    top-ups. The open ledger (the caller closes it)."""
    from kameng_tui.domain.states import OrderState as S
    from kameng_tui.ledger.sqlite import open_ledger
    from kameng_tui.ledger.values import NewBatch, SealedCard, Transition
    from kameng_tui.paths import app_paths, ensure
    from pgteam import T0, intent

    env = base_env(home)
    paths = app_paths(env)
    ensure(paths)
    led = open_ledger(paths.data_dir, state_dir=paths.state_dir)
    no = lambda i: f"KM261101120000{tag}ST{i:06d}"     # noqa: E731
    led.create_intents([intent(1, order_no=no(1), line_id=1), intent(2, order_no=no(2), line_id=2)],
                       NewBatch(identity="b" * 64, source="lines.txt", line_count=2), at=T0)
    led.create_intents([intent(3, order_no=no(3), ref="shop-ref-7", customer="老王", note="加急",
                              sealed={"address": b"\x01sealed-address"})], at=T0)
    led.create_intents([intent(10 + i, order_no=no(10 + i)) for i in range(n)], at=T0)
    t = T0 + timedelta(seconds=5)
    led.transition(no(3), S.PENDING, S.SUBMITTED, at=t)
    led.transition(no(3), S.SUBMITTED, S.SUCCEEDED, Transition(
        charged=Decimal("98.5"), delivered_qty=1, supplier_order_no="SUP-1",
        cards=(SealedCard(0, b"num-0", b"\x02pw-0", "2027-12-31"), SealedCard(1, b"num-1", b"\x02pw-1"))), at=t)
    led.customer_refund(no(3), Decimal("10"), "客户退一部分", at=t)
    led.transition(no(1), S.PENDING, S.SUBMITTED, at=t)
    led.transition(no(1), S.SUBMITTED, S.FAILED, Transition(charged=Decimal("0"), reason="out of stock"), at=t)
    for i in range(n):
        led.transition(no(10 + i), S.PENDING, S.CANCELLED, at=t)
    return led, env


def chain_of(url: str) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return [tuple(r) for r in conn.execute("SELECT seq, order_no, kind, at, body, prev_hash, hash FROM events "
                                               "ORDER BY seq")]


def local_chain(led) -> list[tuple]:
    with led.reading() as c:
        return [tuple(r) for r in c.execute("SELECT seq, order_no, kind, at, body, prev_hash, hash FROM events "
                                            "ORDER BY seq")]


def history(env) -> list[dict]:
    r = run_cli(env, "history", "--json")
    assert r.code == 0, r.stdout + r.stderr
    return r.json["items"]


def test_a_shop_moves_onto_the_team_ledger_with_the_same_chain_and_history(tmp_path, pg_url):
    led, env = shop(tmp_path / "home")
    before, ledger_id = local_chain(led), led.ledger_id
    led.close()
    cfg = Path(env["KAMENG_TUI_HOME"]) / "config" / "config.toml"
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text("# my shop, my notes\n[general]\nlanguage = \"en\"  # keep English\n", encoding="utf-8")
    was = history(env)

    r = run_cli(env, "ledger", "migrate", "--to", pg_url, "--json")
    assert r.code == 0, r.stdout + r.stderr
    assert r.json["orders"] == len(was) and r.json["seq"] == len(before) and r.json["resumed"] is False

    assert chain_of(pg_url) == before                       # the same events, hashes and links
    text = cfg.read_text(encoding="utf-8")
    assert "# my shop, my notes" in text and "# keep English" in text and pg_url in text
    v = run_cli(env, "ledger", "verify", "--json")          # now on the team ledger
    assert v.code == 0 and v.json["ok"] is True and v.json["events"] == len(before), v.stdout + v.stderr
    assert history(env) == was
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT value FROM meta WHERE key = 'ledger_id'").fetchone()[0] == ledger_id
        cards = conn.execute("SELECT idx, number_blob, password_blob, expires FROM cards ORDER BY idx").fetchall()
        sealed = conn.execute("SELECT key, blob FROM order_secrets").fetchall()
        refs = conn.execute("SELECT ref FROM order_refs").fetchall()
        batches = conn.execute("SELECT source, line_count FROM batches").fetchall()
        searched = conn.execute("SELECT o.search, e.body FROM orders o JOIN events e ON e.order_no = o.order_no "
                                "AND e.kind = 'created'").fetchall()
    from kameng_tui.ledger.pg.mirror import search_text

    assert len(searched) == len(was) and all(text == search_text(json.loads(body)) for text, body in searched)
    assert [(i, bytes(a), bytes(b), e) for i, a, b, e in cards] == [
        (0, b"num-0", b"\x02pw-0", "2027-12-31"), (1, b"num-1", b"\x02pw-1", None)]
    assert [(k, bytes(b)) for k, b in sealed] == [("address", b"\x01sealed-address")]
    assert refs == [("shop-ref-7",)] and batches == [("lines.txt", 2)]

    # the same ref on the team ledger is the same order, never a second one
    again = run_cli(env, "order", "demo:HF-CM-100", "--account", "13800000003", "--ref", "shop-ref-7",
                    "--yes", "--json")
    assert again.code == 0 and again.json["order"]["order_no"] == "KM261101120000AST000003", again.stdout + again.stderr
    assert len(chain_of(pg_url)) == len(before)


def test_the_local_ledger_refuses_writes_after_the_move_and_says_where_it_went(tmp_path, pg_url):
    from kameng_tui.ledger.moved import LedgerMoved
    from kameng_tui.ledger.sqlite import open_ledger
    from kameng_tui.paths import app_paths
    from pgteam import T0, intent

    led, env = shop(tmp_path / "home", n=0)
    led.close()
    assert run_cli(env, "ledger", "migrate", "--to", pg_url).code == 0
    cfg = Path(env["KAMENG_TUI_HOME"]) / "config" / "config.toml"
    cfg.write_text("", encoding="utf-8")                     # back to the local ledger, by hand
    r = run_cli(env, "--lang", "en", "order", "demo:HF-CM-100", "--account", "13900000000", "--yes")
    assert r.code == 2, r.stdout + r.stderr
    said = " ".join(r.stderr.split())
    assert "moved to the team ledger" in said and "[ledger] url" in said and "Traceback" not in said
    paths = app_paths(env)
    led = open_ledger(paths.data_dir, state_dir=paths.state_dir)
    try:
        n = len(local_chain(led))
        with pytest.raises(LedgerMoved):
            led.create_intents([intent(99)], at=T0)
        assert len(local_chain(led)) == n and local_chain(led)[-1][2] == "migrated"
    finally:
        led.close()
    v = run_cli(env, "ledger", "verify", "--json")         # the archive still verifies
    assert v.code == 0 and v.json["ok"] is True, v.stdout + v.stderr


def test_an_interrupted_copy_resumes_to_the_identical_chain(tmp_path, pg_url):
    from kameng_tui.ledger.pg.migrate import move_shop
    from pgteam import T0

    led, env = shop(tmp_path / "home", n=30)
    before = local_chain(led)
    boom = RuntimeError("the line went down")

    def fail_at_second(seq: int) -> None:
        if seq > 7:
            raise boom

    try:
        with pytest.raises(RuntimeError):
            move_shop(led, pg_url, password=None, at=T0, after_batch=fail_at_second, batch=7)
        assert chain_of(pg_url) == before[:14]               # two whole batches, nothing half
        assert local_chain(led) == before                    # not marked moved
        done = move_shop(led, pg_url, password=None, at=T0, batch=7)
        assert done.resumed and done.copied == len(before) - 14
    finally:
        led.close()
    assert chain_of(pg_url) == before
    cfg = Path(env["KAMENG_TUI_HOME"]) / "config" / "config.toml"
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text(f'[ledger]\nurl = "{pg_url}"\n', encoding="utf-8")
    v = run_cli(env, "ledger", "verify", "--json")
    assert v.code == 0 and v.json["ok"] is True, v.stdout + v.stderr


def test_a_killed_move_is_resumed_by_running_it_again(tmp_path, pg_url):
    led, env = shop(tmp_path / "home", n=3)
    before = local_chain(led)
    led.close()
    r = run_cli({**env, "KAMENG_TUI_CRASH_AT": "migrate-batch"}, "ledger", "migrate", "--to", pg_url)
    assert r.code == -9, r.stdout + r.stderr                 # SIGKILL after the events went over
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT count(*) FROM orders").fetchone()[0] == 0     # the side tables did not
    again = run_cli(env, "ledger", "migrate", "--to", pg_url, "--json")
    assert again.code == 0 and again.json["resumed"] is True and again.json["copied"] == 0, again.stdout + again.stderr
    assert chain_of(pg_url) == before
    v = run_cli(env, "ledger", "verify", "--json")
    assert v.code == 0 and v.json["ok"] is True, v.stdout + v.stderr


def test_a_second_shops_ledger_is_refused_and_left_alone(tmp_path, pg_url):
    a, env_a = shop(tmp_path / "a", n=0, tag="A")
    a.close()
    assert run_cli(env_a, "ledger", "migrate", "--to", pg_url).code == 0
    held = chain_of(pg_url)
    b, env_b = shop(tmp_path / "b", n=0, tag="B")
    b.close()
    r = run_cli(env_b, "--lang", "en", "ledger", "migrate", "--to", pg_url)
    assert r.code == 2 and "another shop" in " ".join(r.stderr.split()), r.stdout + r.stderr
    j = run_cli(env_b, "ledger", "migrate", "--to", pg_url, "--json")
    assert j.code == 2 and j.json["error"]["code"] == "migrate_refused", j.stdout + j.stderr
    assert chain_of(pg_url) == held
    assert not (Path(env_b["KAMENG_TUI_HOME"]) / "config" / "config.toml").exists() or pg_url not in (
        Path(env_b["KAMENG_TUI_HOME"]) / "config" / "config.toml").read_text()
    assert run_cli(env_b, "history", "--json").json["total"] == 3          # B is still its own local shop


def test_a_team_ledger_terminals_already_write_to_is_refused(tmp_path):
    from kameng_tui.ledger.pg.migrate import MigrateRefused, move_shop
    from kameng_tui.ledger.pg.team import TeamLedger
    from kameng_tui.ledger.sqlite import open_ledger
    from pgteam import T0, fresh_team, intent

    for team in fresh_team():
        term = TeamLedger(team.clerk_url, local=open_ledger(tmp_path / "t"), state_dir=tmp_path / "ts")
        try:
            term.create_intents([intent(1)], at=T0)
        finally:
            term.close()
        held = chain_of(team.admin_url)
        led, _ = shop(tmp_path / "home", n=0)
        try:
            before = local_chain(led)
            with pytest.raises(MigrateRefused) as refused:
                move_shop(led, team.owner_url, password=None, at=T0)
            assert refused.value.reason == "other_ledger" and refused.value.team_seq == 1
            assert local_chain(led) == before                     # still its own shop, writable
        finally:
            led.close()
        assert chain_of(team.admin_url) == held
