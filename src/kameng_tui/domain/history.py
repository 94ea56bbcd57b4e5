"""Values for reading the ledger: filters, pages and totals.

History pages by keyset (created_at, order_no) descending: a cursor is the last row
of the previous page, so page 500 costs what page 1 costs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from kameng_tui.domain.models import Order
from kameng_tui.domain.states import OrderState


@dataclass(frozen=True)
class HistoryFilter:
    since: datetime | None = None        # inclusive, UTC
    until: datetime | None = None        # exclusive, UTC
    states: tuple[OrderState, ...] = ()
    supplier: str | None = None
    account: str | None = None           # exact match on the account field
    ref: str | None = None
    customer: str | None = None
    sku: str | None = None
    batch_id: int | None = None
    search: str | None = None            # FTS5 over name, account, ref, customer, note, order_no
    order_nos: tuple[str, ...] | None = None   # only these orders (history's claims view); () selects none
    exclude_suppliers: tuple[str, ...] = ()   # reports without the demo beside a real supplier


@dataclass(frozen=True)
class Page:
    items: tuple[Order, ...]
    next_cursor: str | None              # opaque; None = no more rows
    total: int | None = None             # filled when asked for (it costs a COUNT)


@dataclass(frozen=True)
class Totals:
    orders: int = 0
    succeeded: int = 0
    failed: int = 0
    in_flight: int = 0
    revenue: Decimal = Decimal("0.0000")
    cost: Decimal = Decimal("0.0000")      # quoted total cost
    charged: Decimal = Decimal("0.0000")
    refunded: Decimal = Decimal("0.0000")
    profit: Decimal = Decimal("0.0000")


@dataclass(frozen=True)
class GroupTotals:
    key: str                               # a day (YYYY-MM-DD, business zone), category, supplier, customer
    totals: Totals


@dataclass(frozen=True)
class Event:
    seq: int
    order_no: str | None
    kind: str
    at: datetime
    body: dict[str, Any] = field(default_factory=dict)
    prev_hash: str = ""
    hash: str = ""
