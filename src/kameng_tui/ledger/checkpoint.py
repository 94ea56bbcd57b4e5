"""The verified checkpoint: the last point of the chain a full, clean `ledger verify`
checked, kept beside the anchor as `ledger.checkpoint` (atomically replaced).

It lets `ledger verify --quick` check only what came after it: the stored hash at the
checkpoint's seq (the chain still holds the point that was verified) and the events
since, each hashed and linked, with the orders they touched. It is evidence of a past
check, not a trust anchor: a checkpoint the chain does not hold (another ledger's, one
ahead of the chain, another hash at its seq, an unreadable file) is reported, never
used; a missing one makes `--quick` verify in full. Only a full verify that found
nothing writes one, and accepting a restore removes it (the chain it vouched for is
no longer the one kept).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from kameng_tui.ledger.anchor import Anchor, replace_file

NAME = "ledger.checkpoint"
CHECKED = ("chain", "projection", "anchor", "quick_check")
"""What a full verify checks, as the checkpoint records it."""


@dataclass(frozen=True)
class Checkpoint:
    ledger_id: str
    seq: int
    hash: str
    at: str                               # when it was verified, UTC text
    checked: tuple[str, ...] = CHECKED

    def as_anchor(self) -> Anchor:
        """The point of the chain it names, checked by the anchor's rule (anchor.problem)."""
        return Anchor(self.ledger_id, self.seq, self.hash)

    def as_dict(self) -> dict[str, object]:
        return {"ledger_id": self.ledger_id, "seq": self.seq, "hash": self.hash, "at": self.at,
                "checked": list(self.checked)}


UNREADABLE = Checkpoint("?", -1, "unreadable", "")


def path_beside(anchor_path: Path) -> Path:
    return anchor_path.with_name(NAME)


def read_checkpoint(path: Path) -> Checkpoint | None:
    """None when there is none; UNREADABLE (seq -1) when the file is not one."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
        checked = doc.get("checked", [])
        if not isinstance(checked, list):
            raise TypeError("checked")
        return Checkpoint(str(doc["ledger_id"]), int(doc["seq"]), str(doc["hash"]), str(doc["at"]),
                          tuple(str(c) for c in checked))
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return UNREADABLE


def write_checkpoint(path: Path, checkpoint: Checkpoint) -> bool:
    """False when it could not be written (a read-only data dir, a full disk): the
    verify it records still stands, the next `--quick` verifies in full."""
    try:
        replace_file(path, checkpoint.as_dict())
    except OSError:
        return False
    return True


def remove_checkpoint(path: Path) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
