"""report, claims, suggest, refund, export."""

from __future__ import annotations

import argparse
from dataclasses import asdict
from pathlib import Path

from kameng_tui.cli.orders import add_history_filters, history_filter, order_json, parse_money_arg
from kameng_tui.cli.output import Out, amount, helps, iso, local
from kameng_tui.domain.errors import BadInput
from kameng_tui.domain.history import Totals
from kameng_tui.messages import Msg


def register(sub: argparse._SubParsersAction, lang: str = "zh") -> None:
    h = helps(lang)
    p = sub.add_parser("report", help=h("help.report"))
    add_history_filters(p, lang)
    p.add_argument("--by", choices=["day", "category", "supplier", "customer"])
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_report)
    p = sub.add_parser("claims", help=h("help.claims"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_claims)
    p = sub.add_parser("suggest", help=h("help.suggest"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_suggest)
    p = sub.add_parser("refund", help=h("help.refund"))
    p.add_argument("order_no")
    p.add_argument("--amount", required=True)
    p.add_argument("--reason", required=True)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_refund)
    p = sub.add_parser("export", help=h("help.export"))
    add_history_filters(p, lang)
    p.add_argument("--format", choices=["csv", "xlsx", "json"], help=h("help.export.format"))
    p.add_argument("-o", "--output", required=True)
    # also after the command (`export --lang zh`); SUPPRESS keeps a `--lang` given before it
    p.add_argument("--lang", choices=["zh", "en"], default=argparse.SUPPRESS, help=h("help.export.lang"))
    p.add_argument("--reveal", action="store_true", help=h("help.export.reveal"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_export)


def totals_json(t: Totals) -> dict:
    return {"orders": t.orders, "succeeded": t.succeeded, "failed": t.failed, "in_flight": t.in_flight,
            "revenue": amount(t.revenue), "cost": amount(t.cost), "charged": amount(t.charged),
            "refunded": amount(t.refunded), "profit": amount(t.profit)}


def cmd_report(args, ctx, out: Out) -> int:
    flt, demo_excluded = ctx.reports.without_demo(history_filter(args, ctx))
    total = ctx.reports.totals(flt)
    groups = ctx.reports.grouped(flt, args.by) if args.by else []
    if out.json_mode:
        out.doc(totals=totals_json(total), by=args.by, groups=[{"key": g.key, **totals_json(g.totals)} for g in groups],
                demo_excluded=demo_excluded)
        return 0
    from rich.table import Table

    table = Table(box=None, header_style="bold")
    for key in ("group", "orders", "ok", "revenue", "charged", "refunded", "profit"):
        table.add_column(out.t(f"cli.report.{key}"), justify="left" if key == "group" else "right")
    for g in groups + [type("G", (), {"key": out.t("cli.report.total"), "totals": total})()]:
        t = g.totals
        table.add_row(g.key or "-", str(t.orders), str(t.succeeded), amount(t.revenue), amount(t.charged),
                      amount(t.refunded), amount(t.profit))
    out.console().print(table)
    if demo_excluded:
        out.console().print(out.t("demo.excluded", n=demo_excluded), markup=False)
    return 0


def _event_json(e) -> dict:
    return {"seq": e.seq, "kind": e.kind, "at": iso(e.at), "hash": e.hash,
            "body": {k: v for k, v in e.body.items() if k not in ("request_json", "sealed", "cards")}}


def cmd_claims(args, ctx, out: Out) -> int:
    claims = ctx.reports.claims()
    drifts = ctx.reports.supplier_claims()
    duplicates = ctx.ledger_status.guard_duplicates()
    if out.json_mode:
        out.items([{"kind": c.kind, "reason": out.show(c.reason), "supplier": c.order.supplier,
                    "order": order_json(c.order, out.lang), "events": [_event_json(e) for e in c.events]} for c in claims]
                  + [{"kind": d.kind, "reason": out.show(d.reason), "supplier": d.supplier, "order": None,
                      "events": [_event_json(d.event)]} for d in drifts],
                  duplicates=[{"kind": d.kind, "key": d.key, "kept": d.kept, "duplicate": d.duplicate}
                              for d in duplicates])
        return 0
    con = out.console()
    if not claims and not drifts and not duplicates:
        con.print(out.t("cli.claims.none"))
    _print_duplicates(out, con, duplicates)
    for d in drifts:
        con.print(out.t("cli.claims.drift", supplier=d.supplier, reason=out.show(d.reason)))
    for c in claims:
        o = c.order
        con.print(f"[bold]{o.order_no}[/] {o.product_name} {o.account_text}  {out.show(c.reason)}")
        for e in c.events:
            con.print(f"    #{e.seq} {local(e.at, ctx.settings_view.general.timezone)} {e.kind} {e.hash[:12]}")
    return 0


def _print_duplicates(out: Out, con, duplicates) -> None:
    """Orders under one ref and batches run twice before this version enforced the
    guards (found by the V4 migration): check the supplier did not charge twice."""
    if not duplicates:
        return
    con.print(out.t("cli.claims.duplicates", n=len(duplicates)))
    for d in duplicates:
        key = "cli.claims.duplicate_ref" if d.kind == "ref" else "cli.claims.duplicate_batch"
        con.print("  " + out.t(key, ref=d.key, identity=d.key[:12], kept=d.kept, duplicate=d.duplicate))


async def cmd_suggest(args, ctx, out: Out) -> int:
    s = await ctx.reports.suggestions()
    if out.json_mode:
        out.doc(renewals=[{**{k: v for k, v in asdict(r).items() if k not in ("last_at", "due_at")},
                           "last_at": iso(r.last_at), "due_at": iso(r.due_at)} for r in s.renewals],
                frequent=[{"sku": sku, "name": name, "times": n} for sku, name, n in s.frequent],
                low_balance=[{"supplier": n, "available": amount(a)} for n, a in s.low_balance])
        return 0
    con = out.console()
    zone = ctx.settings_view.general.timezone
    for r in s.renewals:
        when = out.t("cli.suggest.overdue") if r.overdue else out.t("cli.suggest.due_soon")
        con.print(out.t("cli.suggest.renewal", account=r.account, name=r.product_name, when=when, due=local(r.due_at, zone)))
    for sku, name, n in s.frequent:
        con.print(out.t("cli.suggest.frequent", name=name, sku=sku, n=n))
    for name, avail in s.low_balance:
        con.print(out.t("cli.suggest.low_balance", supplier=name, available=amount(avail)))
    if not (s.renewals or s.frequent or s.low_balance):
        con.print(out.t("cli.suggest.none"))
    return 0


def cmd_refund(args, ctx, out: Out) -> int:
    value = parse_money_arg(args.amount, "amount")
    if not args.reason.strip():
        raise BadInput(Msg("err.cli.refund_reason"), field="reason")
    order = ctx.reports.refund(args.order_no, value, args.reason.strip())
    return out.done(Msg("cli.refund.done", amount=amount(value), revenue=amount(order.revenue), profit=amount(order.profit)),
                    order=order_json(order, out.lang))


def cmd_export(args, ctx, out: Out) -> int:
    from kameng_tui.services.export import anchor_path, export, format_of

    dest = Path(args.output)
    if dest.is_dir():
        raise BadInput(Msg("err.cli.output_is_dir", path=str(dest)), field="output")
    if not dest.parent.exists():
        raise BadInput(Msg("err.cli.no_dir", path=str(dest.parent)), field="output")
    fmt_name = args.format or format_of(dest)
    # Stable English keys and state codes for programs; an explicit --lang writes them for people.
    n = export(ctx.exporter, history_filter(args, ctx), fmt_name, dest, reveal=args.reveal, lang=out.lang,
               labels=args.lang)
    return out.done(Msg("cli.export.done", n=n, path=str(dest)), path=str(dest), rows=n, format=fmt_name,
                    anchor=str(anchor_path(dest)) if fmt_name == "csv" else None)
