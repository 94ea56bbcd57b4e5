"""catalog [list] | sync | facets: the cached catalog, searched and filtered offline."""

from __future__ import annotations

import argparse
import base64
from typing import TYPE_CHECKING

from kameng_tui.cli.output import Out, amount, helps
from kameng_tui.domain.catalog_query import SORTS, Query, facet_label, facet_value_label
from kameng_tui.domain.errors import BadInput
from kameng_tui.domain.models import Delivery, Product
from kameng_tui.domain.tags import TAG_NAMES, tag_code
from kameng_tui.messages import Msg

if TYPE_CHECKING:
    from rich.progress import TaskID   # rich is imported lazily: `catalog` without a terminal never loads it


def delivery_facet(word: str) -> str | None:
    """The delivery facet value for `direct` (or its facet value as `catalog facets` prints it)."""
    try:
        return Delivery(word).facet
    except ValueError:
        found = Delivery.from_facet(word)
        return None if found is None else found.facet


def tag_name(word: str) -> str:
    """The index name of a tag given by code, name or label; unknown words match nothing."""
    code = tag_code(word)
    return word if code is None else TAG_NAMES[code]


def register(sub: argparse._SubParsersAction, lang: str = "zh") -> None:
    h = helps(lang)
    p = sub.add_parser("catalog", help=h("help.catalog"))
    p.add_argument("action", nargs="?", choices=["list", "sync", "facets", "match"], default="list")
    p.add_argument("--search", default="", help=h("help.catalog.search"))
    p.add_argument("--category", default="", help=h("help.catalog.category"))
    p.add_argument("--attr", action="append", default=[], metavar="K=V", help=h("help.catalog.attr"))
    p.add_argument("--tag", action="append", default=[], help=h("help.catalog.tag"))
    p.add_argument("--delivery", action="append", default=[], help=h("help.catalog.delivery"))
    p.add_argument("--supplier", action="append", default=[])
    p.add_argument("--min-price")
    p.add_argument("--max-price")
    p.add_argument("--sort", choices=SORTS, default="default")
    p.add_argument("--desc", action="store_true")
    p.add_argument("--limit", type=int, default=30)
    p.add_argument("--cursor", help=h("help.catalog.cursor"))
    p.add_argument("--by-product", action="store_true", help=h("help.catalog.by_product"))
    p.add_argument("--explain", metavar="SKU", help=h("help.catalog.explain"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_catalog)


def encode_cursor(offset: int) -> str:
    """A page position for `--cursor`, opaque like history's: the offset in the sorted
    matches (the same query and sort on the next call; a sync in between may shift it)."""
    return base64.urlsafe_b64encode(f"c{offset}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    if cursor is None:
        return 0
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        if not raw.startswith("c") or not raw[1:].isdigit():
            raise ValueError(raw)
        return int(raw[1:])
    except (ValueError, UnicodeDecodeError):
        raise BadInput(Msg("err.cli.catalog_cursor", cursor=repr(cursor)), field="cursor") from None


def build_query(args) -> Query:
    from kameng_tui.cli.orders import parse_money_arg

    attrs: dict[str, set[str]] = {}
    for item in args.attr:
        if "=" not in item:
            raise BadInput(Msg("err.cli.key_value_colon", option="--attr", item=repr(item)), field="attr")
        k, v = item.split("=", 1)
        attrs.setdefault(k.strip(), set()).add(v.strip())
    delivery = set()
    for d in args.delivery:
        facet = delivery_facet(d)
        if facet is None:
            raise BadInput(Msg("err.cli.delivery", value=repr(d)), field="delivery")
        delivery.add(facet)
    return Query(text=args.search, category=args.category.strip("/"), attrs={k: frozenset(v) for k, v in attrs.items()},
                 delivery=frozenset(delivery), suppliers=frozenset(args.supplier), tags=frozenset(tag_name(t) for t in args.tag),
                 price_min=parse_money_arg(args.min_price, "min-price"), price_max=parse_money_arg(args.max_price, "max-price"),
                 sort=args.sort, descending=args.desc)


def product_json(ctx, p: Product, out: Out, product_id: str) -> dict:
    return {
        "sku": p.sku, "product_id": product_id, "name": p.name, "category": p.category_path, "delivery": p.delivery.value,
        "account_fields": [{"key": f.key, "label": f.label, "rule": f.rule.value, "required": f.required,
                            "options": list(f.options)} for f in p.account_fields],
        "attributes": dict(p.attributes), "face_value": amount(p.face_value), "cost": amount(p.unit_cost),
        "price": amount(ctx.catalog.price_for(p, p.unit_cost)),
        "stock": p.stock, "sale_status": p.sale_status.value,
        "tags": [{"code": t.code, "label": out.show(t.label_msg), "reason": out.show(t.why)} for t in ctx.catalog.tags(p.sku)],
        "supplier": p.supplier, "max_qty": p.max_qty,
        "delivery_stats": _stats(ctx.catalog.delivery_stats(p.sku)),
    }


def _stats(s) -> dict:
    return {"count": s.count, "median_s": s.median_s, "p95_s": s.p95_s,
            "success_rate": None if s.success_rate is None else round(s.success_rate, 4)}


async def cmd_catalog(args, ctx, out: Out) -> int:
    if args.action == "sync":
        return await _sync(args, ctx, out)
    if args.action == "match":
        from kameng_tui.cli.offers import cmd_match

        return await cmd_match(args, ctx, out)
    await ctx.catalog.ensure()
    if not 1 <= args.limit <= 1000:
        raise BadInput(Msg("err.cli.limit"), field="limit")
    offset = decode_cursor(args.cursor)
    if args.by_product and args.action == "list":
        from kameng_tui.cli.offers import cmd_by_product

        return await cmd_by_product(args, ctx, out, build_query(args), offset)
    result = ctx.catalog.search(build_query(args), limit=args.limit, offset=offset)
    end = offset + len(result.positions)
    next_cursor = encode_cursor(end) if end < result.count and args.action != "facets" else None
    if args.action == "facets":
        if out.json_mode:
            out.doc(total=result.count, facets=result.facets, categories=result.categories)
        else:
            con = out.console()
            con.print(out.t("cli.catalog.match", count=result.count))
            for name, values in result.facets.items():
                if values:
                    con.print(f"[bold]{out.show(facet_label(name))}[/]  " + "  ".join(
                        f"{out.show(facet_value_label(name, v))}({n})" for v, n in sorted(values.items(), key=lambda x: -x[1])[:12]))
        return 0
    if out.json_mode:
        rows = result.rows
        ids = ctx.offers.product_ids(list(rows))
        out.items([product_json(ctx, p, out, pid) for p, pid in zip(rows, ids)], total=result.count,
                  next_cursor=next_cursor)
        return 0
    from rich.markup import escape
    from rich.table import Table

    table = Table(box=None, header_style="bold")
    for key, just in (("sku", "left"), ("product", "left"), ("cost", "right"), ("stock", "right"), ("tags", "left")):
        table.add_column(out.t(f"cli.catalog.col.{key}"), justify=just)  # type: ignore[arg-type]  # rich wants a Literal: just is "left" or "right"
    view = ctx.supplier_view()
    for p in result.rows:
        tags = " ".join(f"[reverse]{out.show(t.label_msg)}[/]" for t in ctx.catalog.tags(p.sku))
        name = escape(p.name)
        if view.is_demo(p.supplier):            # a real supplier beside the demo: not a product to sell
            name = f"[reverse]{escape(out.t('demo.mark'))}[/] {name}"
        table.add_row(p.sku, name, amount(p.unit_cost), "-" if p.stock is None else str(p.stock), tags)
    con = out.console()
    con.print(table)
    con.print(out.t("cli.catalog.shown", count=result.count, shown=len(result.rows))
              + (out.t("cli.history.next", cursor=next_cursor) if next_cursor else ""))
    return 0


async def _sync(args, ctx, out: Out) -> int:
    import sys

    prog = None
    if not out.json_mode and sys.stderr.isatty():
        from rich.progress import Progress

        prog = Progress(console=out.err_console())
        prog.start()
    tasks: dict[str, TaskID] = {}

    def progress(name: str, seen: int, total: int | None) -> None:
        if prog is None:
            return
        if name not in tasks:
            tasks[name] = prog.add_task(out.t("cli.sync.task", name=name), total=total)
        prog.update(tasks[name], completed=seen, total=total)

    try:
        report = await ctx.catalog.sync(args.supplier[0] if args.supplier else None, progress)
    finally:
        if prog is not None:
            prog.stop()
    if out.json_mode:
        out.doc(counts=report.counts, new=report.new, price_changes=report.price_changes,
                errors={name: out.show(msg) for name, msg in report.errors.items()})
    else:
        con = out.console()
        for name, n in report.counts.items():
            con.print(out.t("cli.sync.done", name=name, n=n, new=report.new.get(name, 0),
                            changed=report.price_changes.get(name, 0)))
        for name, msg in report.errors.items():
            con.print(f"[red]{name}[/]: {out.show(msg)}")
    return 3 if report.errors else 0
