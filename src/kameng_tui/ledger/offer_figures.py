"""The order figures the catalog shows per offer (issue 18), read in one pass each
when the catalog index is built: delivery samples per SKU with their settle times
(domain/offer_stats.py's window, the 秒到 badge over all of a product's offers) and
each supplier's recent call outcomes (domain/supplier_health.py).

A call outcome is what our own orders recorded: a succeeded order is a successful
call at its settle time; a failed one carries the supplier's code (auth_failed,
clock_skew, any other) at its last update; an order whose outcome is unknown is an
unknown call. A balance snapshot is a successful call too (the fetch answered).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from kameng_tui.domain.clock import from_utc_text, utc_text
from kameng_tui.domain.offer_stats import WINDOW_ORDERS, DeliverySample
from kameng_tui.domain.supplier_health import Call, CallKind, call_kind

if TYPE_CHECKING:
    from kameng_tui.ledger.sqlite import SqliteLedger


class OfferFigureReads:
    """Mixed into CatalogCache: reads on the ledger's file, nothing written."""

    _ledger: "SqliteLedger"

    def delivery_windows(self, since: datetime) -> dict[str, list[DeliverySample]]:
        """Per SKU: its settled orders (succeeded or failed) settled since `since`, newest
        first, at most WINDOW_ORDERS of them."""
        out: dict[str, list[DeliverySample]] = {}
        with self._ledger.reading() as conn:
            rows = conn.execute(
                "SELECT sku, state, submitted_at, settled_at FROM orders WHERE state IN ('succeeded', 'failed') "
                "AND settled_at IS NOT NULL AND settled_at >= ? ORDER BY settled_at DESC, seq DESC",
                (utc_text(since),)).fetchall()
        for sku, state, sub, settled in rows:
            samples = out.setdefault(sku, [])
            if len(samples) >= WINDOW_ORDERS:
                continue
            at = from_utc_text(settled)
            secs = None if sub is None else (at - from_utc_text(sub)).total_seconds()
            samples.append(DeliverySample(at, secs, state == "succeeded"))
        return out

    def supplier_calls(self, since: datetime) -> dict[str, list[Call]]:
        """Per supplier: the outcomes of its calls since `since` that our orders and
        balance snapshots recorded, oldest first."""
        out: dict[str, list[Call]] = {}
        with self._ledger.reading() as conn:
            orders = conn.execute(
                "SELECT supplier, state, reason, COALESCE(settled_at, updated_at) FROM orders "
                "WHERE updated_at >= ? AND state IN ('succeeded', 'failed', 'unknown')", (utc_text(since),)).fetchall()
            balances = conn.execute("SELECT supplier, at FROM balances WHERE at >= ?", (utc_text(since),)).fetchall()
        for supplier, state, reason, at in orders:
            kind = CallKind.SUCCESS if state == "succeeded" else CallKind.UNKNOWN if state == "unknown" else \
                call_kind(reason or "failed")
            out.setdefault(supplier, []).append(Call(from_utc_text(at), kind))
        for supplier, at in balances:
            out.setdefault(supplier, []).append(Call(from_utc_text(at), CallKind.SUCCESS))
        for calls in out.values():
            calls.sort(key=lambda c: c.at)
        return out
