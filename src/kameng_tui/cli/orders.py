"""order, show, history, reconcile, balance."""

from __future__ import annotations

import argparse
from decimal import Decimal

from kameng_tui.cli.output import Out, amount, exit_code_for, iso, is_tty, local, order_json
from kameng_tui.domain.errors import BadInput, NotFound
from kameng_tui.domain.history import HistoryFilter
from kameng_tui.domain.models import Order
from kameng_tui.services.cards import reveal_cards
from kameng_tui.domain.money import MoneyError, fmt, money
from kameng_tui.domain.states import OrderState


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("order", help="place one order / 下单")
    p.add_argument("sku")
    p.add_argument("--account", required=True, help="account, phone number or QQ / 充值账号")
    p.add_argument("--field", action="append", default=[], metavar="K=V", help="region=…, server=…, address=…")
    p.add_argument("--qty", type=int, default=1)
    p.add_argument("--ref", help="your shop's order number: the same ref again sends nothing")
    p.add_argument("--customer")
    p.add_argument("--note")
    p.add_argument("--price", help="sale unit price (default: face value or cost + markup)")
    p.add_argument("--seen-cost", help="the unit cost you saw; refuse if it rose more than max_price_rise")
    p.add_argument("--again", action="store_true", help="allow the same SKU+account within the repeat window")
    p.add_argument("--yes", action="store_true", help="do not ask (required without a terminal)")
    p.add_argument("--wait", type=float, default=None, metavar="S", help="wait up to S seconds for a final state")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_order)

    p = sub.add_parser("show", help="one order with its events / 订单详情")
    p.add_argument("order_no")
    p.add_argument("--reveal", action="store_true", help="show card secrets in clear")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_show)

    p = sub.add_parser("history", help="orders, newest first / 历史订单")
    add_history_filters(p)
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--cursor")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_history)

    p = sub.add_parser("reconcile", help="settle orders in doubt by querying suppliers / 对账")
    p.add_argument("--supplier")
    p.add_argument("--diff", metavar="SUPPLIER", help="list orders the supplier has and the ledger lacks, and the reverse")
    p.add_argument("--since", help="with --diff: YYYY-MM-DD, today, yesterday, 7d (default 7d)")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_reconcile)

    p = sub.add_parser("balance", help="supplier balances / 余额")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_balance)


def add_history_filters(p: argparse.ArgumentParser) -> None:
    p.add_argument("--since", help="YYYY-MM-DD, today, yesterday, 7d")
    p.add_argument("--until", help="YYYY-MM-DD (inclusive), today, yesterday")
    p.add_argument("--status", action="append", default=[], help="state; repeat for several")
    p.add_argument("--supplier")
    p.add_argument("--search", help="text: product, account, ref, customer, note, order no")
    p.add_argument("--account")
    p.add_argument("--ref")
    p.add_argument("--customer")
    p.add_argument("--batch", type=int)


def history_filter(args: argparse.Namespace, ctx) -> HistoryFilter:
    from kameng_tui.domain.dates import parse_date_range

    since, until = parse_date_range(args.since, args.until, ctx.clock.now(), ctx.config.general.timezone)
    states = []
    for s in args.status:
        for part in s.split(","):
            try:
                states.append(OrderState(part.strip()))
            except ValueError:
                raise BadInput(f"未知状态 {part!r}；可选：{', '.join(x.value for x in OrderState)}",
                               message_en=f"unknown status {part!r}; one of {', '.join(x.value for x in OrderState)}",
                               field="status") from None
    return HistoryFilter(since=since, until=until, states=tuple(states), supplier=args.supplier,
                         account=args.account, ref=args.ref, customer=args.customer,
                         batch_id=getattr(args, "batch", None), search=args.search)


def parse_fields(args: argparse.Namespace) -> dict[str, str]:
    fields = {"account": args.account}
    for item in args.field:
        if "=" not in item:
            raise BadInput(f"--field 需要 键=值，收到 {item!r}", message_en=f"--field needs key=value, got {item!r}",
                           field="field")
        k, v = item.split("=", 1)
        fields[k.strip()] = v.strip()
    return fields


def parse_money_arg(text: str | None, name: str) -> Decimal | None:
    if text is None:
        return None
    try:
        value = money(text)
    except MoneyError:
        raise BadInput(f"--{name} 不是金额：{text!r}", message_en=f"--{name} is not an amount: {text!r}", field=name) from None
    if value < 0:
        raise BadInput(f"--{name} 不能为负", message_en=f"--{name} must not be negative", field=name)
    return value


