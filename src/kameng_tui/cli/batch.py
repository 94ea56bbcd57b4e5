"""batch run|list|show|resume|cancel."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Mapping, Sequence

from kameng_tui.cli.output import YES, Out, helps, is_tty, local, order_json
from kameng_tui.domain.errors import BadInput
from kameng_tui.domain.money import fmt
from kameng_tui.domain.reasons import reason_text
from kameng_tui.domain.event_names import state_label
from kameng_tui.domain.states import IN_FLIGHT, OrderState
from kameng_tui.messages import Localized, Msg

if TYPE_CHECKING:  # pragma: no cover
    from kameng_tui.services.batch import LineProblem


def register(sub: argparse._SubParsersAction, lang: str = "zh") -> None:
    h = helps(lang)
    b = sub.add_parser("batch", help=h("help.batch")).add_subparsers(dest="batch_cmd")
    p = b.add_parser("run", help=h("help.batch.run"))
    p.add_argument("file", help=h("help.batch.run.file"))
    p.add_argument("--yes", action="store_true")
    p.add_argument("--concurrency", type=int, default=None)
    p.add_argument("--again", action="store_true", help=h("help.batch.run.again"))
    p.add_argument("--allow-duplicates", action="store_true", help=h("help.batch.run.allow_duplicates"))
    add_wait(p, lang)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_run)
    for name, handler, key in (("show", cmd_show, "help.batch.show"), ("resume", cmd_resume, "help.batch.resume"),
                               ("cancel", cmd_cancel, "help.batch.cancel")):
        p = b.add_parser(name, help=h(key))
        p.add_argument("batch_id", type=int)
        if name == "resume":
            p.add_argument("--yes", action="store_true")
            p.add_argument("--concurrency", type=int, default=None)
            add_wait(p, lang)
        p.add_argument("--json", action="store_true")
        p.set_defaults(handler=handler)
    p = b.add_parser("list", help=h("help.batch.list"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_list)


WAIT_S = 120.0
"""`--wait` without a number: long enough for a demo or an ordinary top-up."""


def add_wait(p: argparse.ArgumentParser, lang: str) -> None:
    p.add_argument("--wait", type=float, nargs="?", const=WAIT_S, default=None, metavar="S",
                   help=helps(lang)("help.batch.wait", seconds=int(WAIT_S)))


def read_input(name: str) -> str:
    if name == "-":
        data = sys.stdin.buffer.read()
    else:
        path = Path(name)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise BadInput(Msg("err.cli.unreadable_file", name=name, error=exc.strerror), field="file") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise BadInput(Msg("err.cli.not_utf8", line=line), field="file", line=line) from None


def concurrency_of(args, ctx) -> int:
    """--concurrency 1-32 (as `[checkout] default_concurrency`), else the configured one."""
    n = args.concurrency
    if n is None:
        return ctx.settings_view.checkout.default_concurrency
    if not 1 <= n <= 32:
        raise BadInput(Msg("err.cli.concurrency", n=n), field="concurrency")
    return n


def _need_yes(args, out: Out) -> None:
    if not args.yes and not is_tty():
        raise BadInput(Msg("err.cli.batch_needs_yes"), field="yes")


def _progress(out: Out):
    if out.json_mode or not sys.stderr.isatty():
        return None, None
    from rich.progress import Progress

    prog = Progress(transient=False, console=out.err_console())
    return prog, prog


async def cmd_run(args, ctx, out: Out) -> int:
    """The file parsed here, once, into lines; then the one batch use case the app's
    batch screen uses too (services/batch_order.py): this face presents and asks."""
    from kameng_tui.domain.batch_input import parse_batch
    from kameng_tui.services import batch_order

    _need_yes(args, out)
    concurrency = concurrency_of(args, ctx)
    wait = _wait_of(args)
    lines = parse_batch(read_input(args.file))
    ready = await batch_order.prepare(ctx.batch, lines, source=args.file, allow_duplicates=args.allow_duplicates,
                                      again=args.again)
    if isinstance(ready, (batch_order.AskRepeat, batch_order.Refused)):
        raise ready.error                  # a repeated batch needs --again: said as an error, exit 2
    if isinstance(ready, batch_order.Invalid):
        exc = ready.error
        if out.json_mode:
            out.error(exc, {"lines": [{"line": p.line, "field": p.field, "code": p.code, "message": out.show(p.msg),
                                       **({"suggestions": list(p.suggestions)} if p.suggestions else {})}
                                      for p in exc.problems]})
        else:
            con = out.err_console()
            con.print(f"[bold red]{exc.text(out.lang)}[/]")
            for p in exc.problems:
                con.print(out.t("cli.batch.problem", line=p.line, message=p.msg))
        return 2
    plan, asked = ready.plan, ready.confirmation
    if plan.warnings and not out.json_mode:
        con = out.console()
        for w in plan.warnings:
            con.print(out.t("cli.batch.warning", line=w.line, message=w.msg))
    if not args.yes:
        out.console().print(out.t("cli.batch.plan", n=asked.lines, cost=fmt(asked.total_cost), price=fmt(asked.total_price)))
        for share in asked.shares:          # the offer policy's split per supplier
            out.console().print("  " + out.show(share.msg), markup=False)
        if input(out.t("cli.batch.ask")).strip().lower() not in YES:
            raise BadInput(Msg("err.cli.cancelled"))

    async def run(progress):
        recorded = await batch_order.record(ctx.batch, plan)
        if not isinstance(recorded, batch_order.Recorded):
            raise recorded.error
        return await ctx.batch.send_pending(recorded.batch_id, concurrency=concurrency, progress=progress)

    outcome = await _with_progress(out, len(plan.lines), run)
    orders = await _settle(out, ctx, outcome.orders, wait)
    code = _report(out, ctx, outcome.batch_id, orders, outcome.stopped, plan.warnings)
    _hint_in_flight(out, outcome.batch_id, orders, wait)
    return code


def _wait_of(args) -> float | None:
    if args.wait is None:
        return None
    if not 0 <= args.wait <= 3600:
        raise BadInput(Msg("err.cli.wait", seconds=_secs(args.wait)), field="wait")
    return float(args.wait)


def _in_flight(orders) -> list:
    return [o for o in orders if o.state in IN_FLIGHT]


async def _settle(out: Out, ctx, orders, wait: float | None) -> list:
    """`--wait`: the lines still at the supplier are asked about (the same polling as
    `order --wait`: services/reconcile.py settle) until settled or the time is up.
    Only queries: a line is never sent again from here."""
    waiting = _in_flight(orders)
    if not wait or not waiting:
        return list(orders)
    if not out.json_mode:
        out.err_console().print(out.t("cli.batch.waiting", n=len(waiting), seconds=_secs(wait)))
    await ctx.reconcile.settle_all([o.order_no for o in waiting], wait)
    return [ctx.orders.get(o.order_no) or o for o in orders]


def _secs(seconds: float) -> str:
    return f"{seconds:g}"


def _hint_in_flight(out: Out, batch_id: int, orders, wait: float | None) -> None:
    """Exit 3 tells a script; a person is told what it means and what to do next."""
    waiting = _in_flight(orders)
    if out.json_mode or not waiting:
        return
    if wait:
        out.console().print(out.t("cli.batch.in_flight_waited", n=len(waiting), batch_id=batch_id, seconds=_secs(wait)))
    else:
        out.console().print(out.t("cli.batch.in_flight", n=len(waiting), batch_id=batch_id))


async def _with_progress(out: Out, total: int, start):
    prog, _ = _progress(out)
    if prog is None:
        return await start(None)
    with prog:
        task = prog.add_task(out.t("cli.batch.ordering"), total=total)
        return await start(lambda done, n, order: prog.update(task, completed=done, total=n))


def _report(out: Out, ctx, batch_id: int, orders, stopped: Mapping[str, Localized] | None = None,
            warnings: Sequence[LineProblem] = (), **extra: object) -> int:
    """`stopped`: suppliers this run sent no more lines to, and why (our key or clock refused);
    `warnings`: lines ordered in spite of a warning (a number of another carrier)."""
    counts: dict[str, int] = {}
    for o in orders:
        counts[o.state.value] = counts.get(o.state.value, 0) + 1
    stopped = stopped or {}
    if out.json_mode:
        out.doc(batch_id=batch_id, counts=counts, items=[order_json(o, out.lang) for o in orders], total=len(orders),
                stopped=[{"supplier": name, "message": out.show(why)} for name, why in sorted(stopped.items())],
                warnings=[{"line": w.line, "field": w.field, "code": w.code, "message": out.show(w.msg)} for w in warnings],
                **extra)
    else:
        con = out.console()
        con.print(out.t("cli.batch.counts", batch_id=batch_id, counts=state_counts(counts, out)))
        for o in orders:
            if o.state in (OrderState.FAILED, OrderState.UNKNOWN):
                con.print(f"  {o.line_id}: {o.order_no} {out.show(state_label(o.state))} {reason_text(o.reason, out.lang) or ''}")
        for name, why in sorted(stopped.items()):
            con.print(out.t("cli.batch.stopped", supplier=name, why=why, batch_id=batch_id))
    if any(o.state in (OrderState.PENDING, OrderState.SUBMITTED, OrderState.UNKNOWN, OrderState.PROCESSING) for o in orders):
        return 3
    return 1 if any(o.state is OrderState.FAILED for o in orders) else 0


async def cmd_resume(args, ctx, out: Out) -> int:
    concurrency = concurrency_of(args, ctx)
    wait = _wait_of(args)
    _, orders = ctx.batch.show(args.batch_id)
    if not any(o.state is OrderState.PENDING for o in orders):
        return await _nothing_to_resume(out, ctx, args.batch_id, orders, wait)
    _need_yes(args, out)

    def confirm(changes) -> bool:
        con = out.err_console()
        for c in changes:
            new = out.t("cli.batch.unavailable") if c.new_cost is None else fmt(c.new_cost)
            con.print(out.t("cli.batch.change", line=c.line_id, old=fmt(c.old_cost), new=new, reason=c.reason))
        if args.yes:
            return True
        return input(out.t("cli.batch.changed_ask")).strip().lower() in ("y", "yes")

    outcome = await _with_progress(out, 0, lambda cb: ctx.batch.resume(args.batch_id, confirm=confirm,
                                                                      concurrency=concurrency, progress=cb))
    orders = await _settle(out, ctx, outcome.orders, wait)
    code = _report(out, ctx, outcome.batch_id, orders, outcome.stopped, nothing_to_resume=False)
    _hint_in_flight(out, outcome.batch_id, orders, wait)
    return code


async def _nothing_to_resume(out: Out, ctx, batch_id: int, orders, wait: float | None) -> int:
    """Every line was sent (or cancelled): nothing is sent, no --yes needed; it says so,
    and the exit code is the lines' (3 while some are still at the supplier)."""
    if not out.json_mode:
        out.console().print(out.t("cli.batch.nothing_to_resume", batch_id=batch_id))
    orders = await _settle(out, ctx, orders, wait)
    code = _report(out, ctx, batch_id, orders, nothing_to_resume=True)
    _hint_in_flight(out, batch_id, orders, wait)
    return code


