"""Client order numbers: `KM` + yymmddHHMMSS (business zone) + install id + random.

24 characters of [0-9A-Z]; never from a counter, so two processes (or two machines
restored from one backup) cannot mint the same number. Random part: 6 Crockford
base32 characters (30 bits) per second per install.

30 bits are few for a batch: 1,000 numbers in one second collide about once in
2,000 batches, and the ledger's UNIQUE constraint would then refuse the whole batch.
So a process remembers the random parts it drew in the current second and draws
again on a repeat: within one process, numbers never repeat; across processes the
odds stay 30 bits per second, and the UNIQUE constraint still has the last word.
"""

from __future__ import annotations

import re
import secrets
import threading
from datetime import datetime
from zoneinfo import ZoneInfo

CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
ORDER_NO_RE = re.compile(r"^KM\d{12}[0-9A-Z]{4}[0-9A-Z]{6}$")


def random_base32(n: int) -> str:
    return "".join(secrets.choice(CROCKFORD) for _ in range(n))


def new_install_id() -> str:
    return random_base32(4)


def new_order_no(now: datetime, install_id: str, zone: str = "Asia/Shanghai") -> str:
    if not re.fullmatch(r"[0-9A-Z]{4}", install_id):
        raise ValueError("install id must be 4 characters [0-9A-Z]")
    stamp = now.astimezone(ZoneInfo(zone)).strftime("%y%m%d%H%M%S")
    prefix = f"KM{stamp}{install_id}"
    with _drawn_lock:
        used = _drawn.get(prefix)
        if used is None:                 # a new second: the old draws are forgotten
            _drawn.clear()
            used = _drawn[prefix] = set()
        tail = random_base32(6)
        while tail in used:
            tail = random_base32(6)
        used.add(tail)
    return prefix + tail


_drawn_lock = threading.Lock()
_drawn: dict[str, set[str]] = {}
"""{prefix: random parts drawn under it}, for the current second only."""


def is_order_no(text: str) -> bool:
    return bool(ORDER_NO_RE.match(text))
