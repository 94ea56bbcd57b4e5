"""Card secrets from Fulu: base64 -> AES-256-ECB (key: the 32-character app secret as
ASCII bytes) -> PKCS#7 unpadding -> stripped text. Returned as SecretText."""

from __future__ import annotations

import base64
import binascii

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

from kameng_tui.domain.errors import OutcomeUnknown
from kameng_tui.domain.models import SecretText
from kameng_tui.messages import Msg


def decrypt(value: str, secret: str) -> SecretText:
    try:
        data = base64.b64decode(value, validate=True)
        decryptor = Cipher(algorithms.AES(secret.encode("ascii")), modes.ECB()).decryptor()
        padded = decryptor.update(data) + decryptor.finalize()
        unpadder = padding.PKCS7(128).unpadder()
        plain = unpadder.update(padded) + unpadder.finalize()
        return SecretText(plain.decode("utf-8").strip())
    except (binascii.Error, ValueError, UnicodeDecodeError):
        # A card we cannot read is a delivery in doubt, never a silent empty card.
        raise OutcomeUnknown(Msg("err.fulu.card_decrypt")) from None