async def cmd_cancel(args, ctx, out: Out) -> int:
    """Exit 0: every unsent line cancelled; 3: a line left pending (the supplier could not
    be asked, or may still show it) or found in flight; 1: a line found settled at the
    supplier (it cannot be cancelled; a claim)."""
    from kameng_tui.cli.orders import anomalies_json
    from kameng_tui.domain.states import SETTLED

    outcome = await ctx.batch.cancel(args.batch_id)
    actions = ctx.pending

    def why(k) -> Msg:
        if k.status == "found":
            return Msg("batch.kept.found", state=state_label(k.order.state))
        if k.status == "not_found_yet":
            return Msg("batch.kept.not_found_yet", grace=actions.grace_s(k.order))
        return Msg("batch.kept.query_failed")

    kept = outcome.kept
    code = 3 if any(k.order.state not in SETTLED for k in kept) else 1 if kept else 0
    n = len(outcome.cancelled)
    if out.json_mode:
        out.doc(batch_id=args.batch_id, cancelled=n, not_cancelled=[
            {"line": k.order.line_id, "order_no": k.order.order_no, "state": k.order.state.value, "status": k.status,
             "message": out.show(why(k)), "anomalies": anomalies_json(out, ctx, k.order.order_no)} for k in kept])
        return code
    con = out.console()
    con.print(out.t("cli.batch.cancelled", batch_id=args.batch_id, n=n))
    for k in kept:
        con.print(out.t("cli.batch.not_cancelled", line=k.order.line_id, order_no=k.order.order_no,
                        state=state_label(k.order.state), why=why(k)))
    if any(k.status == "found" for k in kept):
        con.print(out.t("cli.batch.cancel_found"))
    if code == 3:
        con.print(out.t("cli.batch.cancel_later", batch_id=args.batch_id))
    return code


