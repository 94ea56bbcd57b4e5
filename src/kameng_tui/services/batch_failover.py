"""Failover of a batch's lines (issue 18): a line whose order failed with nothing
created at its supplier is followed by the next offer of its product, a new order on
the same batch line linked by `attempt_of` (services/failover.py); the line's state is
then the latest attempt's (ledger/attempts.py LATEST_OF_LINE), and `batch resume`
sends the latest attempt when it was left pending.

Re-picks are made one at a time: each new intent is recorded before the next line
re-picks, and the re-quote checks the supplier's live balance less every unsettled
order (the batch's own recorded lines included), so failing over never overdraws a
supplier by the batch's own lines.
"""

from __future__ import annotations

import asyncio
from typing import Any, Callable, Collection, Iterable, Mapping, Sequence

from kameng_tui.domain.models import Order
from kameng_tui.domain.offer_choice import Choice
from kameng_tui.domain.offer_record import record_in
from kameng_tui.services.checkout import Quotes
from kameng_tui.services.failover import Failover, Offers


def policy_lines(orders: Sequence[Order], events: Callable[[str], Iterable[Any]],
                 offers_of: Callable[[Order], Offers | None]) -> tuple[dict[str, Offers], frozenset[int]]:
    """Blocking (reads the ledger and the catalog cache): the lines of a batch the offer
    policy chose for, and their products' local offers (services/failover_offers.py).
    A line written `@ID` that nothing pinned fails over; a pinned line (`SUPPLIER:SKU` of a
    product of several offers, `[offers.pin]`) or an order of a SKU as such never does.
    A line already followed by an attempt was chosen by the policy."""
    offers: dict[str, Offers] = {}
    lines: set[int] = set()
    for order in orders:
        if order.line_id is None:
            continue
        pid = ""
        if order.attempt_of is None:
            record = record_in(events(order.order_no)) or {}
            win = record.get("win")
            if not isinstance(win, Mapping) or win.get("code") == "pinned":
                continue
            pid = str(record.get("product_id", ""))
        if pid not in offers:
            found = offers_of(order)
            if found is None:
                continue
            offers.setdefault(found.ask.product_id, found)
        lines.add(order.line_id)
    return offers, frozenset(lines)


class LineFailover:
    def __init__(self, failover: Failover, offers: Mapping[str, Offers], lines: Collection[int] | None = None) -> None:
        self.failover = failover
        self.by_sku = {o.sku: off for off in offers.values() for o in off.ask.offers}
        self.lines = lines
        """The line ids that may fail over (None: every line of an offer in `offers`)."""
        self._lock = asyncio.Lock()
        self.quotes: Quotes = {}
        """Quotes shared by the re-picks of one run (as the batch's own check shares them)."""
        self.stopped: dict[int, Choice] = {}
        """line id -> the re-pick that found no offer (the line stays failed)."""

    async def next_of(self, order: Order) -> Order | None:
        """The next attempt of a line that just failed with nothing created, recorded
        (pending, to be sent by the batch) or followed (another terminal made it); None
        when the line stays as it is."""
        offers = self.by_sku.get(order.sku)
        if self.lines is not None and order.line_id not in self.lines:
            return None
        if offers is None or not await self.failover.nothing_created(order):
            return None
        async with self._lock:
            chain = await asyncio.to_thread(self.failover.chain_of, order)
            made = await self.failover.next_attempt(chain, None, offers, quotes=self.quotes)
        if isinstance(made, Choice):
            if order.line_id is not None:
                self.stopped[order.line_id] = made
            return None
        return made
