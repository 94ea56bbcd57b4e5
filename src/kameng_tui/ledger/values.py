"""The values the ledger's ports take and return (ledger/ports.py): plain frozen
dataclasses, the same whichever store implements the ports (SQLite today, a shared
PostgreSQL ledger tomorrow)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Mapping

from kameng_tui.domain.models import Delivery
from kameng_tui.domain.states import OrderState
from kameng_tui.ledger.problems import Problem


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
    batch_id: int | None = None        # an attempt on a line of a recorded batch (failover): its batch
    sealed: Mapping[str, bytes] = field(default_factory=dict)  # encrypted fields (address)
    fingerprint: str | None = None     # what the ref stands for (domain.idempotency); None: from the fields above
    offer: Mapping[str, object] | None = None   # the offer chosen and why (Choice.record()); None: a SKU ordered as such
    repeat_skus: tuple[str, ...] = ()  # the other SKUs of its product: the repeat window counts them too (not hashed)


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
    reason: Mapping[str, object] | str | None = None   # new events: domain.reasons.Reason.body(); str: older callers
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
    problems: tuple[Problem, ...]      # each names a seq, an order (and column) or an anchor copy
    first_bad_seq: int | None = None
    anchor: Mapping[str, object] = field(default_factory=dict)
    quick_check: str = "ok"
    intact: bool = True                # chain, projection and file hold: any problem is the anchor's
    resets: tuple[Mapping[str, object], ...] = ()   # anchor_reset events: {seq, at, code, params, reason}
    quick: bool = False                # `--quick`: checked from `checkpoint` on (quick_check not run)
    checkpoint: Mapping[str, object] = field(default_factory=dict)  # the one used, or the one a clean full verify wrote


@dataclass(frozen=True)
class AnchorReset:
    """An accepted restore: the chained `anchor_reset` event at `seq`, recorded after
    the restored chain's last event `chain_seq` (time `chain_at`, None for an empty
    chain); `old` holds each copy of the anchor it moved past (None: missing)."""

    seq: int
    chain_seq: int
    chain_at: datetime | None
    old: Mapping[str, Mapping[str, object] | None]


@dataclass(frozen=True)
class Change:
    """One entry of the change feed (`MetaStore.changes_since`): an event appended to
    the chain, by this process or another one (cron's reconcile, a second terminal)."""

    seq: int
    order_no: str | None
    kind: str                          # "created", a state, "anomaly", "batch", ...


@dataclass(frozen=True)
class TeamStatus:
    """A team terminal's server and mirror (issue 20, ledger/pg/terminal.py), as the header
    shows them: reachable or not (and libpq's reason), when the mirror last synced, whether
    a chain that does not extend it stopped it."""

    online: bool
    where: str
    synced_at: datetime | None
    reason: str | None = None
    mirror_stopped: bool = False
