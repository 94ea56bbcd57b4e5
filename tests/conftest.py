"""Fixtures shared by the whole suite: a private KAMENG_TUI_HOME per test, the CLI
as a real subprocess, and an in-process service graph on real SQLite files."""

from __future__ import annotations

from pathlib import Path

import pytest

from kit import CliResult, base_env, run_cli


@pytest.fixture
def home(tmp_path: Path) -> Path:
    h = tmp_path / "home"
    h.mkdir()
    return h


@pytest.fixture
def env(home: Path) -> dict[str, str]:
    return base_env(home)


@pytest.fixture
def cli(env):
    def _run(*args: str, stdin: str | None = None, extra_env: dict[str, str] | None = None, timeout: float = 120) -> CliResult:
        return run_cli({**env, **(extra_env or {})}, *args, stdin=stdin, timeout=timeout)
    return _run


@pytest.fixture
async def ctx(env):
    from kameng_tui.bootstrap import build_context

    c = build_context(env)
    yield c
    await c.aclose()
    c.close()


@pytest.fixture(params=["sqlite", "pg"])
async def ctx_both(request, env):
    """`ctx` on the local SQLite ledger, then on the team ledger (a real PostgreSQL):
    tests/engine and tests/ledger take it as their `ctx` (their conftest.py)."""
    from kameng_tui.bootstrap import build_context
    from pgkit import team_ledger_config

    if request.param == "pg":
        team_ledger_config(env, request.getfixturevalue("pg_url"))
    c = build_context(env)
    yield c
    await c.aclose()
    c.close()


@pytest.fixture
def no_keyring():
    """What a headless Linux reports: the fail backend, in this process."""
    import keyring
    from keyring.backends import fail

    old = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    yield
    keyring.set_keyring(old)


# --- the team ledger's PostgreSQL (tests/pgkit.py) ----------------------------------------------
@pytest.fixture
def pg_url():
    """A fresh database with the team ledger's schema on this worker's server."""
    import pgkit

    yield from pgkit.fresh_database()


def pytest_sessionfinish(session, exitstatus):
    import sys

    pgkit = sys.modules.get("pgkit")
    if pgkit is not None:               # only a worker that started a server stops one
        pgkit.stop_server()
