"""Card secrets and addresses at rest: AES-256-GCM with the data key.

Each value gets a fresh 12-byte nonce; the associated data names the order and the
field, so a ciphertext moved to another row (or another field) does not open.

A sealed value starts with the id of the key that sealed it (`KD1` + 8 bytes of the
key's fingerprint, key_id): a terminal holding another key (a team ledger's clerk who
has not imported the team's key) can say "sealed with another key" instead of taking
a card it cannot open for a damaged one. Values sealed before the id was written (no
prefix) still open; a key id says nothing about the key (a domain-separated hash of
256 random bits).
"""

from __future__ import annotations

import hashlib
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from kameng_tui.domain.errors import SecretsUnavailable
from kameng_tui.messages import Msg

MAGIC = b"KD1"
_ID_BYTES = 8


def key_id(key: bytes) -> str:
    """The key's public fingerprint: 16 hex digits, the same on every terminal holding it."""
    return hashlib.sha256(b"kameng-tui data key id v1\0" + key).hexdigest()[: 2 * _ID_BYTES]


def blob_key_id(blob: bytes) -> str | None:
    """The id of the key that sealed `blob`, or None for a value sealed without one."""
    if blob[: len(MAGIC)] == MAGIC and len(blob) > len(MAGIC) + _ID_BYTES + 12:
        return blob[len(MAGIC): len(MAGIC) + _ID_BYTES].hex()
    return None


class OtherKey(SecretsUnavailable):
    """A value sealed with another data key than this terminal's (`key_id` names it):
    not damage, and not an error to show as one."""

    def __init__(self, key_id: str) -> None:
        super().__init__(Msg("err.crypto.other_key", key_id=key_id))
        self.key_id = key_id


class Sealer:
    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise SecretsUnavailable(Msg("err.crypto.key_length"))
        self._aead = AESGCM(key)
        self.key_id = key_id(key)
        self._key = key

    def export_key(self) -> bytes:
        """The raw key, for `secrets export-data-key` only (services/team_key.py)."""
        return self._key

    def seal(self, plain: str, aad: str) -> bytes:
        nonce = os.urandom(12)
        head = MAGIC + bytes.fromhex(self.key_id)
        return head + nonce + self._aead.encrypt(nonce, plain.encode("utf-8"), aad.encode("utf-8"))

    def open(self, blob: bytes, aad: str) -> str:
        sealed_by = blob_key_id(blob)
        if sealed_by is not None:
            body = blob[len(MAGIC) + _ID_BYTES:]
            opened = self._try(body, aad)
            if opened is not None:
                return opened
            if sealed_by != self.key_id and self._try(blob, aad) is None:     # (a legacy value with that prefix)
                raise OtherKey(sealed_by)
        else:
            opened = self._try(blob, aad)
            if opened is not None:
                return opened
        raise SecretsUnavailable(Msg("err.crypto.cannot_open"))

    def _try(self, blob: bytes, aad: str) -> str | None:
        try:
            return self._aead.decrypt(blob[:12], blob[12:], aad.encode("utf-8")).decode("utf-8")
        except (InvalidTag, ValueError):
            return None

    def __repr__(self) -> str:
        return f"Sealer(<key {self.key_id}>)"


def ciphertext_hash(blob: bytes) -> str:
    return hashlib.sha256(blob).hexdigest()
