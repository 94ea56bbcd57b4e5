"""The order state machine of DESIGN.md, with one addition from issue 7.

pending   = never sent.            submitted = maybe sent.
unknown   = the reply was lost or unreadable; reconcile by query, never re-send
            under a new number.
`submitted -> pending` exists only for rejections the supplier states happened
before the order was read (bad signature, clock skew, rate limit): nothing was
created, so the order waits, unsent, for an explicit resume.
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
    S.PENDING: frozenset({S.SUBMITTED, S.CANCELLED}),
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
