"""batch run|list|show|resume|cancel."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kameng_tui.cli.output import Out, is_tty, local, order_json
from kameng_tui.domain.errors import BadInput
from kameng_tui.domain.money import fmt
from kameng_tui.domain.states import OrderState


def register(sub: argparse._SubParsersAction) -> None:
    b = sub.add_parser("batch", help="batch orders / 批量下单").add_subparsers(dest="batch_cmd")
    p = b.add_parser("run", help="validate every line, then order them all")
    p.add_argument("file", help="CSV with header, or lines `SKU ACCOUNT [QTY] [k=v ...]`; - for stdin")
    p.add_argument("--yes", action="store_true")
    p.add_argument("--concurrency", type=int, default=None)
    p.add_argument("--again", action="store_true", help="run a batch identical to an earlier one")
    p.add_argument("--allow-duplicates", action="store_true", help="allow the same SKU+account on several lines")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_run)
    for name, handler, text in (("show", cmd_show, "one batch and its lines"),
                                ("resume", cmd_resume, "re-quote and send unsent lines"),
                                ("cancel", cmd_cancel, "mark unsent lines cancelled")):
        p = b.add_parser(name, help=text)
        p.add_argument("batch_id", type=int)
        if name == "resume":
            p.add_argument("--yes", action="store_true")
            p.add_argument("--concurrency", type=int, default=None)
        p.add_argument("--json", action="store_true")
        p.set_defaults(handler=handler)
    p = b.add_parser("list", help="recent batches")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_list)


def read_input(name: str) -> str:
    if name == "-":
        data = sys.stdin.buffer.read()
    else:
        path = Path(name)
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise BadInput(f"无法读取 {name}：{exc.strerror}", message_en=f"cannot read {name}: {exc.strerror}",
                           field="file") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise BadInput(f"文件不是 UTF-8 编码（第 {line} 行）；请另存为 UTF-8",
                       message_en=f"the file is not UTF-8 (line {line}); save it as UTF-8", field="file", line=line) from None


def _need_yes(args, out: Out) -> None:
    if not args.yes and not is_tty():
        raise BadInput("没有终端时批量下单需要 --yes", message_en="a batch without a terminal needs --yes", field="yes")


def _progress(out: Out):
    if out.json_mode or not sys.stderr.isatty():
        return None, None
    from rich.progress import Progress

    prog = Progress(transient=False, console=out.err_console())
    return prog, prog


async def cmd_run(args, ctx, out: Out) -> int:
    from kameng_tui.services.batch import BatchInvalid

    _need_yes(args, out)
    text = read_input(args.file)
    try:
        plan = await ctx.batch.plan(text, source=args.file, allow_duplicates=args.allow_duplicates, again=args.again)
    except BatchInvalid as exc:
        if out.json_mode:
            out.error(exc, {"lines": [{"line": p.line, "field": p.field, "code": p.code,
                                       "message": p.message_en if out.lang == "en" else p.message} for p in exc.problems]})
        else:
            con = out.err_console()
            con.print(f"[bold red]{exc.text(out.lang)}[/]")
            for p in exc.problems:
                con.print(f"  {out.t('第', 'line')} {p.line} {out.t('行', '')}: {p.message_en if out.lang == 'en' else p.message}")
        return 2
    if not args.yes:
        out.console().print(out.t(f"共 {len(plan.lines)} 单，进价 {fmt(plan.total_cost)}，售价 {fmt(plan.total_price)}",
                                  f"{len(plan.lines)} orders, cost {fmt(plan.total_cost)}, price {fmt(plan.total_price)}"))
        if input(out.t("确认下单？[y/N] ", "Run it? [y/N] ")).strip().lower() not in ("y", "yes", "是"):
            raise BadInput("已取消，未下单", message_en="cancelled; nothing ordered")
    concurrency = args.concurrency or ctx.config.checkout.default_concurrency
    outcome = await _with_progress(out, len(plan.lines), lambda cb: ctx.batch.run(plan, concurrency=concurrency, progress=cb))
    return _report(out, ctx, outcome.batch_id, outcome.orders)


async def _with_progress(out: Out, total: int, start):
    prog, _ = _progress(out)
    if prog is None:
        return await start(None)
    with prog:
        task = prog.add_task(out.t("下单中", "ordering"), total=total)
        return await start(lambda done, n, order: prog.update(task, completed=done, total=n))


def _report(out: Out, ctx, batch_id: int, orders) -> int:
    counts: dict[str, int] = {}
    for o in orders:
        counts[o.state.value] = counts.get(o.state.value, 0) + 1
    if out.json_mode:
        out.doc(batch_id=batch_id, counts=counts, items=[order_json(o) for o in orders], total=len(orders))
    else:
        con = out.console()
        con.print(out.t(f"批次 {batch_id}：", f"batch {batch_id}: ") + "  ".join(f"{k} {v}" for k, v in sorted(counts.items())))
        for o in orders:
            if o.state in (OrderState.FAILED, OrderState.UNKNOWN):
                con.print(f"  {o.line_id}: {o.order_no} {o.state.value} {o.reason or ''}")
    if any(o.state in (OrderState.PENDING, OrderState.SUBMITTED, OrderState.UNKNOWN, OrderState.PROCESSING) for o in orders):
        return 3
    return 1 if any(o.state is OrderState.FAILED for o in orders) else 0


async def cmd_resume(args, ctx, out: Out) -> int:
    _need_yes(args, out)

    def confirm(changes) -> bool:
        con = out.err_console()
        for c in changes:
            new = out.t("不可下单", "unavailable") if c.new_cost is None else fmt(c.new_cost)
            con.print(f"  {out.t('行', 'line')} {c.line_id}: {fmt(c.old_cost)} -> {new} {c.reason}")
        if args.yes:
            return True
        return input(out.t("价格或库存有变化，继续？[y/N] ", "Prices or stock changed; continue? [y/N] ")).strip().lower() in ("y", "yes")

    concurrency = args.concurrency or ctx.config.checkout.default_concurrency
    outcome = await _with_progress(out, 0, lambda cb: ctx.batch.resume(args.batch_id, confirm=confirm,
                                                                      concurrency=concurrency, progress=cb))
    return _report(out, ctx, outcome.batch_id, outcome.orders)


def cmd_cancel(args, ctx, out: Out) -> int:
    n = ctx.batch.cancel(args.batch_id)
    return out.done(f"批次 {args.batch_id}：已取消 {n} 个未发送的订单", f"batch {args.batch_id}: cancelled {n} unsent orders",
                    batch_id=args.batch_id, cancelled=n)


def cmd_show(args, ctx, out: Out) -> int:
    batch, orders = ctx.batch.show(args.batch_id)
    return _report(out, ctx, batch.batch_id, orders) if out.json_mode else _show_people(out, ctx, batch, orders)


def _show_people(out: Out, ctx, batch, orders) -> int:
    con = out.console()
    con.print(f"batch {batch.batch_id}  {batch.source}  {local(batch.created_at, ctx.config.general.timezone)}  "
              + "  ".join(f"{k} {v}" for k, v in sorted(batch.counts.items())))
    for o in orders:
        con.print(f"  {o.line_id:>4} {o.order_no} {o.state.value:<10} {o.product_name} {o.account_text} {o.reason or ''}")
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
        con.print(f"{b.batch_id:>5}  {local(b.created_at, ctx.config.general.timezone)}  {b.line_count} lines  "
                  + out.t(f"已发 {sent}，未发 {b.counts.get('pending', 0)}，未定 {b.counts.get('unknown', 0)}",
                          f"sent {sent}, not sent {b.counts.get('pending', 0)}, unknown {b.counts.get('unknown', 0)}"))
    return 0