async def cmd_order(args, ctx, out: Out) -> int:
    from kameng_tui.services.checkout import OrderInput

    if not args.yes and not is_tty():
        raise BadInput("没有终端时下单需要 --yes（花钱的命令必须明确确认）",
                       message_en="ordering without a terminal needs --yes (a command that spends money must be confirmed)",
                       field="yes")
    inp = OrderInput(sku=args.sku, fields=parse_fields(args), quantity=args.qty, ref=args.ref, customer=args.customer,
                     note=args.note, price=parse_money_arg(args.price, "price"),
                     seen_unit_cost=parse_money_arg(args.seen_cost, "seen-cost"), again=args.again)
    wait = ctx.config.checkout.default_wait_s if args.wait is None else args.wait
    confirm = None if args.yes else (lambda p: _confirm(out, p))
    placed = await ctx.checkout.place(inp, wait_s=wait, confirm=confirm)
    order = placed.order
    if out.json_mode:
        out.doc(order=order_json(order), existed=placed.existed, warnings=list(placed.warnings))
    else:
        con = out.console()
        for w in placed.warnings:
            con.print(f"[yellow]{out.t('提示', 'note')}[/] {w}")
        if placed.existed:
            con.print(out.t(f"单号 {order.ref} 已有订单，未重新发送：", f"ref {order.ref} already has an order; nothing sent:"))
        print_order(out, ctx, order)
    return exit_code_for(order.state)


def _confirm(out: Out, p) -> bool:
    con = out.console()
    acct = p.account.get("account", "")
    con.print(out.t(
        f"下单 {p.product.name} x{p.quantity} -> {acct}  进价 {fmt(p.total_cost)}  售价 {fmt(p.total_price)}  利润 {fmt(p.profit)}",
        f"Order {p.product.name} x{p.quantity} -> {acct}  cost {fmt(p.total_cost)}  price {fmt(p.total_price)}  profit {fmt(p.profit)}"))
    for w in p.warnings:
        con.print(f"[yellow]{w}[/]")
    answer = input(out.t("确认下单？[y/N] ", "Place it? [y/N] ")).strip().lower()
    return answer in ("y", "yes", "是")


STATE_STYLE = {"succeeded": "green", "failed": "red", "unknown": "magenta", "processing": "cyan",
               "pending": "yellow", "submitted": "yellow", "cancelled": "dim", "refunded": "blue"}


def print_order(out: Out, ctx, order: Order) -> None:
    con = out.console()
    zone = ctx.config.general.timezone
    style = STATE_STYLE.get(order.state.value, "")
    con.print(f"[bold]{order.order_no}[/]  [{style}]{order.state.value}[/]  {order.product_name} x{order.quantity}")
    con.print(f"  {out.t('账号', 'account')}: {order.account_text}   {out.t('成本', 'cost')} {fmt(order.total_cost)}"
              f"  {out.t('售价', 'price')} {fmt(order.total_price)}  {out.t('实扣', 'charged')} {fmt(order.charged)}"
              f"  {out.t('利润', 'profit')} {fmt(order.profit)}   {local(order.created_at, zone)}")
    if order.reason:
        con.print(f"  {out.t('原因', 'reason')}: {order.reason}")
    if order.state in (OrderState.UNKNOWN, OrderState.SUBMITTED, OrderState.PROCESSING):
        con.print(out.t("  结果未定：不要重新下单，稍后运行 kameng-tui reconcile",
                        "  not settled yet: do not re-order; run kameng-tui reconcile later"))


def cmd_show(args, ctx, out: Out) -> int:
    order = ctx.ledger.get(args.order_no)
    if order is None:
        raise NotFound(f"没有订单 {args.order_no}", message_en=f"no order {args.order_no}", field="order_no")
    cards = reveal_cards(ctx, order, args.reveal)
    events = ctx.ledger.events(order.order_no)
    if out.json_mode:
        out.doc(order=order_json(order), cards=cards, events=[
            {"seq": e.seq, "kind": e.kind, "at": e.at.isoformat().replace("+00:00", "Z"), "hash": e.hash} for e in events])
        return 0
    print_order(out, ctx, order)
    con = out.console()
    for c in cards:
        con.print(f"  {out.t('卡号', 'card')} {c['number']}  {out.t('密码', 'password')} {c['password']}"
                  + (f"  {out.t('有效期', 'expires')} {c['expires']}" if c.get("expires") else ""))
    for e in events:
        con.print(f"  [dim]#{e.seq} {local(e.at, ctx.config.general.timezone)} {e.kind} {e.hash[:12]}[/]")
    return 0


def cmd_history(args, ctx, out: Out) -> int:
    flt = history_filter(args, ctx)
    if args.limit <= 0 or args.limit > 1000:
        raise BadInput("--limit 需在 1..1000", message_en="--limit must be within 1..1000", field="limit")
    page = ctx.ledger.history(flt, limit=args.limit, cursor=args.cursor, with_total=True)
    if out.json_mode:
        out.items([order_json(o) for o in page.items], total=page.total, next_cursor=page.next_cursor)
        return 0
    from rich.table import Table

    zone = ctx.config.general.timezone
    table = Table(box=None, header_style="bold")
    for col in (out.t("时间", "time"), out.t("订单号", "order no"), out.t("状态", "state"), out.t("商品", "product"),
                out.t("账号", "account"), out.t("售价", "price"), out.t("利润", "profit")):
        table.add_column(col, justify="right" if col in ("售价", "利润", "price", "profit") else "left")
    for o in page.items:
        table.add_row(local(o.created_at, zone), o.order_no, f"[{STATE_STYLE.get(o.state.value, '')}]{o.state.value}[/]",
                      o.product_name, o.account_text, fmt(o.total_price), fmt(o.profit))
    con = out.console()
    con.print(table)
    con.print(out.t(f"共 {page.total} 单", f"{page.total} orders")
              + (out.t(f"；下一页：--cursor {page.next_cursor}", f"; next page: --cursor {page.next_cursor}")
                 if page.next_cursor else ""))
    return 0


