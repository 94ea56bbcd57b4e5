"""report, claims, suggest, refund, export."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from pathlib import Path

from kameng_tui.cli.orders import add_history_filters, history_filter, order_json, parse_money_arg
from kameng_tui.cli.output import Out, amount, iso, local
from kameng_tui.domain.errors import BadInput
from kameng_tui.domain.history import Totals


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("report", help="totals and profit for any history filter / 报表")
    add_history_filters(p)
    p.add_argument("--by", choices=["day", "category", "supplier", "customer"])
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_report)
    p = sub.add_parser("claims", help="charged but failed, stuck unknown, short delivered / 优先赔付")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_claims)
    p = sub.add_parser("suggest", help="renewals due, low balance, frequent SKUs / 建议")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_suggest)
    p = sub.add_parser("refund", help="record a refund to your customer (reduces revenue) / 客户退款")
    p.add_argument("order_no")
    p.add_argument("--amount", required=True)
    p.add_argument("--reason", required=True)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_refund)
    p = sub.add_parser("export", help="export exactly the filtered orders / 导出")
    add_history_filters(p)
    p.add_argument("--format", required=True, choices=["csv", "xlsx", "json"])
    p.add_argument("-o", "--output", required=True)
    p.add_argument("--reveal", action="store_true", help="include card secrets")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_export)


def totals_json(t: Totals) -> dict:
    return {"orders": t.orders, "succeeded": t.succeeded, "failed": t.failed, "in_flight": t.in_flight,
            "revenue": amount(t.revenue), "cost": amount(t.cost), "charged": amount(t.charged),
            "refunded": amount(t.refunded), "profit": amount(t.profit)}


def cmd_report(args, ctx, out: Out) -> int:
    flt = history_filter(args, ctx)
    total = ctx.reports.totals(flt)
    groups = ctx.reports.grouped(flt, args.by) if args.by else []
    if out.json_mode:
        out.doc(totals=totals_json(total), by=args.by, groups=[{"key": g.key, **totals_json(g.totals)} for g in groups])
        return 0
    from rich.table import Table

    table = Table(box=None, header_style="bold")
    for col in (out.t("分组", "group"), out.t("订单", "orders"), out.t("成功", "ok"), out.t("营收", "revenue"),
                out.t("实扣", "charged"), out.t("退款", "refunded"), out.t("利润", "profit")):
        table.add_column(col, justify="left" if col in ("分组", "group") else "right")
    for g in groups + [type("G", (), {"key": out.t("合计", "total"), "totals": total})()]:
        t = g.totals
        table.add_row(g.key or "-", str(t.orders), str(t.succeeded), amount(t.revenue), amount(t.charged),
                      amount(t.refunded), amount(t.profit))
    out.console().print(table)
    return 0


def cmd_claims(args, ctx, out: Out) -> int:
    claims = ctx.reports.claims()
    if out.json_mode:
        out.items([{"kind": c.kind, "reason": c.reason, "order": order_json(c.order),
                    "events": [{"seq": e.seq, "kind": e.kind, "at": iso(e.at), "hash": e.hash, "body": {
                        k: v for k, v in e.body.items() if k not in ("request_json", "sealed", "cards")}}
                               for e in c.events]} for c in claims])
        return 0
    con = out.console()
    if not claims:
        con.print(out.t("没有需要索赔的订单", "nothing to claim"))
    for c in claims:
        o = c.order
        con.print(f"[bold]{o.order_no}[/] {o.product_name} {o.account_text}  {c.reason}")
        for e in c.events:
            con.print(f"    #{e.seq} {local(e.at, ctx.config.general.timezone)} {e.kind} {e.hash[:12]}")
    return 0


async def cmd_suggest(args, ctx, out: Out) -> int:
    s = await ctx.reports.suggestions()
    if out.json_mode:
        out.doc(renewals=[{**{k: v for k, v in asdict(r).items() if k not in ("last_at", "due_at")},
                           "last_at": iso(r.last_at), "due_at": iso(r.due_at)} for r in s.renewals],
                frequent=[{"sku": sku, "name": name, "times": n} for sku, name, n in s.frequent],
                low_balance=[{"supplier": n, "available": amount(a)} for n, a in s.low_balance])
        return 0
    con = out.console()
    zone = ctx.config.general.timezone
    for r in s.renewals:
        when = out.t("已过期", "overdue") if r.overdue else out.t("即将到期", "due soon")
        con.print(out.t(f"续费：{r.account} 的 {r.product_name} {when}（{local(r.due_at, zone)}）",
                        f"renewal: {r.product_name} for {r.account} {when} ({local(r.due_at, zone)})"))
    for sku, name, n in s.frequent:
        con.print(out.t(f"常买：{name}（{sku}）你买过 {n} 次", f"frequent: {name} ({sku}), you bought it {n} times"))
    for name, avail in s.low_balance:
        con.print(out.t(f"[yellow]{name} 可用余额 {amount(avail)} 元，偏低：请充值[/]",
                        f"[yellow]{name}: {amount(avail)} available, low: recharge[/]"))
    if not (s.renewals or s.frequent or s.low_balance):
        con.print(out.t("暂无建议", "no suggestions"))
    return 0


def cmd_refund(args, ctx, out: Out) -> int:
    value = parse_money_arg(args.amount, "amount")
    if not args.reason.strip():
        raise BadInput("退款需要原因", message_en="a refund needs a reason", field="reason")
    order = ctx.reports.refund(args.order_no, value, args.reason.strip())
    return out.done(f"已记录退款 {amount(value)} 元；该单营收 {amount(order.revenue)}，利润 {amount(order.profit)}",
                    f"refund of {amount(value)} recorded; revenue {amount(order.revenue)}, profit {amount(order.profit)}",
                    order=order_json(order))


def cmd_export(args, ctx, out: Out) -> int:
    from kameng_tui.services.export import export

    dest = Path(args.output)
    if not dest.parent.exists():
        raise BadInput(f"目录不存在：{dest.parent}", message_en=f"no such directory: {dest.parent}", field="output")
    n = export(ctx, history_filter(args, ctx), args.format, dest, reveal=args.reveal)
    return out.done(f"已导出 {n} 单到 {dest}", f"exported {n} orders to {dest}", path=str(dest), rows=n, format=args.format)
