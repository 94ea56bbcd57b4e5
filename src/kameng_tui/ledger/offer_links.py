"""Manual offer links (issue 18): `match link` / `match unlink` corrections of the
matching rule, kept in the ledger and applied at every sync.

A link changes which supplier's goods an order of a product buys, so each one is
audited like an order: a chained event (`offer_link`, `offer_unlink`, order number
NULL) is appended in the same transaction as the `offer_links` row changes, the table
is a projection of those events, and `ledger verify` rebuilds it and reports a row
that differs (`link_problems`). A ledger whose anchor no longer matches refuses a link
as it refuses any chained write. A mixin of `SqliteLedger`; the SQL stays here.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import datetime
from typing import TYPE_CHECKING, ContextManager, Mapping

from kameng_tui.domain.offer_match import Link
from kameng_tui.ledger.problems import Problem

LINK_KIND, UNLINK_KIND = "offer_link", "offer_unlink"


class OfferLinks:
    if TYPE_CHECKING:
        import threading

        _lock: threading.RLock
        _conn: sqlite3.Connection

        def _write(self, *, chained: bool = True) -> ContextManager[sqlite3.Connection]: ...
        def _append(self, c: sqlite3.Connection, order_no: str | None, kind: str, at: datetime | str,
                    body: Mapping[str, object], tail: list[tuple[int, str, str]] | None = None,
                    ) -> tuple[int, Mapping[str, object], str]: ...

    def offer_links(self) -> list[Link]:
        with self._lock:
            rows = self._conn.execute("SELECT sku, target FROM offer_links ORDER BY sku").fetchall()
        return [Link(sku, target) for sku, target in rows]

    def set_offer_link(self, sku: str, target: str | None, *, at: datetime) -> None:
        """`sku` joins `target`'s product (None: stands alone), replacing its earlier link."""
        with self._write() as c:
            _, _, at_text = self._append(c, None, LINK_KIND, at, {"sku": sku, "target": target})
            c.execute("INSERT INTO offer_links (sku, target, at) VALUES (?, ?, ?) "
                      "ON CONFLICT (sku) DO UPDATE SET target = excluded.target, at = excluded.at",
                      (sku, target, at_text))

    def remove_offer_link(self, sku: str, *, at: datetime) -> Link | None:
        """The link removed, or None when `sku` had none (then nothing is written)."""
        with self._write() as c:
            row = c.execute("SELECT target FROM offer_links WHERE sku = ?", (sku,)).fetchone()
            if row is None:
                return None
            self._append(c, None, UNLINK_KIND, at, {"sku": sku, "target": row[0]})
            c.execute("DELETE FROM offer_links WHERE sku = ?", (sku,))
        return Link(sku, row[0])


def links_from_events(conn: sqlite3.Connection) -> dict[str, str | None]:
    """The links the chained events make, in seq order (what the table must hold)."""
    links: dict[str, str | None] = {}
    for kind, body in conn.execute("SELECT kind, body FROM events WHERE kind IN (?, ?) ORDER BY seq",
                                   (LINK_KIND, UNLINK_KIND)):
        doc = json.loads(body)
        if kind == LINK_KIND:
            links[doc["sku"]] = doc["target"]
        else:
            links.pop(doc["sku"], None)
    return links


def link_problems(conn: sqlite3.Connection) -> list[Problem]:
    """A row of `offer_links` that is not what the events make of it, by SKU."""
    if conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'offer_links'").fetchone() is None:
        return []                        # a ledger read before its migration: no links yet
    try:
        want = links_from_events(conn)
        have = dict(conn.execute("SELECT sku, target FROM offer_links").fetchall())
    except (sqlite3.Error, ValueError, KeyError) as exc:
        return [Problem("projection_error", detail=str(exc))]
    return [Problem("link_diff", detail=f"{sku}: {have.get(sku, '-')} / {want.get(sku, '-')}")
            for sku in sorted(set(want) | set(have)) if want.get(sku, "-") != have.get(sku, "-")]
