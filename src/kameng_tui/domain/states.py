"""The order state machine of DESIGN.md, with one addition from issue 7.

pending   = never sent.            submitted = maybe sent.
unknown   = the reply was lost or unreadable; reconcile by query, never re-send
            under a new number.
`submitted -> pending` exists only for rejections the supplier states happened
before the order was read (bad signature, clock skew, rate limit): nothing was
created, so the order waits, unsent, for an explicit resume.
`pending -> unknown` (issue 14) exists only for such an order, once submitted: a query
found it at the supplier after all. The ledger refuses it for an order never submitted.
"""

from __future__ import annotations

from enum import Enum


class OrderState(str, Enum):
    PENDING = "pending"
    SUBMITTED = "submitted"
    PROCESSING = "processing"
    UNKNOWN = "unknown"
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"

    def __str__(self) -> str:  # pragma: no cover - trivial
        return self.value


S = OrderState

TRANSITIONS: dict[OrderState, frozenset[OrderState]] = {
    S.PENDING: frozenset({S.SUBMITTED, S.CANCELLED, S.UNKNOWN}),
    S.SUBMITTED: frozenset({S.PROCESSING, S.UNKNOWN, S.SUCCEEDED, S.FAILED, S.PENDING}),
    S.UNKNOWN: frozenset({S.PROCESSING, S.SUCCEEDED, S.FAILED}),
    S.PROCESSING: frozenset({S.SUCCEEDED, S.FAILED}),
    S.SUCCEEDED: frozenset({S.REFUNDED}),
    S.FAILED: frozenset({S.REFUNDED}),
    S.CANCELLED: frozenset(),
    S.REFUNDED: frozenset(),
}

SETTLED = frozenset({S.SUCCEEDED, S.FAILED, S.CANCELLED, S.REFUNDED})
IN_FLIGHT = frozenset({S.SUBMITTED, S.UNKNOWN, S.PROCESSING})
"""States reconcile queries: the supplier may hold the order."""
UNSETTLED = frozenset({S.PENDING}) | IN_FLIGHT


def once_submitted(order: object) -> bool:
    """A pending order that was submitted once (its chained events hold a `submitted`,
    so the projection's submitted_at is set) and came back unsent: the supplier refused
    it before reading it, or so it said. It is never sent again by itself, and a query
    comes before any resend."""
    return getattr(order, "state", None) is OrderState.PENDING and getattr(order, "submitted_at", None) is not None


class IllegalTransition(ValueError):
    def __init__(self, old: OrderState, new: OrderState) -> None:
        super().__init__(f"illegal order transition {old.value} -> {new.value}")
        self.old, self.new = old, new


def check_transition(old: OrderState, new: OrderState) -> None:
    """Raise IllegalTransition unless DESIGN.md allows old -> new."""
    if new not in TRANSITIONS[OrderState(old)]:
        raise IllegalTransition(OrderState(old), OrderState(new))


def can_transition(old: OrderState, new: OrderState) -> bool:
    return new in TRANSITIONS[OrderState(old)]
