"""The engine's tests run on both ledgers (issue 19): `ctx` is the root conftest's
`ctx_both`, on the local SQLite file and then on the team ledger on PostgreSQL."""

from __future__ import annotations

import pytest


@pytest.fixture
def ctx(ctx_both):
    return ctx_both
