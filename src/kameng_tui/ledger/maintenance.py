"""The SQLite ledger's maintenance: verify, the one way on from a restore, backups.

A mixin of `SqliteLedger` (ledger/sqlite.py). Accepting a restore is the only write that
moves the anchor past a copy the chain does not hold: a chained `anchor_reset` event made
by a person with a reason (DESIGN.md "Ledger").
"""

from __future__ import annotations

import dataclasses
import os
import sqlite3
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Callable, ContextManager, Mapping

from kameng_tui.domain.clock import from_utc_text
from kameng_tui.domain.errors import BadInput, ChainBroken, LedgerBusy
from kameng_tui.ledger.anchor import Anchor, read_anchor, write_anchor
from kameng_tui.ledger.anchoring import AnchorKeeper
from kameng_tui.ledger.checkpoint import path_beside, remove_checkpoint
from kameng_tui.ledger.values import AnchorReset, VerifyReport
from kameng_tui.messages import Msg

RESET_KIND = "anchor_reset"



def reset_reason(reason: str, verify: Callable[[], VerifyReport], code: str) -> tuple[str, VerifyReport]:
    """The checks before an `anchor_reset` on either store: a person's reason, a chain
    that is intact (ChainBroken, exit 4), and something to move past for an
    accept-restore (a verify that is all ok has none). The reason stripped, and verify's
    report (the reset names the chain's end it saw)."""
    reason = reason.strip()
    if not reason:
        raise BadInput(Msg("err.ledger.reset_reason"), field="reason")
    report = verify()
    if not report.intact:
        raise ChainBroken(Msg("err.ledger.chain_broken", n=len(report.problems)), problems=report.problems)
    if report.ok and code == "accepted":
        raise BadInput(Msg("err.ledger.reset_nothing"), field="reason")
    return reason, report

