"""The test suite's own PostgreSQL (tests/pgkit.py) never outlives its run: a pytest
killed with SIGKILL leaves no server behind (its watchdog stops it), a server whose
watchdog was lost too is reaped by the next run, and a server given by
KAMENG_TUI_TEST_PG_URL is never touched."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psutil
import psycopg

import pgkit

TESTS = str(Path(__file__).resolve().parents[1])

OWNER = r"""
import json, sys
sys.path.insert(0, sys.argv[1])
import pgkit
srv = pgkit.server()
print(json.dumps({"dir": str(srv._dir) if srv._dir else None, "prefix": srv.prefix}), flush=True)
sys.stdin.readline()
"""


def start_owner(**env: str) -> tuple[subprocess.Popen, dict]:
    """A process that starts the kit's server as a pytest worker would, then waits."""
    base = {k: v for k, v in os.environ.items() if k not in ("KAMENG_TUI_TEST_PG_URL", "KAMENG_TUI_TEST_PG_WATCHDOG")}
    proc = subprocess.Popen([sys.executable, "-c", OWNER, TESTS], env={**base, **env}, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    assert line, proc.stderr.read()
    return proc, json.loads(line)


def wait_for(pred, timeout: float) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.1)
    return bool(pred())


def postmaster(root: Path) -> psutil.Process:
    return psutil.Process(int((root / "pg" / "postmaster.pid").read_text().split()[0]))


def gone(proc: psutil.Process) -> bool:
    try:
        return proc.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def sigkill(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)


def test_a_sigkilled_run_leaves_no_server_running():
    owner, info = start_owner()
    root = Path(info["dir"])
    server = postmaster(root)
    try:
        assert server.is_running()
        sigkill(owner)
        assert wait_for(lambda: gone(server), timeout=20), f"postgres {server.pid} still runs after its run was killed"
        assert wait_for(lambda: not root.exists(), timeout=5), root
    finally:
        if not gone(server):
            pgkit.stop_dir(root)


def test_the_next_run_reaps_a_server_left_without_its_watchdog_and_nothing_else():
    owner, info = start_owner(KAMENG_TUI_TEST_PG_WATCHDOG="0")
    root = Path(info["dir"])
    server = postmaster(root)
    alive_dir = Path(tempfile.mkdtemp(prefix=pgkit.ROOT_PREFIX + "alive-", dir="/tmp"))
    foreign_dir = Path(tempfile.mkdtemp(prefix=pgkit.ROOT_PREFIX + "foreign-", dir="/tmp"))
    try:
        sigkill(owner)
        assert not wait_for(lambda: gone(server), timeout=1.0), "without a watchdog the server outlives its run"
        # a live run's dir, and a dir without our owner file (an older kit's, someone else's)
        (alive_dir / pgkit.OWNER_FILE).write_text(json.dumps({"pid": os.getpid(),
                                                              "created": psutil.Process().create_time()}))
        reaped = pgkit.reap_orphans()
        assert root in reaped and wait_for(lambda: gone(server), timeout=10), reaped
        assert not root.exists()
        assert alive_dir.exists() and foreign_dir.exists(), reaped
    finally:
        if not gone(server):
            pgkit.stop_dir(root)
        for d in (alive_dir, foreign_dir):
            d.rmdir() if not (d / pgkit.OWNER_FILE).exists() else ((d / pgkit.OWNER_FILE).unlink(), d.rmdir())


def test_a_server_given_by_url_is_never_stopped_by_a_killed_run():
    given = pgkit.server().admin_url
    owner, info = start_owner(KAMENG_TUI_TEST_PG_URL=given)
    try:
        assert info["dir"] is None, "a run given a server starts none"
        sigkill(owner)
        pgkit.reap_orphans()
        with psycopg.connect(given, autocommit=True, connect_timeout=5) as conn:
            assert conn.execute("SELECT 1").fetchone() == (1,)
    finally:
        if owner.poll() is None:
            sigkill(owner)
        pgkit.server().drop(f"{info['prefix']}_tpl")        # the killed run's template
