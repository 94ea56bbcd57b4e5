"""Fulu's envelope and its sign, byte for byte.

sign = lowercase md5( sorted characters of the compact JSON of the envelope without
`sign` + app secret ). Compact means separators (",", ":"), no unicode escaping and no
slash escaping — Python's defaults (", " / ": ", ensure_ascii) give another string and
another sign. The timestamp is Beijing time whatever the machine's TZ.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any, Mapping
from zoneinfo import ZoneInfo

BEIJING = ZoneInfo("Asia/Shanghai")


def compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def sign_text(text: str, secret: str) -> str:
    """md5 of the text's characters sorted by code point, then the secret."""
    return hashlib.md5(("".join(sorted(text)) + secret).encode("utf-8")).hexdigest()


def sign(payload: Mapping[str, Any], secret: str) -> str:
    return sign_text(compact({k: v for k, v in payload.items() if k != "sign"}), secret)


def beijing_timestamp(now: datetime) -> str:
    return now.astimezone(BEIJING).strftime("%Y-%m-%d %H:%M:%S")


def envelope(app_key: str, method: str, biz: Mapping[str, Any], secret: str, now: datetime) -> dict[str, str]:
    env = {
        "app_key": app_key, "method": method, "timestamp": beijing_timestamp(now), "version": "2.0",
        "format": "json", "charset": "utf-8", "sign_type": "md5", "app_auth_token": "",
        "biz_content": compact(dict(biz)),
    }
    env["sign"] = sign(env, secret)
    return env


def check_callback(raw_body: str, secret: str) -> bool:
    """A callback's sign, checked on the raw body: cut `,"sign":"…"` and sign the rest."""
    doc = json.loads(raw_body)
    given = doc.get("sign", "")
    marker = f',"sign":"{given}"'
    if marker in raw_body:
        text = raw_body.replace(marker, "", 1)
    else:
        text = compact({k: v for k, v in doc.items() if k != "sign"})
    return bool(given) and sign_text(text, secret) == given
