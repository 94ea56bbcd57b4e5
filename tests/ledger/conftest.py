"""The ledger's tests run on both stores through one parametrized fixture: `led` is the
local SQLite ledger, then the team ledger on a real PostgreSQL (tests/pgkit.py) composed
with a local SQLite file for what stays local. Tests that are by nature about the SQLite
file (WAL, PRAGMA, file modes, tampering with the file, backup files) use `sqlite_led`."""

from __future__ import annotations

import pytest

from kameng_tui.ledger.sqlite import open_ledger

BACKENDS = ("sqlite", "pg")


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def led(backend, tmp_path, request):
    from pgkit import open_backend

    ledger = open_backend(backend, tmp_path, lambda: request.getfixturevalue("pg_url"))
    yield ledger
    ledger.close()


@pytest.fixture
def sqlite_led(tmp_path):
    ledger = open_ledger(tmp_path / "data")
    yield ledger
    ledger.close()


@pytest.fixture
def ctx(ctx_both):
    """The service graph on both ledgers (the root conftest's ctx_both)."""
    return ctx_both
