"""Config, secrets, data key and logs: clear errors, nothing secret on disk."""

from __future__ import annotations

import base64
import os
import stat
from decimal import Decimal
from pathlib import Path

import keyring
import pytest
from kit import in_memory_keyring

from kameng_tui.config import Config, load_config
from kameng_tui.config_edit import add_supplier, remove_supplier
from kameng_tui.crypto import Sealer
from kameng_tui.domain.errors import ConfigError, SecretsUnavailable
from kameng_tui.paths import app_paths, ensure
from kameng_tui.secret_store import SecretStore, env_name

ROOT = Path(__file__).resolve().parents[2]


def test_sample_config_is_the_defaults():
    assert load_config(ROOT / "docs" / "config.sample.toml", {}) == Config()


BROKEN = [
    ("[checkout]\nmax_price_rise = \n", 2),
    ("[checkout]\nmax_price_rise = 0.5\n", 2),                # float money
    ("[checkout]\n\nrepeat_window_s = \"soon\"\n", 3),
    ("[general]\ntimezone = \"Mars/Base\"\n", 2),
    ("[ui]\nascii = \"maybe\"\n", 2),
    ("[nonsense]\nx = 1\n", None),
    ("[checkout]\ncolour = 1\n", 2),
    ("[[suppliers]]\nname = \"f\"\nkind = \"fulu\"\napp_secret = \"s3cr3t\"\n", 4),
    ("[[suppliers]]\nkind = \"fulu\"\n", None),
    ("[logging]\nlevel = \"LOUD\"\n", 2),
]


@pytest.mark.parametrize("text,line", BROKEN)
def test_broken_config_is_a_clear_error_with_the_line(tmp_path, text, line):
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(path, {})
    assert str(path) in err.value.message
    if line:
        assert err.value.line == line
    assert "s3cr3t" not in err.value.message


def test_env_overrides(tmp_path):
    cfg = load_config(tmp_path / "none.toml", {"KAMENG_TUI_CHECKOUT_MAX_PRICE_RISE": "1.25", "KAMENG_TUI_TAGS_LOW_STOCK": "5"})
    assert cfg.checkout.max_price_rise == Decimal("1.25") and cfg.tags.low_stock == 5
    with pytest.raises(ConfigError):
        load_config(tmp_path / "none.toml", {"KAMENG_TUI_TAGS_LOW_STOCK": "many"})


def test_supplier_edits_keep_comments(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("# my shop\n[checkout]\n# be careful\nrepeat_window_s = 60\n", encoding="utf-8")
    add_supplier(path, "fulu", "fulu", {"app_key": "k1"})
    add_supplier(path, "other", "demo", {})
    assert [s.name for s in load_config(path, {}).suppliers] == ["fulu", "other"]
    assert remove_supplier(path, "fulu") and not remove_supplier(path, "fulu")
    text = path.read_text(encoding="utf-8")
    assert "# my shop" in text and "# be careful" in text and "fulu" not in text
    assert load_config(path, {}).checkout.repeat_window_s == 60


@pytest.fixture(autouse=True)
def restore_keyring():
    old = keyring.get_keyring()
    yield
    keyring.set_keyring(old)


@pytest.fixture
def memory_keyring():
    kr = in_memory_keyring()
    keyring.set_keyring(kr)
    return kr


@pytest.fixture
def paths(tmp_path):
    return ensure(app_paths({"KAMENG_TUI_HOME": str(tmp_path / "h")}))


def test_keyring_holds_data_key_and_supplier_secret(paths, memory_keyring):
    store = SecretStore(paths, {})
    key = store.data_key()
    assert len(key) == 32 and store.data_key() == key                 # created once, then read back
    store.set_supplier_secret("fulu", "app-secret-XYZ")
    assert store.get_supplier_secret("fulu") == "app-secret-XYZ"
    st = store.status(["fulu"]).as_dict()
    assert st["backend_kind"] == "recommended" and st["suppliers"] == {"fulu": "keyring"}
    assert "app-secret-XYZ" not in repr(st)


def test_no_usable_keyring_is_named_and_never_silent(paths, monkeypatch):
    from keyring.backends import fail, null

    for backend in (fail.Keyring(), null.Keyring()):
        keyring.set_keyring(backend)
        store = SecretStore(paths, {})
        assert store.data_key() is None
        with pytest.raises(SecretsUnavailable) as err:
            store.set_supplier_secret("fulu", "x-secret")
        assert "use-file" in err.value.message_en
        assert store.backend_status().kind in ("fail", "null")


def test_env_opt_ins(paths):
    raw = base64.b64encode(bytes(32)).decode()
    store = SecretStore(paths, {"KAMENG_TUI_DATA_KEY": raw, env_name("my-shop.1"): "k"})
    assert store.data_key() == bytes(32) and store.get_supplier_secret("my-shop.1") == "k"
    assert env_name("my-shop.1") == "KAMENG_TUI_SECRET_MY_SHOP_1"
    with pytest.raises(SecretsUnavailable):
        SecretStore(paths, {"KAMENG_TUI_DATA_KEY": "not base64!"}).data_key()


def test_use_file_is_private_and_outside_the_data_dir(paths):
    from keyring.backends import fail

    keyring.set_keyring(fail.Keyring())
    store = SecretStore(paths, {})
    path = store.use_file()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600 and paths.data_dir not in path.parents
    assert len(SecretStore(paths, {}).data_key()) == 32
    store.set_supplier_secret("fulu", "file-secret")
    assert SecretStore(paths, {}).get_supplier_secret("fulu") == "file-secret"
    with pytest.raises(SecretsUnavailable):
        store.use_file(str(paths.data_dir / "keys.json"))


def test_sealed_values_are_bound_to_their_order_and_field():
    s = Sealer(os.urandom(32))
    blob = s.seal("ABCD-1234-SECRET", "KM1:card0.password")
    assert b"SECRET" not in blob and s.open(blob, "KM1:card0.password") == "ABCD-1234-SECRET"
    with pytest.raises(SecretsUnavailable):
        s.open(blob, "KM2:card0.password")
    with pytest.raises(SecretsUnavailable):
        Sealer(os.urandom(32)).open(blob, "KM1:card0.password")


def test_log_handler_redacts_registered_secrets(paths):
    import logging

    from kameng_tui.logs import register_secret, setup_logging

    handler = setup_logging(paths, "DEBUG")
    register_secret("HUNTER2-distinctive")
    logging.getLogger("kameng_tui.test").debug("key is %s", "HUNTER2-distinctive")
    handler.flush()
    data = (paths.log_dir / "kameng-tui.log").read_bytes()
    assert b"key is ********" in data and b"HUNTER2" not in data
