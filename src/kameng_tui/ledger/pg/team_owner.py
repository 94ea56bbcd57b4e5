"""The owner and the clerks on the team ledger's store (issue 19): whether this login is
the owner's, and how a clerk's terminal moves on from a restore the owner accepted. A
mixin of `PgLedger`; the SQL stays here."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Sequence

from kameng_tui.domain.clock import from_utc_text
from kameng_tui.domain.team_errors import OwnerOnly
from kameng_tui.ledger.anchor import Anchor, write_anchor
from kameng_tui.ledger.maintenance import RESET_KIND
from kameng_tui.ledger.pg.checkpoint_file import forget_checkpoint
from kameng_tui.ledger.values import AnchorReset


class PgOwner:
    if TYPE_CHECKING:
        import threading
        from pathlib import Path

        _lock: threading.RLock
        _conn: Any
        anchor_path: Path
        ledger_id: str

        def _one(self, sql: str, args: Sequence[Any] = ()) -> tuple[Any, ...] | None: ...

    def is_owner(self) -> bool:
        """This login is the owner's (a member of kameng_owner, or a superuser)."""
        from kameng_tui.ledger.pg.owner_rules import IS_OWNER

        r = self._one(IS_OWNER)
        return bool(r and r[0])

    def _follow_owners_reset(self, old: Anchor | None) -> AnchorReset:
        """A clerk's accept-restore: the restore is accepted once on the server, by the owner
        (an `anchor_reset` only a kameng_owner login may append, owner_rules.py); each other
        terminal then moves its own anchor to the server chain's end, recording nothing.
        Only after an owner's reset made later than this terminal's anchor was last moved
        (the anchor file's time against the event's server time: a reset this terminal had
        already passed is no acceptance of a newer restore); else OwnerOnly, exit 2."""
        moved_at = self.anchor_path.stat().st_mtime if self.anchor_path.exists() else 0.0
        with self._lock:
            r = self._conn.execute(
                "SELECT e.seq, extract(epoch FROM e.server_at), h.seq, h.hash, h.at FROM chain_head h "
                "LEFT JOIN LATERAL (SELECT seq, server_at FROM events WHERE kind = %s ORDER BY seq DESC LIMIT 1) e "
                "ON true WHERE h.id = 1", (RESET_KIND,)).fetchone()
        if r is None or r[0] is None or float(r[1]) <= moved_at:
            raise OwnerOnly("accept_restore")
        write_anchor(self.anchor_path, Anchor(self.ledger_id, int(r[2]), str(r[3])))
        forget_checkpoint(self.anchor_path)
        return AnchorReset(seq=int(r[0]), chain_seq=int(r[2]), chain_at=from_utc_text(str(r[4])) if r[2] else None,
                           old={"state": None if old is None else old.as_dict()})

