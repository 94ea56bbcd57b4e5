"""The store interface services use. SQLite implements it today (ledger/sqlite.py);
a shared PostgreSQL ledger could implement it tomorrow.

Every state change is a compare-and-set on the expected state with its event
appended in the same transaction: zero rows changed -> no event, no error (False).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import ContextManager, Mapping, Protocol, Sequence

from kameng_tui.domain.errors import AnchorMismatch
from kameng_tui.domain.history import Event, GroupTotals, HistoryFilter, Page, Totals
from kameng_tui.domain.models import Delivery, Order
from kameng_tui.domain.states import OrderState


@dataclass(frozen=True)
class NewOrder:
    """An intent: recorded `pending` before anything is sent."""

    order_no: str
    sku: str
    supplier: str
    product_id: str
    product_name: str
    category: str
    delivery: Delivery
    quantity: int
    account: Mapping[str, str]         # plain fields (sealed ones appear masked)
    unit_cost: Decimal
    unit_price: Decimal
    request_json: str                  # canonical PlaceRequest, re-sent byte for byte
    ref: str | None = None
    customer: str | None = None
    note: str | None = None
    line_id: int | None = None
    attempt_of: str | None = None
    sealed: Mapping[str, bytes] = field(default_factory=dict)  # encrypted fields (address)
    fingerprint: str | None = None     # what the ref stands for (domain.idempotency); None: from the fields above


@dataclass(frozen=True)
class NewBatch:
    identity: str                      # sha256 of the normalized lines
    source: str                        # file name or "-"
    line_count: int
    again: bool = False                # run the same lines once more (next repeat_no)


@dataclass(frozen=True)
class RepeatGuard:
    """The repeat window, checked by the store inside the intent's transaction: no
    intent for a (SKU, every account field) ordered since `since`, in the ledger or on
    an earlier line of the same write. Cancelled orders and failed ones with nothing
    charged do not count. Pass None only for an explicit `again`."""

    since: datetime
    window_s: int


@dataclass(frozen=True)
class GuardDuplicate:
    """Found by the V4 migration: a second root order under one ref, or a second batch
    with the same lines, recorded before the store enforced the guards."""

    kind: str                          # "ref" | "batch"
    key: str                           # the ref, or the batch identity
    kept: str                          # the earliest order number / batch id
    duplicate: str                     # the later one


@dataclass(frozen=True)
class Batch:
    batch_id: int
    identity: str
    source: str
    line_count: int
    created_at: datetime
    counts: Mapping[str, int]          # state -> number of orders


@dataclass(frozen=True)
class SealedCard:
    """A delivered card as stored: number plain-or-sealed, password sealed (AES-GCM)."""

    index: int
    number_blob: bytes
    password_blob: bytes
    expires: str | None = None


@dataclass(frozen=True)
class Transition:
    """Fields a state change may set. None = leave as is."""

    charged: Decimal | None = None
    refunded: Decimal | None = None
    supplier_order_no: str | None = None
    reason: str | None = None
    delivered_qty: int | None = None
    cards: tuple[SealedCard, ...] = ()


@dataclass(frozen=True)
class Move:
    """One compare-and-set of `transition_many`."""

    order_no: str
    expected: OrderState
    new: OrderState
    change: Transition = Transition()


@dataclass(frozen=True)
class VerifyReport:
    ok: bool
    events: int
    problems: tuple[str, ...]          # each names a seq, an order or the anchor
    first_bad_seq: int | None = None
    anchor: Mapping[str, object] = field(default_factory=dict)
    quick_check: str = "ok"
    intact: bool = True                # chain, projection and file hold: any problem is the anchor's
    resets: tuple[Mapping[str, object], ...] = ()   # anchor_reset events: {seq, at, code, params, reason}


@dataclass(frozen=True)
class AnchorReset:
    """An accepted restore: the chained `anchor_reset` event at `seq`, recorded after
    the restored chain's last event `chain_seq` (time `chain_at`, None for an empty
    chain); `old` holds each copy of the anchor it moved past (None: missing)."""

    seq: int
    chain_seq: int
    chain_at: datetime | None
    old: Mapping[str, Mapping[str, object] | None]


class LedgerStore(Protocol):
    ledger_id: str

    # --- writes (BEGIN IMMEDIATE, busy timeout; LedgerBusy past it) --------------
    def create_intents(self, intents: Sequence[NewOrder], batch: NewBatch | None = None, *, at: datetime,
                       repeat: RepeatGuard | None = None) -> int | None:
        """All intents (and the batch row) in one transaction; returns the batch id.

        The guards are checked in the same transaction and enforced by PRIMARY KEYs:
        a root intent with a ref raises RefExists (same values; nothing written) or
        RefConflict; a batch whose lines were recorded before raises RepeatBatch
        (RepeatBatchUnsettled with `again` while that run has unsettled lines); with
        `repeat`, an intent inside the window raises RepeatOrder."""
        ...

    def transition(self, order_no: str, expected: OrderState, new: OrderState, change: Transition = Transition(), *, at: datetime) -> bool:
        """Compare-and-set. IllegalTransition if expected -> new is not allowed."""
        ...

    def transition_many(self, moves: Sequence[Move], *, at: datetime) -> list[Order | None]:
        """Compare-and-sets in one transaction (one fsync); each returns the order as
        changed, or None where its CAS was lost."""
        ...

    def record(self, order_no: str | None, kind: str, body: Mapping[str, object], *, at: datetime) -> None:
        """A non-state event: query result, resend, anomaly, balance snapshot."""
        ...

    def customer_refund(self, order_no: str, amount: Decimal, reason: str, *, at: datetime) -> Order: ...

    # --- reads (no lock) ----------------------------------------------------------
    def get(self, order_no: str) -> Order | None: ...
    def by_ref(self, ref: str) -> list[Order]: ...
    def ref_fingerprint(self, ref: str) -> str | None: ...
    def guard_duplicates(self) -> list[GuardDuplicate]: ...
    def last_for(self, sku: str, account: str, since: datetime, fields: Mapping[str, str] | None = None) -> Order | None: ...
    def in_state(self, states: Sequence[OrderState], supplier: str | None = None) -> list[Order]: ...
    def unsettled_cost(self, supplier: str) -> Decimal: ...
    def needs_attention(self) -> list[Order]: ...
    def anomaly_orders(self) -> set[str]: ...
    def in_flight(self, supplier: str) -> bool: ...
    def sent_since(self, supplier: str, since: datetime) -> list[Order]: ...
    def ledger_anomalies(self) -> list[Event]: ...
    def find(self, states: Sequence[OrderState], since: datetime | None = None,
             category_prefix: str | None = None) -> list[Order]: ...
    def sku_counts(self, states: Sequence[OrderState], since: datetime | None = None) -> list[tuple[str, str, int]]: ...
    def history(self, flt: HistoryFilter, limit: int = 50, cursor: str | None = None, with_total: bool = False) -> Page: ...
    def totals(self, flt: HistoryFilter) -> Totals: ...
    def grouped(self, flt: HistoryFilter, by: str, zone: str) -> list[GroupTotals]: ...
    def events(self, order_no: str) -> list[Event]: ...
    def cards(self, order_no: str) -> list[SealedCard]: ...
    def sealed_fields(self, order_no: str) -> dict[str, bytes]: ...
    def last_event(self, order_no: str, kind: str) -> Event | None: ...

    # --- batches --------------------------------------------------------------------
    def batch_by_identity(self, identity: str) -> Batch | None: ...
    def get_batch(self, batch_id: int) -> Batch | None: ...
    def list_batches(self, limit: int = 50) -> list[Batch]: ...
    def batch_orders(self, batch_id: int) -> list[Order]: ...

    # --- drafts (batch entry: plain rows, never an intent) ----------------------------
    def save_draft(self, draft_id: int | None, body: str, *, at: datetime) -> int: ...
    def load_draft(self, draft_id: int | None = None) -> tuple[int, str] | None: ...
    def delete_draft(self, draft_id: int) -> None: ...

    # --- balances, meta, maintenance -------------------------------------------------
    def record_balance(self, supplier: str, amount: Decimal, *, at: datetime) -> None: ...
    def last_balance(self, supplier: str) -> tuple[Decimal, datetime] | None: ...
    def meta(self, key: str) -> str | None: ...
    def set_meta(self, key: str, value: str) -> None: ...
    def anchor_deferred(self) -> ContextManager[None]: ...
    def verify(self) -> VerifyReport: ...
    def anchor_problem(self) -> AnchorMismatch | None:
        """The AnchorMismatch chained writes would raise now, or None."""
        ...
    def accept_restore(self, reason: str, *, at: datetime, code: str = "accepted",
                       params: Mapping[str, str | int] | None = None) -> AnchorReset:
        """Move past an anchor the (intact) chain does not hold, with a chained event."""
        ...
    def restore_from(self, source: Path, reason: str, *, at: datetime) -> AnchorReset:
        """Replace the ledger with a backup file, then accept it."""
        ...
    def backup(self, dest: Path | None = None) -> Path: ...
    def close(self) -> None: ...
