"""Supplier API secrets and the card-secret data key.

Order of sources: the environment (`KAMENG_TUI_DATA_KEY` base64,
`KAMENG_TUI_SECRET_<NAME>`), the opt-in key file (`kameng-tui secrets use-file`, 0600,
outside the data dir), then the system keyring. A keyring that cannot keep a secret
(fail, null, plaintext keyrings.alt) is named, never used silently. Keyring calls run
in a thread with a timeout: a locked Secret Service must not hang the app.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

from kameng_tui.domain.errors import SecretsUnavailable
from kameng_tui.messages import Msg
from kameng_tui.paths import AppPaths

SERVICE = "kameng-tui"
DATA_KEY_USER = "data-key"
TIMEOUT_S = 4.0


def env_name(supplier: str) -> str:
    return "KAMENG_TUI_SECRET_" + re.sub(r"[^A-Z0-9]", "_", supplier.upper())


@dataclass(frozen=True)
class BackendStatus:
    name: str            # e.g. keyring.backends.SecretService.Keyring
    kind: str            # recommended | locked | plaintext | null | fail | error
    usable: bool
    detail: str = ""


@dataclass(frozen=True)
class SecretsStatus:
    backend: str
    backend_kind: str
    data_key_source: str | None
    suppliers: Mapping[str, str | None] = field(default_factory=dict)
    key_file: str | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"backend": self.backend, "backend_kind": self.backend_kind, "data_key_source": self.data_key_source,
                "suppliers": dict(self.suppliers), "key_file": self.key_file}


def _with_timeout(fn: Callable[[], Any]) -> Any:
    box: dict[str, Any] = {}

    def run() -> None:
        try:
            box["value"] = fn()
        except BaseException as exc:  # noqa: BLE001 - carried back to the caller
            box["error"] = exc

    t = threading.Thread(target=run, daemon=True)
    t.start()
    t.join(TIMEOUT_S)
    if t.is_alive():
        raise SecretsUnavailable(Msg("err.secrets.keyring_timeout"))
    if "error" in box:
        raise box["error"]
    return box.get("value")


FIX = Msg("secrets.fix")


def check_private(path: Path) -> None:
    """Refuse a key file that group or others may read, write or run, as ssh refuses
    such a private key, naming the `chmod 600` that fixes it. A check of the mode bits
    (stat), not of access: root may read anything, a key file must still be private."""
    try:
        mode = os.stat(path).st_mode & 0o777
    except OSError:
        raise SecretsUnavailable(Msg("err.secrets.key_file_unreadable", path=str(path))) from None
    if mode & 0o077:
        raise SecretsUnavailable(Msg("err.secrets.key_file_open", path=str(path), mode=f"{mode:04o}"))


class SecretStore:
    def __init__(self, paths: AppPaths, env: Mapping[str, str] | None = None) -> None:
        self.paths = paths
        self.env = dict(os.environ if env is None else env)
        custom = self.env.get("KAMENG_TUI_KEY_FILE")
        self.key_file = Path(custom).expanduser() if custom else paths.key_file

    # --- keyring ---------------------------------------------------------------------------
    def backend_status(self) -> BackendStatus:
        try:
            import keyring

            kr = _with_timeout(keyring.get_keyring)
        except Exception as exc:  # noqa: BLE001
            return BackendStatus(type(exc).__name__, "error", False, str(exc))
        mod = type(kr).__module__ + "." + type(kr).__name__
        low = mod.lower()
        if "fail" in low:
            return BackendStatus(mod, "fail", False, "no keyring backend")
        if "null" in low:
            return BackendStatus(mod, "null", False, "secrets would be discarded")
        if "plaintext" in low or "keyrings.alt" in low:
            return BackendStatus(mod, "plaintext", False, "keyrings.alt stores secrets unencrypted")
        return BackendStatus(mod, "recommended", True)

    def _keyring_get(self, user: str) -> str | None:
        if not self.backend_status().usable:
            return None
        import keyring

        try:
            return _with_timeout(lambda: keyring.get_password(SERVICE, user))
        except Exception:  # noqa: BLE001 - a locked or broken keyring is "no secret here"
            return None

    def _keyring_set(self, user: str, value: str) -> None:
        st = self.backend_status()
        if not st.usable:
            raise SecretsUnavailable(Msg("err.secrets.keyring_unusable", kind=st.kind, name=st.name, fix=FIX))
        import keyring

        _with_timeout(lambda: keyring.set_password(SERVICE, user, value))
        if _with_timeout(lambda: keyring.get_password(SERVICE, user)) != value:
            raise SecretsUnavailable(Msg("err.secrets.keyring_lost", name=st.name, fix=FIX))

    # --- key file ---------------------------------------------------------------------------
    def _file(self) -> dict[str, str] | None:
        path = self.key_file
        if not path.exists():
            return None
        check_private(path)
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            raise SecretsUnavailable(Msg("err.secrets.key_file_unreadable", path=str(path))) from None

    def _file_set(self, key: str, value: str) -> None:
        doc = self._file() or {}
        doc[key] = value
        self._write_file(doc)

    def _write_file(self, doc: dict[str, str]) -> None:
        path = self.key_file
        path.parent.mkdir(parents=True, exist_ok=True)
        os.chmod(path.parent, 0o700)
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(doc, fh)
        os.replace(tmp, path)

    def use_file(self, path: str | None = None) -> Path:
        """The explicit opt-in: a 0600 key file outside the data dir, holding the data key.

        A path other than the default must also be named by KAMENG_TUI_KEY_FILE on every
        later run; the caller says so."""
        target = (Path(path).expanduser() if path else self.key_file).resolve()
        data = self.paths.data_dir.resolve()
        if target == data or data in target.parents:
            raise SecretsUnavailable(Msg("err.secrets.key_file_in_data_dir"))
        self.key_file = target
        doc = self._file() or {}
        if "data-key" not in doc:
            existing = self.data_key()
            doc["data-key"] = base64.b64encode(existing or os.urandom(32)).decode()
        self._write_file(doc)
        return self.key_file

    def store_data_key(self, key: bytes, *, to_file: bool = False) -> str:
        """Keep `key` as this terminal's data key (`secrets import-data-key`): in the key
        file with `to_file` or when one is in use, else in a usable keyring; never silently
        elsewhere. Where it went: file | keyring."""
        value = base64.b64encode(key).decode()
        if to_file or self.key_file.exists():
            data = self.paths.data_dir.resolve()
            target = self.key_file.resolve()
            if target == data or data in target.parents:
                raise SecretsUnavailable(Msg("err.secrets.key_file_in_data_dir"))
            self._file_set("data-key", value)
            return "file"
        st = self.backend_status()
        if not st.usable:
            raise SecretsUnavailable(Msg("err.team_key.no_keyring", kind=st.kind, name=st.name))
        self._keyring_set(DATA_KEY_USER, value)
        return "keyring"

    # --- what services ask for -----------------------------------------------------------------
    def data_key(self, create: bool = True) -> bytes | None:
        raw = self.env.get("KAMENG_TUI_DATA_KEY")
        if raw:
            try:
                key = base64.b64decode(raw, validate=True)
            except (binascii.Error, ValueError):
                raise SecretsUnavailable(Msg("err.secrets.data_key_base64")) from None
            if len(key) != 32:
                raise SecretsUnavailable(Msg("err.secrets.data_key_length"))
            return key
        doc = self._file()
        if doc and doc.get("data-key"):
            return base64.b64decode(doc["data-key"])
        stored = self._keyring_get(DATA_KEY_USER)
        if stored:
            return base64.b64decode(stored)
        if create and self.backend_status().usable:
            key = os.urandom(32)
            self._keyring_set(DATA_KEY_USER, base64.b64encode(key).decode())
            return key
        return None

    def data_key_source(self) -> str | None:
        if self.env.get("KAMENG_TUI_DATA_KEY"):
            return "env"
        doc = self._file()
        if doc and doc.get("data-key"):
            return "file"
        return "keyring" if self._keyring_get(DATA_KEY_USER) else None

    def get_supplier_secret(self, name: str) -> str | None:
        value = self.env.get(env_name(name))
        if value:
            return value
        doc = self._file()
        if doc and doc.get(f"supplier:{name}"):
            return doc[f"supplier:{name}"]
        return self._keyring_get(f"supplier:{name}")

    def supplier_secret_source(self, name: str) -> str | None:
        if self.env.get(env_name(name)):
            return "env"
        doc = self._file()
        if doc and doc.get(f"supplier:{name}"):
            return "file"
        return "keyring" if self._keyring_get(f"supplier:{name}") else None

    def set_supplier_secret(self, name: str, value: str) -> str:
        if not value:
            raise SecretsUnavailable(Msg("err.secrets.empty"))
        if self.key_file.exists():
            self._file_set(f"supplier:{name}", value)
            return "file"
        self._keyring_set(f"supplier:{name}", value)
        return "keyring"

    def status(self, supplier_names: list[str]) -> SecretsStatus:
        st = self.backend_status()
        return SecretsStatus(
            backend=st.name, backend_kind=st.kind, data_key_source=self.data_key_source(),
            suppliers={n: self.supplier_secret_source(n) for n in supplier_names if n != "demo"},
            key_file=str(self.key_file) if self.key_file.exists() else None,
        )
