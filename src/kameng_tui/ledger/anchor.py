"""`ledger.head`: the chain's last {ledger_id, seq, hash}, kept beside the database.

Replaced atomically after each commit (temp file in the same dir, fsync, rename).
A chain shorter than the anchor, or another hash at the anchored seq, means events
were removed or an older copy of the database was restored.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Anchor:
    ledger_id: str
    seq: int
    hash: str

    def as_dict(self) -> dict[str, object]:
        return {"ledger_id": self.ledger_id, "seq": self.seq, "hash": self.hash}


def read_anchor(path: Path) -> Anchor | None:
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        return Anchor(str(doc["ledger_id"]), int(doc["seq"]), str(doc["hash"]))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError):
        return Anchor("?", -1, "unreadable")


def write_anchor(path: Path, anchor: Anchor) -> None:
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    fd = os.open(_test_full_disk(anchor) or tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(anchor.as_dict(), fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    dfd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dfd)
    finally:
        os.close(dfd)


def _test_full_disk(anchor: Anchor) -> str | None:
    """Test hook, like KAMENG_TUI_CRASH_AT: `KAMENG_TUI_TEST_ANCHOR_ENOSPC_AT=N` writes the
    anchor for seq N and later into /dev/full, a real ENOSPC after the commit of event N
    (the disk filled up between the database and its anchor)."""
    at = os.environ.get("KAMENG_TUI_TEST_ANCHOR_ENOSPC_AT")
    return "/dev/full" if at and at.isdigit() and anchor.seq >= int(at) else None
