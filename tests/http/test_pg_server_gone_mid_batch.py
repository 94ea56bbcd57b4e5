"""The team server going away in the middle of a batch (issue 20): no new line is sent,
the line in flight stays submitted on the server, the batch exits 3 naming it; once the
server is back, reconcile settles it: every order ends known and the reference supplier
saw each order created at most once. Real processes: the CLI, the reference server,
PostgreSQL."""

from __future__ import annotations

import subprocess
import sys
import time
from urllib.parse import urlsplit

import psycopg

from pgkit import with_database

from kit import run_cli
from refkit import client_env, start_server, wait_for


def test_the_server_going_away_mid_batch_stops_it_exit_3_and_reconcile_settles_after(tmp_path, pg_url):
    ref = start_server(tmp_path / "ref", faults="create_hold_ms=1500")
    try:
        env = client_env(tmp_path / "home", ref.url, deadline_s="5", read_s="3", connect_s="0.5")
        cfg = tmp_path / "home" / "config" / "config.toml"
        cfg.write_text(f'[ledger]\nurl = "{pg_url}"\n\n' + cfg.read_text(), encoding="utf-8")
        lines = tmp_path / "lines.txt"
        lines.write_text("".join(f"ref:HF-CM-10 1380013{i:04d}\n" for i in range(4)), encoding="utf-8")
        db = urlsplit(pg_url).path.lstrip("/")
        admin_url = with_database(pg_url, "postgres")
        proc = subprocess.Popen([sys.executable, "-m", "kameng_tui", "--lang", "en", "batch", "run", str(lines),
                                 "--yes", "--concurrency", "1"], env=env, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, text=True)
        with psycopg.connect(pg_url, autocommit=True) as conn:
            wait_for(lambda: conn.execute("SELECT count(*) FROM events WHERE kind = 'submitted'").fetchone()[0] >= 1,
                     20.0)
            in_flight = conn.execute("SELECT order_no FROM events WHERE kind = 'submitted'").fetchall()
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'ALTER DATABASE "{db}" ALLOW_CONNECTIONS false')
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (db,))
            try:
                out, err = proc.communicate(timeout=30)
            finally:
                admin.execute(f'ALTER DATABASE "{db}" ALLOW_CONNECTIONS true')
        said = " ".join((out + err).split())
        assert proc.returncode == 3, said
        assert in_flight[0][0] in said and "reconcile" in said, said        # named: do not re-order
        assert "internal error" not in said and "Traceback" not in said, said
        assert "team ledger" in said, said                                   # why it stopped
        time.sleep(0.2)
        r = run_cli(env, "reconcile", "--json")
        assert r.code in (0, 3), r.stdout + r.stderr
        with psycopg.connect(pg_url, autocommit=True) as conn:
            states = dict(conn.execute("SELECT order_no, state FROM orders").fetchall())
        assert len(states) == 4
        assert not {s for s in states.values()} & {"submitted", "unknown"}, states
        sent = ref.creates()
        assert all(n == 1 for n in sent.values()), sent               # nothing sent twice
        assert set(sent) <= set(states) and len(sent) < 4, (sent, states)   # the batch stopped
    finally:
        ref.stop()
