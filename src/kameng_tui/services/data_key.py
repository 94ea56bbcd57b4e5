"""Is there a data key (the AES key that seals 卡密 and addresses at rest), and where
from: the one place the engine, the checkout and the faces ask.

Asked each time, cheaply. A key once found is kept for the process (it cannot change
under the ciphertexts it sealed); a missing key is never kept: a key file made while
the app runs (the TUI's dialog, or `secrets use-file` in another terminal) is used by
the very next order, with no restart. Where the key is missing, the answer names the
keyring backend found and where the opt-in key file would go.

On a team ledger (issue 19) there is one team key, known to the ledger by its public id
only (crypto.key_id): a terminal seals only with that key, so one without it orders
everything but 卡密 (the refusal says to import the team's key), and no key is ever made
implicitly there (no keyring key on first use, no key file from the dialog) once the
team has one. The first terminal to seal a card on a new team ledger claims its key as
the team's. Export and import of the key: services/team_key.py.
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
    from kameng_tui.domain.clock import Clock
    from kameng_tui.ledger.ports import TeamKeyStore


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
    def data_key(self, create: bool = True) -> bytes | None: ...
    def data_key_source(self) -> str | None: ...
    def backend_status(self) -> Backend: ...
    def use_file(self, path: str | None = None) -> Path: ...
    def store_data_key(self, key: bytes, *, to_file: bool = False) -> str: ...


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
    team: bool = False                # on a team ledger: only the team's key seals 卡密
    key_id: str | None = None         # this terminal's key's public id (crypto.key_id)
    team_key_id: str | None = None    # the team's, once a terminal claimed it

    @property
    def other_key(self) -> bool:
        """A key is here, but the team's 卡密 are sealed with another one."""
        return self.team and self.key_id is not None and self.team_key_id not in (None, self.key_id)

    @property
    def available(self) -> bool:
        if self.other_key:
            return False
        return self.source is not None or self.creatable


class DataKeyService:
    def __init__(self, secrets: KeyStore, team: TeamKeyStore | None = None, clock: Clock | None = None) -> None:
        self._secrets = secrets
        self._team, self._clock = team, clock
        self._sealer: Sealer | None = None
        self._team_ok = False                  # the key held is the team's (claimed or checked)
        self._lock = threading.RLock()         # the start-up probe runs in a thread

    @property
    def team(self) -> bool:
        return self._team is not None

    def _team_id(self) -> str | None:
        return None if self._team is None else self._team.team_key_id()

    def opener(self) -> Sealer | None:
        """The key this terminal holds, to open sealed values (another key's values say
        so: crypto.OtherKey); never makes one on a team ledger."""
        if self._sealer is not None:
            return self._sealer
        with self._lock:
            if self._sealer is None:
                try:
                    key = self._secrets.data_key(create=not self.team or self._team_id() is None)
                except KamengError:
                    raise
                except Exception:  # noqa: BLE001 - a locked or broken keyring is "no key here", never a traceback
                    key = None
                if key is not None:
                    from kameng_tui.crypto import Sealer      # cryptography: only once a key is there

                    self._sealer = Sealer(key)
            return self._sealer

    def sealer(self) -> Sealer | None:
        """The card-secret sealer, or None while no usable data key is here (asked again
        next time: a key made meanwhile is found). On a team ledger only the team's key
        seals; the first sealer on a new team ledger claims its key as the team's."""
        sealer = self.opener()
        if sealer is None or self._team is None or self._team_ok:
            return sealer
        with self._lock:
            team = self._team_id()
            if team is None:
                assert self._clock is not None             # the composition root hands both in
                team = self._team.claim_team_key(sealer.key_id, at=self._clock.now())
            self._team_ok = team == sealer.key_id
        return sealer if self._team_ok else None

    def refusal(self) -> Msg:
        """Why a 卡密 order is refused (sealer() gave None), with the fix."""
        if self.team and self._team_id() is not None:
            return Msg("err.team_key.import")
        return Msg("err.checkout.no_data_key")

    def note_export(self, key_id: str) -> None:
        """On a team ledger, chain that the team's key is being exported (before it leaves)."""
        if self._team is not None:
            assert self._clock is not None
            self._team.note_key_export(key_id, at=self._clock.now())

    def source(self) -> str | None:
        """env | file | keyring | None: where this terminal's key is read from."""
        return self._secrets.data_key_source()

    def keep(self, key: bytes, *, to_file: bool = False) -> str:
        """Keep an imported key (services/team_key.py): file | keyring."""
        return self._secrets.store_data_key(key, to_file=to_file)

    def held_key(self) -> bytes | None:
        """The key this terminal holds, to keep aside before an import replaces it
        (services/team_key.py); never makes one."""
        return self._secrets.data_key(create=False)

    def forget(self) -> None:
        """Read the key again on next use (it was imported or replaced)."""
        with self._lock:
            self._sealer, self._team_ok = None, False

    def status(self, *, backend: bool = False) -> DataKeyStatus:
        """Where the key comes from, without making one (a usable keyring makes it on
        the first card order). Reads the key file and may wait on the keyring (up to its
        timeout): the TUI asks at start-up in a thread. The keyring backend is named
        where it matters (no key, or the key in it), or always with `backend`: with the
        key in the environment or the file, keyring is not even imported."""
        secrets = self._secrets
        path = str(secrets.key_file)
        team, team_id = self.team, self._team_id()
        try:
            source = secrets.data_key_source()
            held = self.opener() if source is not None or self._sealer is not None else None
        except SecretsUnavailable as exc:
            kr = secrets.backend_status()
            return DataKeyStatus(None, kr.name, kr.kind, path, problem=exc.msg, team=team, team_key_id=team_id)
        key_id = None if held is None else held.key_id
        if source in ("env", "file") and not backend:
            return DataKeyStatus(source, "", "", path, team=team, key_id=key_id, team_key_id=team_id)
        kr = secrets.backend_status()
        if source is None and self._sealer is not None:       # made in the keyring by an order
            source = "keyring"
        creatable = source is None and kr.usable and (not team or team_id is None)
        return DataKeyStatus(source, kr.name, kr.kind, path, creatable=creatable, team=team, key_id=key_id,
                             team_key_id=team_id)

    def create_file_key(self, path: str | None = None) -> Path:
        """The explicit opt-in: the data key in a 0600 key file outside the data dir
        (the keyring's key copied in when it has one), at `path` or the default place
        (`secrets use-file [PATH]`, the TUI's dialog). Takes effect at once. On a team
        ledger whose key this terminal does not hold, refused: a new key would seal
        cards no one else can open (import the team's key instead)."""
        if self.team and self._team_id() is not None:
            held = self.opener()
            if held is None or held.key_id != self._team_id():
                raise NoDataKey(Msg("err.team_key.import"))
        made = self._secrets.use_file(path)
        self.forget()                           # read again, from the file now
        if self.sealer() is None:               # pragma: no cover - use_file wrote a key
            raise NoDataKey(Msg("err.checkout.no_data_key"))
        return made
