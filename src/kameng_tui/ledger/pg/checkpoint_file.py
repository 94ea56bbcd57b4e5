"""Where this terminal keeps its team-ledger verify checkpoint, and forgetting it.

Apart from ledger/pg/verify_quick.py, which uses it: the store and the owner rules forget the
checkpoint after a restore, and importing them must not load the verifier's modules at every
process start (issue 19: each terminal is a process).
"""

from __future__ import annotations

from pathlib import Path

from kameng_tui.ledger import checkpoint as cp

NAME = "ledger-pg.checkpoint"


def checkpoint_path(anchor_path: Path) -> Path:
    return anchor_path.with_name(NAME)


def forget_checkpoint(anchor_path: Path) -> None:
    """After an accepted restore: the chain the checkpoint vouched for is not the one kept."""
    cp.remove_checkpoint(checkpoint_path(anchor_path))
