"""Card secrets and addresses at rest: AES-256-GCM with the data key.

Each value gets a fresh 12-byte nonce; the associated data names the order and the
field, so a ciphertext moved to another row (or another field) does not open.
"""

from __future__ import annotations

import hashlib
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from kameng_tui.domain.errors import SecretsUnavailable
from kameng_tui.messages import Msg


class Sealer:
    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise SecretsUnavailable(Msg("err.crypto.key_length"))
        self._aead = AESGCM(key)

    def seal(self, plain: str, aad: str) -> bytes:
        nonce = os.urandom(12)
        return nonce + self._aead.encrypt(nonce, plain.encode("utf-8"), aad.encode("utf-8"))

    def open(self, blob: bytes, aad: str) -> str:
        try:
            return self._aead.decrypt(blob[:12], blob[12:], aad.encode("utf-8")).decode("utf-8")
        except (InvalidTag, ValueError):
            raise SecretsUnavailable(Msg("err.crypto.cannot_open")) from None

    def __repr__(self) -> str:
        return "Sealer(<key hidden>)"


def ciphertext_hash(blob: bytes) -> str:
    return hashlib.sha256(blob).hexdigest()
