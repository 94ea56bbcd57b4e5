"""Which offer an order used and why (issue 18), as `order`, `show` and the confirmation
prompt print it: read back from the order's creating event (`Choice.record()`), so
history says it from data alone, in the reader's language."""

from __future__ import annotations

from typing import Any, Mapping

from kameng_tui.cli.output import Out
from kameng_tui.domain.offer_choice import Choice
from kameng_tui.domain.offer_record import record_in, skip_msgs, why_of


def recorded_offer(ctx: Any, order_no: str) -> Mapping[str, Any] | None:
    """The choice the creating event holds; None for an order of a SKU as such."""
    return record_in(ctx.orders.events(order_no))


def offer_json(out: Out, record: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """`offer` of `order --json` / `show --json`: the record as held, plus `message`
    (why the offer won, in the reader's language)."""
    if record is None:
        return None
    why = why_of(record)
    return {**dict(record), "message": None if why is None else out.show(why)}


def print_offer(out: Out, record: Mapping[str, Any] | None) -> None:
    why = why_of(record)
    if why is None:
        return
    con = out.console()  # type: ignore[no-untyped-call]  # rich is imported only where people read
    con.print(out.t("offer.order_line", why=why), markup=False)
    for line in skip_msgs(record):
        con.print(out.t("offer.order_skip", line=line), markup=False)


def print_choice(out: Out, choice: Choice | None) -> None:
    """The choice before the confirmation prompt: which offer and why."""
    if choice is not None and choice.chosen is not None:
        print_offer(out, choice.record())
