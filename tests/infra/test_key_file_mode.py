"""A key file that others may read is refused, as ssh refuses such a private key, with
the `chmod 600 PATH` that fixes it (issue 14 point 7). It is a check of the file's
mode bits, not of access: it holds even when the tests run as root, who can read
anything."""

from __future__ import annotations

import base64
import json
import os

import pytest

from kameng_tui.domain.errors import SecretsUnavailable
from kameng_tui.paths import app_paths, ensure
from kameng_tui.secret_store import SecretStore

KEY = base64.b64encode(bytes(range(32))).decode()


@pytest.fixture
def key_file(tmp_path):
    path = tmp_path / "keys" / "kameng-tui.json"
    path.parent.mkdir()
    path.write_text(json.dumps({"data-key": KEY, "supplier:shop": "s3cr3t"}), encoding="utf-8")
    return path


def store(tmp_path, key_file) -> SecretStore:
    paths = ensure(app_paths({"KAMENG_TUI_HOME": str(tmp_path / "h")}))
    return SecretStore(paths, {"KAMENG_TUI_KEY_FILE": str(key_file)})


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o660, 0o666])
def test_a_key_file_others_may_read_is_refused_with_the_chmod(tmp_path, key_file, mode):
    os.chmod(key_file, mode)
    s = store(tmp_path, key_file)
    for ask in (s.data_key, lambda: s.get_supplier_secret("shop")):
        with pytest.raises(SecretsUnavailable) as err:
            ask()
        for lang in ("zh", "en"):
            assert f"chmod 600 {key_file}" in err.value.text(lang)
            assert "s3cr3t" not in err.value.text(lang)
        assert err.value.exit_code == 2
    assert oct(os.stat(key_file).st_mode & 0o777) == oct(mode)        # named, never changed behind your back


@pytest.mark.parametrize("mode", [0o600, 0o400])
def test_a_private_key_file_is_read(tmp_path, key_file, mode):
    os.chmod(key_file, mode)
    s = store(tmp_path, key_file)
    assert s.data_key() == bytes(range(32)) and s.get_supplier_secret("shop") == "s3cr3t"


def test_the_cli_refuses_it_too_exit_2(tmp_path, key_file, env, cli):
    os.chmod(key_file, 0o644)
    extra = {"KAMENG_TUI_KEY_FILE": str(key_file), "KAMENG_TUI_DATA_KEY": ""}
    r = cli("--lang", "en", "secrets", "status", "--json", extra_env=extra)
    assert r.code == 2, r.stdout + r.stderr
    assert "Traceback" not in r.stderr
    err = r.json["error"]
    assert err["code"] == "secrets_unavailable" and f"chmod 600 {key_file}" in err["message"]
