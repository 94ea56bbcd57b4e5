"""Failover's refusals (issue 18), raised by the store inside the intent's transaction
and by the failover service: a failed order is followed by at most one next attempt,
and only an order that holds nothing (failed or cancelled) may be followed at all.

Both are checked where two terminals cannot both pass: in the write transaction that
records the attempt, enforced by the `order_attempts` primary key.
"""

from __future__ import annotations


from kameng_tui.domain.choice_errors import NextOfferPricier
from kameng_tui.domain.errors import BadInput
from kameng_tui.domain.offer_choice import Choice
from kameng_tui.messages import Localized, Msg


class AttemptTaken(BadInput):
    """The order was followed by a next attempt already (`order_no`): another terminal
    failed it over first. Nothing new was recorded; the caller follows that attempt."""

    code = "attempt_taken"

    def __init__(self, message: Localized, *, attempt_of: str, order_no: str, **kw: object) -> None:
        super().__init__(message, **kw)  # type: ignore[arg-type]  # kw: only KamengError's keywords
        self.attempt_of, self.order_no = attempt_of, order_no

    def details(self) -> dict[str, object]:
        return {"attempt_of": self.attempt_of, "order_no": self.order_no}


class AttemptRefused(BadInput):
    """The order named by `attempt_of` may still deliver (or does not exist): a next
    attempt would risk paying twice. Nothing recorded. Exit 3 when it is not settled
    (reconcile it first)."""

    code = "attempt_refused"

    def __init__(self, message: Localized, *, attempt_of: str, state: str | None, **kw: object) -> None:
        super().__init__(message, **kw)  # type: ignore[arg-type]  # kw: only KamengError's keywords
        self.attempt_of, self.state = attempt_of, state
        if state in ("pending", "submitted", "processing", "unknown"):
            self.exit_code = 3

    def details(self) -> dict[str, object]:
        return {"attempt_of": self.attempt_of, "state": self.state}


class NotReorderable(BadInput):
    """`order reorder`: the order is not a failure with nothing owed (or was re-ordered)."""

    code = "not_reorderable"

    def __init__(self, message: Localized, *, order_no: str, **kw: object) -> None:
        super().__init__(message, **kw)  # type: ignore[arg-type]  # kw: only KamengError's keywords
        self.order_no = order_no

    def details(self) -> dict[str, object]:
        return {"order_no": self.order_no}


class FailoverPricier(NextOfferPricier):
    """After `order_no` failed with nothing charged, the next offer costs more than the
    confirmed cost plus `max_price_rise`: the CLI stops (exit 1, nothing owed), the TUI
    asks again at the new cost."""

    def __init__(self, choice: Choice, order_no: str) -> None:
        super().__init__(choice)
        self.order_no = order_no

    def details(self) -> dict[str, object]:
        return {**super().details(), "order_no": self.order_no}


def attempt_taken(attempt_of: str, order_no: str) -> AttemptTaken:
    return AttemptTaken(Msg("err.attempt.taken", attempt_of=attempt_of, order_no=order_no),
                        attempt_of=attempt_of, order_no=order_no, field="attempt_of")


def attempt_refused(attempt_of: str, state: str | None) -> AttemptRefused:
    key = "err.attempt.no_order" if state is None else "err.attempt.may_deliver"
    return AttemptRefused(Msg(key, attempt_of=attempt_of, state=state or ""), attempt_of=attempt_of, state=state,
                          field="attempt_of")


