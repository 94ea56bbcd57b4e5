"""A real PostgreSQL for the team ledger's tests (issue 19).

`KAMENG_TUI_TEST_PG_URL` when set (a server someone runs: CI's, a developer's);
otherwise one pgserver per test worker (PostgreSQL 16 binaries from its wheel, started
as an unprivileged user when we run as root), in a temp dir, started once per session.
The schema is made once in a template database; each test gets a fresh database copied
from it by `CREATE DATABASE ... TEMPLATE` (about 0.1 s), dropped at its end.

A server we start is ours to stop, however the run ends. pg_ctl puts postgres in a
session of its own, so a killed pytest (SIGKILL, an OOM kill, a CI timeout) would leave
it running: each server dir holds `owner.json` (the worker's pid and start time), and a
watchdog in a session of its own stops the server once that process is gone. A later
run reaps what a lost watchdog left (`reap_orphans`: dirs whose owner is gone;
KAMENG_TUI_TEST_PG_WATCHDOG=0 starts none, for the test of that). A server
given by KAMENG_TUI_TEST_PG_URL is never started, stopped or reaped here, nor is a
dir without our owner file.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import time
import tempfile
import uuid
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import urlsplit, urlunsplit

_counter = itertools.count()
ROOT_PREFIX = "kpg-"
OWNER_FILE = "owner.json"


def _started(pid: int) -> float | None:
    """When the process `pid` started (psutil), or None when there is none: a pid with
    another start time is another process that reuses the number."""
    import psutil

    try:
        return float(psutil.Process(pid).create_time())
    except psutil.Error:
        return None


def owner_alive(root: Path) -> bool:
    """The process that started the server in `root` still runs (no owner file: assumed
    alive, the dir is not ours to judge)."""
    try:
        owner = json.loads((root / OWNER_FILE).read_text())
        pid, created = int(owner["pid"]), float(owner["created"])
    except (OSError, ValueError, KeyError, TypeError):
        return True
    now = _started(pid)
    return now is not None and abs(now - created) < 1.0


def stop_dir(root: Path) -> None:
    """Stop the postmaster of the data dir `root/pg` (immediate shutdown: the data is
    thrown away) and remove `root`. Only a process whose command line names that data
    dir is signalled."""
    import psutil

    pgdata = root / "pg"
    try:
        pid = int((pgdata / "postmaster.pid").read_text().split()[0])
        proc = psutil.Process(pid)
        if str(pgdata) in " ".join(proc.cmdline()):
            proc.send_signal(signal.SIGQUIT)
            try:
                proc.wait(10)
            except psutil.TimeoutExpired:
                proc.kill()
    except (OSError, ValueError, IndexError, psutil.Error):
        pass                     # no postmaster.pid, or its process is gone already
    shutil.rmtree(root, ignore_errors=True)


def reap_orphans(tmp: Path = Path("/tmp")) -> list[Path]:
    """Stop and remove the servers of earlier runs whose owner is gone (their watchdog
    was lost too): dirs `kpg-*` holding our owner file only."""
    reaped = []
    for root in sorted(tmp.glob(ROOT_PREFIX + "*")):
        if (root / OWNER_FILE).exists() and not owner_alive(root):
            stop_dir(root)
            reaped.append(root)
    return reaped


def watch(root: Path, poll_s: float = 0.5) -> None:
    """The watchdog's loop (run in a process of its own session): once the owner is gone
    and the dir is still there, stop its server."""
    while root.exists() and owner_alive(root):
        time.sleep(poll_s)
    if root.exists():
        stop_dir(root)


def with_database(url: str, dbname: str) -> str:
    """The same server and user, another database (a URL keeps its query: host=socket dir)."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + dbname, parts.query, parts.fragment))


