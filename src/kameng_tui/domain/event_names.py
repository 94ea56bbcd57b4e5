"""Order states and event kinds for people: `state.*` and `event.*` in the catalog.

The ledger, `--json` and `--state` keep the English identifiers (succeeded, created);
a person reads them in their language (one language at a time, issue 15). A kind we
do not know (an event written by a later version) is shown as it is stored.
"""

from __future__ import annotations

from kameng_tui.domain.states import OrderState
from kameng_tui.messages import Localized, Msg, Plain

EVENT_KINDS = frozenset({"created", "resend", "unsent", "anomaly", "customer_refund", "revealed"})


def state_label(state: OrderState | str) -> Localized:
    value = state.value if isinstance(state, OrderState) else state
    return Msg(f"state.{value}") if value in OrderState._value2member_map_ else Plain(value)


def event_label(kind: str) -> Localized:
    """An event of an order's timeline: a state it moved to, or another kind of event."""
    if kind in OrderState._value2member_map_:
        return Msg(f"state.{kind}")
    return Msg(f"event.{kind}") if kind in EVENT_KINDS else Plain(kind)
