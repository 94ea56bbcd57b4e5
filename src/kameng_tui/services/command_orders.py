"""Which orders one command recorded or began to send, so a failure can say what happened
to the money.

A command that fails half-way (disk full, Ctrl-C, a lock, a bug) must not report "internal
error" for an order that was charged, nor "nothing ordered" for one that was recorded. The
services note every order number here *before* the write that records or sends it; the
face then reads each one's state back from the ledger: absent (nothing recorded), pending
(recorded, never sent: `order resume`), submitted/unknown (may have reached the supplier:
reconcile), processing or final (the supplier answered: that is the outcome).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from kameng_tui.domain.states import OrderState

if TYPE_CHECKING:  # pragma: no cover
    from kameng_tui.domain.models import Order
    from kameng_tui.ledger.ports import OrderStore

S = OrderState
IN_DOUBT = (S.SUBMITTED, S.UNKNOWN)
"""The request may have left and no answer is recorded: never re-order; reconcile."""


@dataclass
class CommandOrders:
    """Per command (one per Context): order numbers, in the order they were touched."""

    numbers: dict[str, None] = field(default_factory=dict)
    """Insertion-ordered set: a 1,000-line batch touches 1,000 numbers at once."""

    def touch(self, *order_nos: str) -> None:
        """Called before the write that records or sends these orders."""
        self.numbers.update(dict.fromkeys(order_nos))

    def fates(self, ledger: "OrderStore") -> "Fates":
        """Where each touched order stands now, read back from the ledger. A ledger that
        cannot be read any more leaves every number `unreadable` (say so, assume nothing)."""
        fates = Fates()
        for n in self.numbers:
            try:
                order = ledger.get(n)
            except Exception:  # noqa: BLE001 - the disk that failed the write may fail this read
                fates.unreadable.append(n)
                continue
            if order is None:
                continue
            if order.state is S.PENDING:
                fates.not_sent.append(n)
            elif order.state in IN_DOUBT:
                fates.in_doubt.append(n)
            else:
                fates.answered.append(order)
        return fates


@dataclass
class Fates:
    not_sent: list[str] = field(default_factory=list)
    in_doubt: list[str] = field(default_factory=list)
    answered: list["Order"] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)

    @property
    def any(self) -> bool:
        return bool(self.not_sent or self.in_doubt or self.answered or self.unreadable)
