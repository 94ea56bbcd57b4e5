"""catalog [list] | sync | facets: the cached catalog, searched and filtered offline."""

from __future__ import annotations

import argparse

from kameng_tui.cli.output import Out, amount
from kameng_tui.domain.catalog_index import SORTS, Query
from kameng_tui.domain.errors import BadInput
from kameng_tui.domain.models import Product

DELIVERY_NAMES = {"direct": "直充", "card": "卡密", "physical": "实物", "直充": "直充", "卡密": "卡密", "实物": "实物"}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("catalog", help="search the catalog / 商品目录 (sync, facets)")
    p.add_argument("action", nargs="?", choices=["list", "sync", "facets"], default="list")
    p.add_argument("--search", default="", help="tokens ANDed; pinyin and initials work: wzry 60")
    p.add_argument("--category", default="", help="path prefix, e.g. 游戏/腾讯")
    p.add_argument("--attr", action="append", default=[], metavar="K=V", help="周期=月; repeat; same key = OR")
    p.add_argument("--tag", action="append", default=[], help="历史低价, 热销TOP, 库存紧张, 秒到")
    p.add_argument("--delivery", action="append", default=[], help="direct|card|physical (直充/卡密/实物)")
    p.add_argument("--supplier", action="append", default=[])
    p.add_argument("--min-price")
    p.add_argument("--max-price")
    p.add_argument("--sort", choices=SORTS, default="default")
    p.add_argument("--desc", action="store_true")
    p.add_argument("--limit", type=int, default=30)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_catalog)


def build_query(args) -> Query:
    from kameng_tui.cli.orders import parse_money_arg

    attrs: dict[str, set[str]] = {}
    for item in args.attr:
        if "=" not in item:
            raise BadInput(f"--attr 需要 键=值：{item!r}", message_en=f"--attr needs key=value: {item!r}", field="attr")
        k, v = item.split("=", 1)
        attrs.setdefault(k.strip(), set()).add(v.strip())
    delivery = set()
    for d in args.delivery:
        if d not in DELIVERY_NAMES:
            raise BadInput(f"--delivery 只能是 direct/card/physical：{d!r}", message_en=f"--delivery must be direct, card or physical: {d!r}",
                           field="delivery")
        delivery.add(DELIVERY_NAMES[d])
    return Query(text=args.search, category=args.category.strip("/"), attrs={k: frozenset(v) for k, v in attrs.items()},
                 delivery=frozenset(delivery), suppliers=frozenset(args.supplier), tags=frozenset(args.tag),
                 price_min=parse_money_arg(args.min_price, "min-price"), price_max=parse_money_arg(args.max_price, "max-price"),
                 sort=args.sort, descending=args.desc)


def product_json(ctx, p: Product) -> dict:
    from kameng_tui.services.pricing import price_for

    return {
        "sku": p.sku, "name": p.name, "category": p.category_path, "delivery": p.delivery.value,
        "account_fields": [{"key": f.key, "label": f.label, "rule": f.rule.value, "required": f.required,
                            "options": list(f.options)} for f in p.account_fields],
        "attributes": dict(p.attributes), "face_value": amount(p.face_value), "cost": amount(p.unit_cost),
        "price": amount(price_for(ctx.config, p, p.unit_cost)),
        "stock": p.stock, "sale_status": p.sale_status.value,
        "tags": [{"code": t.code, "label": t.label, "reason": t.reason} for t in ctx.catalog.tags(p.sku)],
        "supplier": p.supplier, "max_qty": p.max_qty,
        "delivery_stats": _stats(ctx.catalog.delivery_stats(p.sku)),
    }


def _stats(s) -> dict:
    return {"count": s.count, "median_s": s.median_s, "p95_s": s.p95_s,
            "success_rate": None if s.success_rate is None else round(s.success_rate, 4)}


async def cmd_catalog(args, ctx, out: Out) -> int:
    if args.action == "sync":
        return await _sync(args, ctx, out)
    await ctx.catalog.ensure()
    if not 1 <= args.limit <= 1000:
        raise BadInput("--limit 需在 1..1000", message_en="--limit must be within 1..1000", field="limit")
    result = ctx.catalog.search(build_query(args), limit=args.limit)
    if args.action == "facets":
        if out.json_mode:
            out.doc(total=result.count, facets=result.facets, categories=result.categories)
        else:
            con = out.console()
            con.print(out.t(f"匹配 {result.count} 个商品", f"{result.count} products match"))
            for name, values in result.facets.items():
                if values:
                    con.print(f"[bold]{name}[/]  " + "  ".join(f"{v}({n})" for v, n in sorted(values.items(), key=lambda x: -x[1])[:12]))
        return 0
    if out.json_mode:
        out.items([product_json(ctx, p) for p in result.rows], total=result.count)
        return 0
    from rich.table import Table

    table = Table(box=None, header_style="bold")
    for col, just in ((out.t("SKU", "SKU"), "left"), (out.t("商品", "product"), "left"), (out.t("进价", "cost"), "right"),
                      (out.t("库存", "stock"), "right"), (out.t("标签", "tags"), "left")):
        table.add_column(col, justify=just)  # type: ignore[arg-type]
    for p in result.rows:
        tags = " ".join(f"[reverse]{t.label}[/]" for t in ctx.catalog.tags(p.sku))
        table.add_row(p.sku, p.name, amount(p.unit_cost), "-" if p.stock is None else str(p.stock), tags)
    con = out.console()
    con.print(table)
    con.print(out.t(f"共 {result.count} 个，显示 {len(result.rows)} 个", f"{result.count} match, {len(result.rows)} shown"))
    return 0


async def _sync(args, ctx, out: Out) -> int:
    import sys

    prog = None
    if not out.json_mode and sys.stderr.isatty():
        from rich.progress import Progress

        prog = Progress(console=out.err_console())
        prog.start()
    tasks: dict[str, int] = {}

    def progress(name: str, seen: int, total: int | None) -> None:
        if prog is None:
            return
        if name not in tasks:
            tasks[name] = prog.add_task(out.t(f"同步 {name}", f"syncing {name}"), total=total)
        prog.update(tasks[name], completed=seen, total=total)

    try:
        report = await ctx.catalog.sync(args.supplier[0] if args.supplier else None, progress)
    finally:
        if prog is not None:
            prog.stop()
    if out.json_mode:
        out.doc(counts=report.counts, new=report.new, price_changes=report.price_changes, errors=report.errors)
    else:
        con = out.console()
        for name, n in report.counts.items():
            con.print(out.t(f"{name}: {n} 个商品，新增 {report.new.get(name, 0)}，调价 {report.price_changes.get(name, 0)}",
                            f"{name}: {n} products, {report.new.get(name, 0)} new, {report.price_changes.get(name, 0)} price changes"))
        for name, msg in report.errors.items():
            con.print(f"[red]{name}[/]: {msg}")
    return 3 if report.errors else 0