class Maintenance(AnchorKeeper):
    if TYPE_CHECKING:
        def _write(self, *, chained: bool = True) -> ContextManager[sqlite3.Connection]: ...
        def _migrate(self) -> None: ...
        def _append(self, c: sqlite3.Connection, order_no: str | None, kind: str, at: datetime | str,
                    body: Mapping[str, object], tail: list[tuple[int, str, str]] | None = None,
                    ) -> tuple[int, Mapping[str, object], str]: ...

    def verify(self, *, quick: bool = False) -> VerifyReport:
        """The whole chain, projection, file and anchor; a clean one writes the checkpoint
        (ledger/checkpoint.py). `quick`: from the checkpoint on, or in full when there is
        none."""
        from kameng_tui.ledger import checkpoint as cp
        from kameng_tui.ledger.verify import hash_at, verify

        with self._lock:
            if quick:
                since = self.verify_since_checkpoint()
                if since is not None:
                    return since
            report = verify(self._conn, self.anchor_path, self.ledger_id, copies=self._copies())
            if not report.ok or report.events == 0:
                return report
            last_hash = hash_at(self._conn, report.events) or ""
        from kameng_tui.domain.clock import SystemClock, utc_text

        made = cp.Checkpoint(self.ledger_id, report.events, last_hash, utc_text(SystemClock().now()))
        written = not self.read_only and cp.write_checkpoint(cp.path_beside(self.anchor_path), made)
        return dataclasses.replace(report, checkpoint=made.as_dict() if written else {})

    def verify_since_checkpoint(self) -> VerifyReport | None:
        """`verify(quick=True)` when there is a checkpoint (cheap: the app's start runs it),
        None when there is none: the caller decides whether a full verify is worth it."""
        from kameng_tui.ledger import checkpoint as cp
        from kameng_tui.ledger.verify_quick import verify_quick

        held = cp.read_checkpoint(cp.path_beside(self.anchor_path))
        if held is None:
            return None
        with self._lock:
            return verify_quick(self._conn, self.ledger_id, self._copies(), held)

    def _copies(self) -> list[tuple[str, Path, bool]]:
        """(where, path, required) of each copy of the anchor, as verify checks them."""
        return [(where, path, where in self._required) for where, path in self.anchor_paths.items()]

    # --- the one way on from a restore ----------------------------------------------------------
    def accept_restore(self, reason: str, *, at: datetime, code: str = "accepted",
                       params: Mapping[str, str | int] | None = None) -> AnchorReset:
        """Record a chained `anchor_reset` event holding the anchor moved past and the
        person's reason, then anchor every copy at it. Refused (ChainBroken, exit 4) when
        the chain itself is broken: only an anchor ahead of or beside an intact chain is
        moved past. `code` is "accepted" (accept-restore) or "restored_file" (restore)."""
        reason, report = reset_reason(reason, self.verify, code)
        with self._anchor_lock:
            old = {where: read_anchor(path) for where, path in self.anchor_paths.items()}
            body_params: dict[str, str | int] = dict(params or {})
            for where, a in old.items():
                body_params[f"{where}_seq"] = -1 if a is None else a.seq
                body_params[f"{where}_hash"] = "" if a is None else a.hash
                body_params[f"{where}_ledger_id"] = "" if a is None else a.ledger_id
            with self._write(chained=False) as c:
                last = c.execute("SELECT seq, at FROM events ORDER BY seq DESC LIMIT 1").fetchone()
                chain_seq = last[0] if last else 0
                if chain_seq != report.events:
                    raise LedgerBusy(Msg("err.ledger.busy"))     # the chain moved since verify: run it again
                body_params["chain_seq"] = chain_seq
                seq, _, _ = self._append(c, None, RESET_KIND, at, {"code": code, "params": body_params, "reason": reason})
                new = Anchor(self.ledger_id, seq, self._hash_at(seq, c) or "")
            for path in self.anchor_paths.values():
                write_anchor(path, new)
            remove_checkpoint(path_beside(self.anchor_path))   # it vouched for the chain moved past
            for where in self.anchor_paths:
                self.set_meta(f"anchored.{where}", "1")
            self._required = frozenset(self.anchor_paths)
        return AnchorReset(seq=seq, chain_seq=chain_seq, chain_at=from_utc_text(last[1]) if last else None,
                           old={w: None if a is None else a.as_dict() for w, a in old.items()})

    def restore_from(self, source: Path, reason: str, *, at: datetime) -> AnchorReset:
        """Copy a backup over this ledger (SQLite's backup API, so other processes with it
        open read the new content, never a torn file), then accept it. The file's own
        chain is verified first: a broken one is refused (ChainBroken) and nothing copied."""
        from kameng_tui.ledger.verify import verify

        source = Path(source)
        if not reason.strip():
            raise BadInput(Msg("err.ledger.reset_reason"), field="reason")
        if not source.is_file():
            raise BadInput(Msg("err.ledger.restore_file", path=str(source)), field="file")
        try:
            src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
            try:
                src_id = src.execute("SELECT value FROM meta WHERE key = 'ledger_id'").fetchone()
                if src_id is None:
                    raise sqlite3.DatabaseError("no ledger_id")
                report = verify(src, source.with_name(source.name + ".no-anchor"), src_id[0], copies=[])
                if not report.intact:
                    raise ChainBroken(Msg("err.ledger.chain_broken", n=len(report.problems)), problems=report.problems)
                with self._lock:
                    src.backup(self._conn)
            finally:
                src.close()
        except sqlite3.DatabaseError:
            raise BadInput(Msg("err.ledger.restore_file", path=str(source)), field="file") from None
        self._migrate()
        self.ledger_id = self.meta("ledger_id") or ""
        return self.accept_restore(reason, at=at, code="restored_file", params={"file": source.name})

    def backup(self, dest: Path | None = None, suffix: str = "") -> Path:
        from kameng_tui.domain.clock import SystemClock

        if dest is None:
            folder = self.path.parent / "backups"
            folder.mkdir(mode=0o700, exist_ok=True)
            stamp = SystemClock().now().strftime("%Y%m%dT%H%M%S%fZ")
            dest = folder / f"ledger-{stamp}{suffix}.db"
        old = os.umask(0o077)
        try:
            with self._lock:
                self._conn.execute("VACUUM INTO ?", (str(dest),))
        finally:
            os.umask(old)
        os.chmod(dest, 0o600)
        return Path(dest)