class PgServer:
    """The server of this test worker: an admin URL, a template with the schema, and
    fresh databases made from it."""

    def __init__(self) -> None:
        self.worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        self._own: Any = None
        self._dir: Path | None = None
        self._watchdog: subprocess.Popen[bytes] | None = None
        given = os.environ.get("KAMENG_TUI_TEST_PG_URL")
        if given:
            self.admin_url = given
        else:
            self.admin_url = self._start()
        # unique per run: two sessions on one given server never share a template
        self.prefix = f"kt_{self.worker}_{uuid.uuid4().hex[:6]}"
        self.template = f"{self.prefix}_tpl"
        self._make_template()

    def _start(self) -> str:
        import warnings

        # A short path: the server's unix socket lives in it (107 bytes at most). mkdtemp
        # makes it 0700; pgserver runs the server as its own user when we are root, so
        # that user must be able to enter it.
        reap_orphans()
        self._dir = Path(tempfile.mkdtemp(prefix=f"{ROOT_PREFIX}{self.worker}-", dir="/tmp"))
        os.chmod(self._dir, 0o755)
        (self._dir / OWNER_FILE).write_text(json.dumps({"pid": os.getpid(), "created": _started(os.getpid())}))
        if os.environ.get("KAMENG_TUI_TEST_PG_WATCHDOG", "1") != "0":
            self._watchdog = subprocess.Popen(
                [sys.executable, "-c", "import sys; from pathlib import Path; sys.path.insert(0, sys.argv[1]); "
                 "import pgkit; pgkit.watch(Path(sys.argv[2]))", str(Path(__file__).parent), str(self._dir)],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                start_new_session=True)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")          # RuntimeDirWarning without XDG_RUNTIME_DIR
            import pgserver

            self._own = pgserver.get_server(str(self._dir / "pg"), cleanup_mode="stop")
        return str(self._own.get_uri())

    def _admin(self) -> Any:
        import psycopg

        return psycopg.connect(self.admin_url, autocommit=True)

    def _make_template(self) -> None:
        from kameng_tui.ledger.pg.schema import migrate

        with self._admin() as conn:
            conn.execute(f'CREATE DATABASE "{self.template}"')
        import psycopg

        with psycopg.connect(with_database(self.admin_url, self.template), autocommit=True) as conn:
            migrate(conn)

    def fresh(self) -> tuple[str, str]:
        """(url, name) of a new database with the schema."""
        name = f"{self.prefix}_{next(_counter)}"
        with self._admin() as conn:
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{self.template}"')
        return with_database(self.admin_url, name), name

    def drop(self, name: str) -> None:
        with self._admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def stop(self) -> None:
        try:
            self.drop(self.template)
        except Exception:
            pass                     # the server may be gone already: nothing left to drop
        if self._own is not None:
            self._own.cleanup()
        if self._dir is not None:
            shutil.rmtree(self._dir, ignore_errors=True)
        if self._watchdog is not None:          # it ends once the dir is gone
            try:
                self._watchdog.wait(5)
            except subprocess.TimeoutExpired:
                self._watchdog.kill()
                self._watchdog.wait(5)


_server: PgServer | None = None


def server() -> PgServer:
    """This worker's server, started on first use (a worker that runs no PostgreSQL test
    starts none)."""
    global _server
    if _server is None:
        _server = PgServer()
    return _server


def stop_server() -> None:
    global _server
    if _server is not None:
        _server.stop()
        _server = None


def team_ledger_config(env: dict[str, str], url: str) -> None:
    """`[ledger] url` in the home's config.toml: the app opens the team ledger."""
    cfg = Path(env["KAMENG_TUI_HOME"]) / "config" / "config.toml"
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text(f'[ledger]\nurl = "{url}"\n', encoding="utf-8")


def open_backend(backend: str, tmp_path: Path, url: Callable[[], str]) -> Any:
    """The ledger the tests of both stores open: the local SQLite one, or the team
    ledger on `url()` composed with a local SQLite file (tmp_path/data both times)."""
    from kameng_tui.ledger.sqlite import open_ledger

    if backend == "sqlite":
        return open_ledger(tmp_path / "data", state_dir=tmp_path / "state")
    from kameng_tui.ledger.pg.team import TeamLedger

    return TeamLedger(url(), local=open_ledger(tmp_path / "data"), state_dir=tmp_path / "state")


def fresh_database() -> Iterator[str]:
    """A fresh database's URL for one test, dropped after it."""
    url, name = server().fresh()
    try:
        yield url
    finally:
        server().drop(name)


def _reload_until(admin: Any, check: str, want: str) -> None:
    import time

    admin.execute("SELECT pg_reload_conf()")
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        import psycopg

        with psycopg.connect(server().admin_url, autocommit=True) as probe:
            if str(probe.execute(check).fetchone()[0]) == want:
                return
        time.sleep(0.05)
    raise AssertionError(f"the server never reloaded: {check} != {want}")


def password_role(name: str, password: str) -> str:
    """A plain role that must give its password on this worker's server (a scram line
    put first in pg_hba.conf, then a reload): the URL to reach it, without the password."""
    with server()._admin() as admin:
        admin.execute(f"DROP ROLE IF EXISTS {name}")
        admin.execute(f"CREATE ROLE {name} LOGIN PASSWORD '{password}'")
        hba = Path(admin.execute("SHOW hba_file").fetchone()[0])
        line = f"local all {name} scram-sha-256\nhost all {name} 127.0.0.1/32 scram-sha-256\n"
        text = hba.read_text()
        if line not in text:
            hba.write_text(line + text)
        admin.execute("SELECT pg_reload_conf()")
    url = server().admin_url
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, f"{name}@{parts.hostname or ''}", parts.path, parts.query, parts.fragment))


class FsyncOff:
    """`with FsyncOff():` this worker's server runs with fsync = off (tests within one
    worker run one at a time, so no other test meets it), then on again."""

    def __enter__(self) -> None:
        with server()._admin() as admin:
            admin.execute("ALTER SYSTEM SET fsync = off")
            _reload_until(admin, "SHOW fsync", "off")

    def __exit__(self, *exc: object) -> None:
        with server()._admin() as admin:
            admin.execute("ALTER SYSTEM RESET fsync")
            _reload_until(admin, "SHOW fsync", "on")
