"""卡密 on a machine without a keyring (issue 15 point 1), below the faces: a data key
that appears while the app runs (the key file made from another terminal, or from the
TUI's dialog) is used by the very next order, with no restart; `secrets status` says
what is missing and what that disables, in the user's language; the first run on a
fresh home with no keyring, as a reseller's headless server meets it."""

from __future__ import annotations

import os
import stat

import pytest

from kit import CJK

from kameng_tui.domain.errors import SecretsUnavailable
from kameng_tui.domain.history import HistoryFilter
from kameng_tui.domain.states import OrderState
from kameng_tui.paths import app_paths
from kameng_tui.services.checkout import OrderInput

CARD_SKU = "demo:GM-QQB-10-K"          # QQ币Q币10元 卡密: delivered as card secrets
NO_KEY = {"KAMENG_TUI_DATA_KEY": ""}   # base_env's PYTHON_KEYRING_BACKEND is the fail keyring


def card_order() -> OrderInput:
    return OrderInput(sku=CARD_SKU, fields={"account": "13800138000"})


async def test_a_key_file_made_while_running_is_used_by_the_next_order(env, no_keyring):
    from kameng_tui.secret_store import SecretStore
    from kameng_tui.bootstrap import build_context

    env = {**env, **NO_KEY}
    ctx = build_context(env)
    try:
        assert ctx.sealer() is None
        with pytest.raises(SecretsUnavailable):
            await ctx.checkout.place(card_order())
        assert list(ctx.ledger.history(HistoryFilter(), limit=10).items) == []        # refused before the intent
        SecretStore(app_paths(env), env).use_file()      # `kameng-tui secrets use-file` in another terminal
        placed = await ctx.checkout.place(card_order(), wait_s=5)
        assert placed.order.state is OrderState.SUCCEEDED
    finally:
        await ctx.aclose()
        ctx.close()


async def test_the_service_creates_the_file_key_at_once(env, no_keyring):
    from kameng_tui.bootstrap import build_context

    ctx = build_context({**env, **NO_KEY})
    try:
        before = ctx.data_key.status()
        assert not before.available and before.backend_kind == "fail" and before.key_file.endswith("keys.json")
        assert ctx.sealer() is None
        path = ctx.data_key.create_file_key()
        assert stat.S_IMODE(os.stat(path).st_mode) == 0o600 and str(path) == before.key_file
        assert ctx.data_key.status().available and ctx.sealer() is not None
        placed = await ctx.checkout.place(card_order(), wait_s=5)
        assert placed.order.state is OrderState.SUCCEEDED
    finally:
        await ctx.aclose()
        ctx.close()


def test_secrets_status_speaks_the_users_language(cli, home):
    zh = cli("secrets", "status", extra_env=NO_KEY)
    assert zh.code == 0, zh.stderr
    assert "数据密钥" in zh.stdout and "卡密" in zh.stdout and "钥匙串" in zh.stdout
    assert "secrets use-file" in zh.stdout                       # the CLI names its own fix
    assert "backend_kind" not in zh.stdout and "None" not in zh.stdout
    en = cli("--lang", "en", "secrets", "status", extra_env=NO_KEY)
    assert en.code == 0, en.stderr
    assert "data key" in en.stdout.lower() and "card" in en.stdout.lower() and "secrets use-file" in en.stdout
    assert not CJK.search(en.stdout + en.stderr), en.stdout
    config = app_paths({"KAMENG_TUI_HOME": str(home)}).config_file
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('[general]\nlanguage = "en"\n', encoding="utf-8")
    by_config = cli("secrets", "status", extra_env=NO_KEY)
    assert by_config.stdout == en.stdout
    doc = cli("secrets", "status", "--json", extra_env=NO_KEY).json        # stable English keys
    assert doc["backend_kind"] == "fail" and doc["data_key_source"] is None
    assert set(doc) >= {"version", "backend", "backend_kind", "data_key_source", "suppliers", "key_file"}


def test_first_run_on_a_fresh_home_without_a_keyring(cli, home):
    """Fresh KAMENG_TUI_HOME, PYTHON_KEYRING_BACKEND=fail, no KAMENG_TUI_DATA_KEY: what is
    disabled is said before any order; the refusal changes nothing; the key file is
    the way on, used by the next command."""
    status = cli("secrets", "status", extra_env=NO_KEY)
    assert "数据密钥：无" in status.stdout, status.stdout
    refused = cli("order", CARD_SKU, "--account", "13800138000", "--yes", "--json", extra_env=NO_KEY)
    assert refused.code == 2 and refused.json["error"]["code"] == "secrets_unavailable"
    assert "Traceback" not in refused.stderr
    assert cli("history", "--json", extra_env=NO_KEY).json["total"] == 0
    made = cli("secrets", "use-file", "--json", extra_env=NO_KEY)
    assert made.code == 0, made.stderr
    path = made.json["path"]
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert "数据密钥：密钥文件" in cli("secrets", "status", extra_env=NO_KEY).stdout
    placed = cli("order", CARD_SKU, "--account", "13800138000", "--yes", "--wait", "10", "--json", extra_env=NO_KEY)
    assert placed.code == 0, placed.stderr
    assert placed.json["order"]["state"] == "succeeded"
