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


class Sealer:
    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise SecretsUnavailable("数据密钥必须是 32 字节", message_en="the data key must be 32 bytes")
        self._aead = AESGCM(key)

    def seal(self, plain: str, aad: str) -> bytes:
        nonce = os.urandom(12)
        return nonce + self._aead.encrypt(nonce, plain.encode("utf-8"), aad.encode("utf-8"))

    def open(self, blob: bytes, aad: str) -> str:
        try:
            return self._aead.decrypt(blob[:12], blob[12:], aad.encode("utf-8")).decode("utf-8")
        except (InvalidTag, ValueError):
            raise SecretsUnavailable(
                "无法解密：数据密钥不对，或密文不属于这个订单",
                message_en="cannot decrypt: wrong data key, or the ciphertext does not belong to this order/field",
            ) from None

    def __repr__(self) -> str:
        return "Sealer(<key hidden>)"


def ciphertext_hash(blob: bytes) -> str:
    return hashlib.sha256(blob).hexdigest()
