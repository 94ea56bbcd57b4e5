"""Is there a data key (the AES key that seals 卡密 and addresses at rest), and where
from: the one place the engine, the checkout and the faces ask.

Asked each time, cheaply. A key once found is kept for the process (it cannot change
under the ciphertexts it sealed); a missing key is never kept: a key file made while
the app runs (the TUI's dialog, or `secrets use-file` in another terminal) is used by
the very next order, with no restart. Where the key is missing, the answer names the
keyring backend found and where the opt-in key file would go.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from kameng_tui.domain.errors import KamengError, NoDataKey, SecretsUnavailable
from kameng_tui.messages import Localized, Msg

if TYPE_CHECKING:  # pragma: no cover
    from kameng_tui.crypto import Sealer


class Backend(Protocol):
    """The keyring backend found (secret_store.BackendStatus)."""

    @property
    def name(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def usable(self) -> bool: ...


class KeyStore(Protocol):
    """What this service needs of the secret store (kameng_tui/secret_store.py, which the
    composition root hands in): the faces that import this module never reach the keyring."""

    @property
    def key_file(self) -> Path: ...
    def data_key(self) -> bytes | None: ...
    def data_key_source(self) -> str | None: ...
    def backend_status(self) -> Backend: ...
    def use_file(self, path: str | None = None) -> Path: ...


@dataclass(frozen=True)
class DataKeyStatus:
    """What a face shows: `source` is env, file or keyring (None: no key); `creatable`:
    a usable keyring makes the key on first use, so nothing is disabled."""

    source: str | None
    backend: str
    backend_kind: str
    key_file: str
    creatable: bool = False
    problem: Localized | None = None  # why the key could not be read (a key file others may read, ...)

    @property
    def available(self) -> bool:
        return self.source is not None or self.creatable


class DataKeyService:
    def __init__(self, secrets: KeyStore) -> None:
        self._secrets = secrets
        self._sealer: Sealer | None = None
        self._lock = threading.Lock()          # the start-up probe runs in a thread

    def sealer(self) -> Sealer | None:
        """The card-secret sealer, or None while no data key is available (asked again
        next time: a key made meanwhile is found)."""
        if self._sealer is not None:
            return self._sealer
        with self._lock:
            if self._sealer is None:
                try:
                    key = self._secrets.data_key()
                except KamengError:
                    raise
                except Exception:  # noqa: BLE001 - a locked or broken keyring is "no key here", never a traceback
                    key = None
                if key is not None:
                    from kameng_tui.crypto import Sealer      # cryptography: only once a key is there

                    self._sealer = Sealer(key)
            return self._sealer

    def status(self, *, backend: bool = False) -> DataKeyStatus:
        """Where the key comes from, without making one (a usable keyring makes it on
        the first card order). Reads the key file and may wait on the keyring (up to its
        timeout): the TUI asks at start-up in a thread. The keyring backend is named
        where it matters (no key, or the key in it), or always with `backend`: with the
        key in the environment or the file, keyring is not even imported."""
        secrets = self._secrets
        path = str(secrets.key_file)
        try:
            source = secrets.data_key_source()
        except SecretsUnavailable as exc:
            kr = secrets.backend_status()
            return DataKeyStatus(None, kr.name, kr.kind, path, problem=exc.msg)
        if source in ("env", "file") and not backend:
            return DataKeyStatus(source, "", "", path)
        kr = secrets.backend_status()
        if source is None and self._sealer is not None:       # made in the keyring by an order
            source = "keyring"
        return DataKeyStatus(source, kr.name, kr.kind, path, creatable=source is None and kr.usable)

    def create_file_key(self, path: str | None = None) -> Path:
        """The explicit opt-in: the data key in a 0600 key file outside the data dir
        (the keyring's key copied in when it has one), at `path` or the default place
        (`secrets use-file [PATH]`, the TUI's dialog). Takes effect at once."""
        made = self._secrets.use_file(path)
        with self._lock:
            self._sealer = None                 # read again, from the file now
        if self.sealer() is None:               # pragma: no cover - use_file wrote a key
            raise NoDataKey(Msg("err.checkout.no_data_key"))
        return made