def state_counts(counts: Mapping[str, int], out: Out) -> str:
    """`成功 2  处理中 1`: each state in the reader's language, with its count."""
    return "  ".join(f"{out.show(state_label(k))} {v}" for k, v in sorted(counts.items()))


def cmd_show(args, ctx, out: Out) -> int:
    batch, orders = ctx.batch.show(args.batch_id)
    return _report(out, ctx, batch.batch_id, orders) if out.json_mode else _show_people(out, ctx, batch, orders)


def _show_people(out: Out, ctx, batch, orders) -> int:
    con = out.console()
    con.print(out.t("cli.batch.head", batch_id=batch.batch_id, source=batch.source,
                    at=local(batch.created_at, ctx.settings_view.general.timezone),
                    counts=state_counts(batch.counts, out)))
    for o in orders:
        con.print(f"  {o.line_id:>4} {o.order_no} {out.show(state_label(o.state))} {o.product_name} {o.account_text} "
                  f"{reason_text(o.reason, out.lang) or ''}")
    return 0


def cmd_list(args, ctx, out: Out) -> int:
    batches = ctx.batch.list()
    if out.json_mode:
        out.items([{"batch_id": b.batch_id, "source": b.source, "line_count": b.line_count,
                    "created_at": b.created_at.isoformat().replace("+00:00", "Z"), "counts": dict(b.counts)} for b in batches])
        return 0
    con = out.console()
    for b in batches:
        sent = sum(v for k, v in b.counts.items() if k not in ("pending", "cancelled"))
        con.print(out.t("cli.batch.list_line", batch_id=f"{b.batch_id:>5}", at=local(b.created_at, ctx.settings_view.general.timezone),
                        lines=b.line_count, sent=sent, pending=b.counts.get("pending", 0), unknown=b.counts.get("unknown", 0)))
    return 0