async def cmd_reconcile(args, ctx, out: Out) -> int:
    if args.diff:
        return await cmd_reconcile_diff(args, ctx, out)
    if args.since:
        raise BadInput("--since 只和 --diff 一起用", message_en="--since goes with --diff", field="since")
    report = await ctx.reconcile.run(args.supplier)
    if out.json_mode:
        out.doc(checked=report.checked, settled=report.settled, still_open=report.still_open, resent=report.resent,
                claims=report.claims, skipped=report.skipped, errors=report.errors)
    else:
        con = out.console()
        con.print(out.t(f"查询 {report.checked} 单：已结算 {len(report.settled)}，未定 {len(report.still_open)}，"
                        f"原号重发 {len(report.resent)}，需人工核对 {len(report.claims)}",
                        f"queried {report.checked}: settled {len(report.settled)}, open {len(report.still_open)}, "
                        f"re-sent (same number) {len(report.resent)}, claims {len(report.claims)}"))
        for name, msg in report.errors.items():
            con.print(f"[red]{name}[/]: {msg}")
    return 3 if report.still_open else 0


async def cmd_balance(args, ctx, out: Out) -> int:
    views = await ctx.balances.all()
    if out.json_mode:
        out.items([{"supplier": v.supplier, "balance": None if v.amount is None else fmt(v.amount),
                    "unsettled": fmt(v.unsettled), "available": None if v.available is None else fmt(v.available),
                    "live": v.live, "at": None if v.at is None else v.at.isoformat().replace("+00:00", "Z"),
                    "low": v.low} for v in views])
        return 0
    con = out.console()
    for v in views:
        if v.amount is None:
            con.print(f"{v.supplier}: [red]{out.t('无法连接，且无历史余额', 'unreachable, no snapshot')}[/]")
            continue
        stale = "" if v.live else out.t(f"（离线，{local(v.at, ctx.config.general.timezone)} 的快照）", " (offline snapshot)")
        con.print(f"{v.supplier}: {fmt(v.amount)} {out.t('元', 'CNY')}  {out.t('未结算', 'unsettled')} {fmt(v.unsettled)}"
                  f"  {out.t('可用', 'available')} {fmt(v.available)}{stale}")
        if v.low:
            con.print(out.t(f"[yellow]余额偏低（低于 {fmt(ctx.config.balance.low_warning)} 元）：请到 {v.supplier} 充值[/]",
                            f"[yellow]low balance (below {fmt(ctx.config.balance.low_warning)}): recharge at {v.supplier}[/]"))
    return 0


async def cmd_reconcile_diff(args, ctx, out: Out) -> int:
    from kameng_tui.domain.dates import parse_date_range
    from kameng_tui.services.reconcile import diff

    since, _ = parse_date_range(args.since or "7d", None, ctx.clock.now(), ctx.config.general.timezone)
    report = await diff(ctx, args.diff, since)
    theirs = [{"order_no": r.client_order_no, "state": r.state.value, "charged": amount(r.charged),
               "refunded": amount(r.refunded), "supplier_order_no": r.supplier_order_no} for r in report.supplier_only]
    ours = [{"order_no": o.order_no, "state": o.state.value, "charged": amount(o.charged)} for o in report.ledger_only]
    differ = [{"order_no": o.order_no, "ledger_state": o.state.value, "supplier_state": r.state.value,
               "ledger_charged": amount(o.charged - o.refunded),
               "supplier_charged": amount(None if r.charged is None else r.charged - r.refunded)}
              for o, r in report.mismatched]
    if out.json_mode:
        out.doc(supplier=args.diff, since=iso(since), supplier_only=theirs, ledger_only=ours, mismatched=differ,
                matched=report.matched)
    else:
        con = out.console()
        con.print(out.t(f"{args.diff} 自 {local(since, ctx.config.general.timezone)}：一致 {report.matched}，"
                        f"供货商有而账本无 {len(theirs)}，账本有而供货商无 {len(ours)}，状态或金额不符 {len(differ)}",
                        f"{args.diff} since {iso(since)}: {report.matched} agree, {len(theirs)} only at the supplier, "
                        f"{len(ours)} only in the ledger, {len(differ)} differ"))
        for t in theirs:
            con.print(f"  [magenta]{out.t('仅供货商', 'supplier only')}[/] {t['order_no']} {t['state']} {t['charged']}")
        for o in ours:
            con.print(f"  [yellow]{out.t('仅账本', 'ledger only')}[/] {o['order_no']} {o['state']} {o['charged']}")
        for d in differ:
            con.print(f"  [red]{out.t('不符', 'differs')}[/] {d['order_no']} {d['ledger_state']}/{d['supplier_state']} "
                      f"{d['ledger_charged']}/{d['supplier_charged']}")
    return 3 if (theirs or ours or differ) else 0
