"""What the shell face says, and which exit code it returns, when a command fails half-way.

The exit code follows what happened to the money, read back from the ledger for every
order the command recorded or sent (services/command_orders.py), not only what went wrong:

- nothing recorded: the error's own code (2 bad input, disk full or read-only, "nothing
  ordered"; 5 busy; 70 a bug);
- recorded, never sent (pending): the error's own code, naming each order and the command
  that sends it (`kameng-tui order resume KM...`);
- sent and not answered (submitted/unknown): 3, naming the orders: never re-order, reconcile;
- the supplier's answer recorded: the real outcome (0/1/3) and the failure as a warning;
- Ctrl-C: 130, naming the orders likewise; a tampered ledger: 4.

Errors are classified by type, SQLite's error code or errno (ledger/connection.py), never
by message text.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable

from kameng_tui.cli.output import Out, exit_code_for, order_json
from kameng_tui.domain.errors import (InternalError, Interrupted, KamengError, LedgerTampered, StorageError)
from kameng_tui.domain.event_names import state_label
from kameng_tui.messages import Joined, Localized, Msg
from kameng_tui.services.command_orders import Fates

if TYPE_CHECKING:
    from kameng_tui.services.shop import Entry, Shop

log = logging.getLogger("kameng_tui")


def typed_error(exc: BaseException, where: Path | None = None,
                classify: Callable[[BaseException, Path | None], KamengError | None] | None = None) -> KamengError:
    """The user-facing error for anything that reached the face."""
    if isinstance(exc, KamengError):
        return exc
    if isinstance(exc, KeyboardInterrupt):
        return Interrupted(Msg("err.cli.interrupted"))
    from kameng_tui.domain.os_failure import os_failure

    # the ledger's own failures arrive typed (ledger/connection.py); the shop's classifier when open
    found = os_failure(exc, where) if classify is None else classify(exc, where)
    if found is not None:
        log.warning("storage failure: %r", exc)
        return found
    return InternalError(Msg("err.internal.cli", kind=type(exc).__name__))


def report_failure(exc: BaseException, ctx: Shop | None, out: Out, entry: Entry | None = None) -> int:
    """Print the failure (with what became of the command's orders) and return the exit code.
    `ctx` is None when the shop never opened; `entry` then classifies a storage failure."""
    where = None if ctx is None else ctx.settings_view.data_dir
    classify = ctx.ledger_status.storage_failure if ctx is not None else entry.storage_failure if entry else None
    err = typed_error(exc, where, classify)
    fates = Fates() if ctx is None or not ctx.orders.touched() else ctx.orders.command_fates()
    if isinstance(err, Interrupted):
        return _error(out, err, fates, 130, pending_key="cli.fail.pending")
    if isinstance(err, LedgerTampered):
        return _error(out, err, fates, err.exit_code)
    if fates.in_doubt or fates.unreadable:
        return _error(out, err, fates, 3)
    if fates.answered and not fates.not_sent:
        return _outcome(out, ctx, err, fates)
    return _error(out, err, fates, err.exit_code)


def _error(out: Out, err: KamengError, fates: Fates, code: int, pending_key: str = "cli.fail.not_sent") -> int:
    lines: list[Localized] = [Msg(pending_key, order_no=n) for n in fates.not_sent]
    lines += [Msg("cli.fail.in_doubt", order_no=n) for n in fates.in_doubt]
    lines += [Msg("cli.fail.unreadable", order_no=n) for n in fates.unreadable]
    lines += [Msg("cli.fail.answered", order_no=o.order_no, state=state_label(o.state)) for o in fates.answered]
    shown: Localized = err.msg
    if lines:
        shown = Msg("cli.fail.joined", problem=err.msg, orders=Joined(lines))
    elif isinstance(err, StorageError):
        shown = Msg("cli.fail.nothing_ordered", problem=err.msg)
    extra = None
    if fates.any:
        extra = {"not_sent": fates.not_sent, "in_doubt": fates.in_doubt + fates.unreadable,
                 "answered": [o.order_no for o in fates.answered]}
    out.error(err, extra, message=shown)
    return code


def _outcome(out: Out, ctx: Any, err: KamengError, fates: Fates) -> int:
    """The supplier answered and that answer is committed; something failed after it (the
    anchor hit a full disk, say). The order's outcome is what the user needs: show it, as
    the command would have, with the failure as a warning."""
    warning = Msg("cli.fail.after_answer", problem=err.msg)
    orders = fates.answered
    from kameng_tui.cli.offer_lines import offer_json, recorded_offer
    from kameng_tui.cli.orders import anomalies_json, print_anomalies, print_order

    if out.json_mode:
        if len(orders) == 1:
            out.doc(order=order_json(orders[0], out.lang), existed=False, warnings=[out.show(warning)],
                    anomalies=anomalies_json(out, ctx, orders[0].order_no),
                    offer=offer_json(out, recorded_offer(ctx, orders[0].order_no)))
        else:
            out.items([order_json(o, out.lang) for o in orders], warnings=[out.show(warning)])
    else:
        for o in orders:
            print_order(out, ctx, o)
            print_anomalies(out, ctx, o.order_no)
        out.err_console().print(f"[yellow]{out.show(warning)}[/]")
    return max(exit_code_for(o.state) for o in orders)
