"""`catalog match [--explain SKU]`, `catalog --by-product`, `match link SKU SKU`,
`match unlink SKU`: products and offers (issue 18) in the shell face."""

from __future__ import annotations

import argparse
from typing import Any

from kameng_tui.cli.output import Out, amount, helps
from kameng_tui.cli.parser import Parser
from kameng_tui.domain.offer_key import Found
from kameng_tui.messages import Msg


def register(sub: "argparse._SubParsersAction[Parser]", lang: str = "zh") -> None:
    h = helps(lang)
    p = sub.add_parser("match", help=h("help.match"))
    acts = p.add_subparsers(dest="match_action", required=True)
    link = acts.add_parser("link", help=h("help.match.link"))
    link.add_argument("sku", help=h("help.match.sku"))
    link.add_argument("target", help=h("help.match.target"))
    link.add_argument("--json", action="store_true")
    link.set_defaults(handler=cmd_link)
    unlink = acts.add_parser("unlink", help=h("help.match.unlink"))
    unlink.add_argument("sku", help=h("help.match.sku"))
    unlink.add_argument("--json", action="store_true")
    unlink.set_defaults(handler=cmd_unlink)


async def cmd_link(args: argparse.Namespace, ctx: Any, out: Out) -> int:
    await ctx.catalog.ensure()
    pid = ctx.offers.link(args.sku, args.target)
    return out.done(Msg("cli.match.linked", sku=args.sku, target=args.target, id=pid), product_id=pid,
                    sku=args.sku, target=args.target)


async def cmd_unlink(args: argparse.Namespace, ctx: Any, out: Out) -> int:
    await ctx.catalog.ensure()
    done = ctx.offers.unlink(args.sku)
    return out.done(Msg(f"cli.match.unlink_{done.kind}", sku=args.sku, id=done.product_id), result=done.kind,
                    product_id=done.product_id, sku=args.sku)


def _console() -> Any:
    """Out.console() (untyped in a legacy module): rich, loaded only to print for people."""
    from rich.console import Console

    return Console(highlight=False)


def _found_json(f: Found, out: Out) -> dict[str, Any]:
    return {"sku": f.sku, "product_id": f.product_id, "sure": f.sure, "goods": f.goods,
            "key": f.key.values(), "why": out.show(f.why) if not f.sure else None}


async def cmd_match(args: argparse.Namespace, ctx: Any, out: Out) -> int:
    """`catalog match`: the listings the rule is unsure of, each with why; `--explain`: one SKU's trail."""
    await ctx.catalog.ensure()
    if args.explain:
        sku, found, m = ctx.offers.explain(args.explain)
        lines = m.explain(sku)
        if out.json_mode:
            doc = {**_found_json(found, out), "product_id": m.product_of[sku], "rule_product_id": found.product_id,
                   "offers": m.offers[m.product_of[sku]], "trail": [out.show(line) for line in lines]}
            out.doc(**doc)
        else:
            con = _console()
            con.print(f"[bold]{sku}[/]", highlight=False)
            for line in lines:
                con.print("  " + out.show(line), markup=False)
        return 0
    m = ctx.offers.match()
    unsure = m.unsure
    merged = sum(1 for skus in m.offers.values() if len(skus) > 1)
    if out.json_mode:
        out.items([_found_json(f, out) for f in unsure], merged=merged, unknown=len(m.unknown))
        return 0
    con = _console()
    con.print(out.t("cli.match.summary", merged=merged, unsure=len(unsure), unknown=len(m.unknown)))
    for f in unsure[: args.limit]:
        con.print(f"{f.sku}  @{f.product_id}  {out.show(f.why)}", markup=False)
    if len(unsure) > args.limit:
        con.print(out.t("cli.match.more", n=len(unsure) - args.limit))
    return 0


async def cmd_by_product(args: argparse.Namespace, ctx: Any, out: Out, query: Any, offset: int) -> int:
    """`catalog --by-product`: one row per product, its offers counted, the best cost."""
    from kameng_tui.cli.catalog import encode_cursor

    rows, total = ctx.offers.products(query, args.limit, offset)
    end = offset + len(rows)
    next_cursor = encode_cursor(end) if end < total else None
    if out.json_mode:
        out.items([{"product_id": r.product_id, "name": r.name, "category": r.best.category_path,
                    "delivery": r.best.delivery.value, "offers": len(r.offers), "sure": r.sure,
                    "best_cost": amount(r.best.unit_cost), "best_sku": r.best.sku,
                    "skus": [o.sku for o in r.offers]} for r in rows], total=total, next_cursor=next_cursor)
        return 0
    from rich.markup import escape
    from rich.table import Table

    table = Table(box=None, header_style="bold")
    for key, just in (("product_id", "left"), ("product", "left"), ("offers", "right"), ("best", "right"),
                      ("best_sku", "left")):
        table.add_column(out.t(f"cli.match.col.{key}"), justify=just)  # type: ignore[arg-type]  # rich wants a Literal
    for r in rows:
        table.add_row("@" + r.product_id, escape(r.name), str(len(r.offers)), amount(r.best.unit_cost), r.best.sku)
    con = _console()
    con.print(table)
    con.print(out.t("cli.catalog.shown", count=total, shown=len(rows))
              + (out.t("cli.history.next", cursor=next_cursor) if next_cursor else ""))
    return 0
