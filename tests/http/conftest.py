from __future__ import annotations

import pytest

from refkit import client_env, start_server


@pytest.fixture
def ref(tmp_path):
    server = start_server(tmp_path)
    yield server
    server.stop()


@pytest.fixture
async def hctx(home, ref):
    from kameng_tui.bootstrap import build_context

    c = build_context(client_env(home, ref.url, deadline_s="3", read_s="1"))
    yield c
    await c.aclose()
    c.close()
