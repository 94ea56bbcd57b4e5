"""Manual offer links on the team ledger: the same chained `offer_link` /
`offer_unlink` events as the SQLite store (ledger/offer_links.py holds the event kinds
and the one fold verify uses), appended under the head-row lock in the same
transaction as the `offer_links` row. A mixin of `PgLedger`; the SQL stays here."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any, ContextManager, Mapping

from kameng_tui.domain.offer_match import Link
from kameng_tui.ledger.offer_links import LINK_KIND, UNLINK_KIND, diff_links, fold_links
from kameng_tui.ledger.problems import Problem

DDL = """
CREATE TABLE offer_links (
    sku TEXT PRIMARY KEY,          -- the SKU the correction is about
    target TEXT,                   -- the SKU whose product it joins; NULL = it stands alone
    at TEXT NOT NULL
);
"""


class PgOfferLinks:
    if TYPE_CHECKING:
        import threading

        _lock: threading.RLock
        _conn: Any

        def _write(self, *, chained: bool = True) -> ContextManager[tuple[Any, Any]]: ...
        def _append(self, c: Any, head: Any, order_no: str | None, kind: str, at: datetime | str,
                    body: Mapping[str, Any]) -> tuple[int, Any, str]: ...

    def offer_links(self) -> list[Link]:
        with self._lock:
            rows = self._conn.execute("SELECT sku, target FROM offer_links ORDER BY sku").fetchall()
        return [Link(str(sku), None if target is None else str(target)) for sku, target in rows]

    def set_offer_link(self, sku: str, target: str | None, *, at: datetime) -> None:
        with self._write() as (c, head):
            _, _, at_text = self._append(c, head, None, LINK_KIND, at, {"sku": sku, "target": target})
            c.execute("INSERT INTO offer_links (sku, target, at) VALUES (%s, %s, %s) "
                      "ON CONFLICT (sku) DO UPDATE SET target = excluded.target, at = excluded.at",
                      (sku, target, at_text))

    def remove_offer_link(self, sku: str, *, at: datetime) -> Link | None:
        with self._write() as (c, head):
            row = c.execute("SELECT target FROM offer_links WHERE sku = %s", (sku,)).fetchone()
            if row is None:
                return None
            self._append(c, head, None, UNLINK_KIND, at, {"sku": sku, "target": row[0]})
            c.execute("DELETE FROM offer_links WHERE sku = %s", (sku,))
        return Link(sku, row[0])


def pg_link_problems(conn: Any) -> list[Problem]:
    """verify's check of the links on the team ledger (inside verify's snapshot)."""
    try:
        want = fold_links((str(k), str(b)) for k, b in conn.execute(
            "SELECT kind, body FROM events WHERE kind IN (%s, %s) ORDER BY seq", (LINK_KIND, UNLINK_KIND)))
        have = {str(s): (None if t is None else str(t))
                for s, t in conn.execute("SELECT sku, target FROM offer_links").fetchall()}
    except (ValueError, KeyError) as exc:
        return [Problem("projection_error", detail=str(exc))]
    return diff_links(want, have)
