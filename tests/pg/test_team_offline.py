"""A team terminal whose server is gone (issue 20), as a user meets it: `kameng-tui
history` reads the terminal's mirror, an order is refused with a clear message (exit 2,
nothing recorded, nothing queued). The TUI's header: tests/tui/test_team_header.py."""

from __future__ import annotations

import psycopg

from pgkit import team_ledger_config

UNREACHABLE = "postgresql://nobody@/kameng?host=/nonexistent-kameng-socket-dir"


def test_offline_the_cli_reads_the_mirror_and_refuses_to_order(cli, env, pg_url):
    team_ledger_config(env, pg_url)
    r = cli("order", "demo:HF-CM-100", "--account", "13800138000", "--yes", "--wait", "10", "--json")
    assert r.code == 0, r.stdout + r.stderr
    order_no = r.json["order"]["order_no"]
    assert cli("history", "--json").json["total"] == 1            # history read: the mirror is made and synced
    team_ledger_config(env, UNREACHABLE)
    h = cli("history", "--search", order_no, "--json")
    assert h.code == 0, h.stdout + h.stderr
    assert [i["order_no"] for i in h.json["items"]] == [order_no]
    o = cli("--lang", "en", "order", "demo:HF-CM-100", "--account", "13900139000", "--yes")
    assert o.code == 2, o.stdout + o.stderr
    assert "unreachable" in o.stderr and "nothing was recorded" in o.stderr and "Traceback" not in o.stderr
    with psycopg.connect(pg_url) as conn:           # (the zh words: tests/ledger/test_pg_mirror.py)
        assert conn.execute("SELECT count(*) FROM orders").fetchone()[0] == 1, "nothing queued behind the user's back"
