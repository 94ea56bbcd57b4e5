"""`ledger.head`: the chain's last {ledger_id, seq, hash}, kept beside the database
and, as a second copy, in the state directory.

Replaced atomically after each commit (temp file in the same dir, fsync, rename).
A chain shorter than the anchor, or another hash at the anchored seq, means events
were removed or an older copy of the database was restored; the state directory's
copy catches a restore of the whole data directory (database and ledger.head).

A new ledger is anchored at seq 0 (the genesis hash) before its first event, so a
missing copy can only mean deletion. The anchor only moves forward along the chain it
anchors; it may lag the chain (a batch defers its moves, a kill between commit and
move): a lagging anchor is valid. Only an `anchor_reset` event moves past one the
chain does not hold (services/restore.py).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping


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
    replace_file(path, anchor.as_dict(), _test_full_disk(anchor))


def replace_file(path: Path, doc: Mapping[str, object], through: str | None = None) -> None:
    """Write `doc` as JSON atomically: a temp file in the same directory, fsync, rename,
    fsync of the directory. `through` is a test hook's file to write instead (/dev/full)."""
    tmp = path.with_name(path.name + f".{os.getpid()}.tmp")
    fd = os.open(through or tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        json.dump(doc, fh)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)
    dfd = os.open(path.parent, os.O_RDONLY)
    try:
        os.fsync(dfd)
    finally:
        os.close(dfd)


GENESIS_HASH = "0" * 64
"""The hash a seq-0 anchor holds (chain.GENESIS: the prev_hash of event 1)."""
WHERE = ("head", "state")
"""The copies: `head` beside the database, `state` in the state directory."""


def problem(anchor: Anchor | None, ledger_id: str, required: bool, hash_at: Callable[[int], str | None]) -> str | None:
    """Why this copy of the anchor does not hold on the chain (an `anchor.<reason>`
    message key's last part), or None when it does. `hash_at(seq)` is the chain's hash
    at seq, None past its end (one indexed lookup); `required`: a missing copy is
    tampering (the ledger was anchored there, or it has events)."""
    if anchor is None:
        return "missing" if required else None
    if anchor.seq < 0:
        return "unreadable"
    if anchor.ledger_id != ledger_id:
        return "other_ledger"
    if anchor.seq == 0:
        return None if anchor.hash == GENESIS_HASH else "other_hash"
    held = hash_at(anchor.seq)
    if held is None:
        return "ahead"
    return None if held == anchor.hash else "other_hash"


def _test_full_disk(anchor: Anchor) -> str | None:
    """Test hook, like KAMENG_TUI_CRASH_AT: `KAMENG_TUI_TEST_ANCHOR_ENOSPC_AT=N` writes the
    anchor for seq N and later into /dev/full, a real ENOSPC after the commit of event N
    (the disk filled up between the database and its anchor)."""
    at = os.environ.get("KAMENG_TUI_TEST_ANCHOR_ENOSPC_AT")
    return "/dev/full" if at and at.isdigit() and anchor.seq >= int(at) else None
