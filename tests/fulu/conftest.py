"""The fake Fulu gateway and a service graph configured for it, for the Fulu tests."""

from __future__ import annotations

import pytest

from fake_gateway import APP_KEY, SECRET, FakeFulu


@pytest.fixture
def gateway():
    with FakeFulu() as g:
        yield g


@pytest.fixture
async def fctx(home, env, gateway):
    from kameng_tui.bootstrap import build_context

    cfg = home / "config" / "config.toml"
    cfg.parent.mkdir(parents=True, exist_ok=True)
    cfg.write_text(f'[[suppliers]]\nname = "fulu"\nkind = "fulu"\napp_key = "{APP_KEY}"\nbase_url = "{gateway.url}"\n'
                   f'deadline_s = 2\n', encoding="utf-8")
    c = build_context({**env, "KAMENG_TUI_SECRET_FULU": SECRET})
    yield c
    await c.aclose()
    c.close()
