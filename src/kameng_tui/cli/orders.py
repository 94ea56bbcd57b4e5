"""order, show, history, reconcile, balance."""

from __future__ import annotations

import argparse
from decimal import Decimal

from kameng_tui.cli.offer_lines import offer_json, print_choice, print_offer, recorded_offer
from kameng_tui.cli.output import YES, Out, amount, exit_code_for, helps, iso, is_tty, local, order_json
from kameng_tui.domain.errors import AccountInvalid, BadInput, NotFound
from kameng_tui.domain.history import HistoryFilter
from kameng_tui.domain.models import Order
from kameng_tui.domain.money import AmountError, fmt, money, parse_amount
from kameng_tui.domain.order_text import text_problem
from kameng_tui.domain.reasons import reason_text
from kameng_tui.domain.event_names import event_label, state_label
from kameng_tui.domain.states import OrderState
from kameng_tui.messages import Msg
from kameng_tui.state_style import STATE_STYLE


def register(sub: argparse._SubParsersAction, lang: str = "zh") -> None:
    h = helps(lang)
    p = sub.add_parser("order", help=h("help.order"))
    p.add_argument("sku", help=h("help.order.resume_cancel"))
    p.add_argument("order_no", nargs="?", help=h("help.order.order_no"))
    p.add_argument("--account", help=h("help.order.account"))
    p.add_argument("--field", action="append", default=[], metavar="K=V", help=h("help.order.field"))
    p.add_argument("--qty", type=int, default=1)
    p.add_argument("--ref", help=h("help.order.ref"))
    p.add_argument("--customer")
    p.add_argument("--note")
    p.add_argument("--price", help=h("help.order.price"))
    p.add_argument("--allow-loss", action="store_true", help=h("help.order.allow_loss"))
    p.add_argument("--seen-cost", help=h("help.order.seen_cost"))
    p.add_argument("--again", action="store_true", help=h("help.order.again"))
    p.add_argument("--yes", action="store_true", help=h("help.order.yes"))
    p.add_argument("--wait", type=float, default=None, metavar="S", help=h("help.order.wait"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_order)

    p = sub.add_parser("show", help=h("help.show"))
    p.add_argument("order_no", help=h("help.show.order_no"))
    p.add_argument("--reveal", action="store_true", help=h("help.show.reveal"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_show)

    p = sub.add_parser("history", help=h("help.history"))
    add_history_filters(p, lang)
    p.add_argument("--limit", type=int, default=50)
    p.add_argument("--cursor")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_history)

    p = sub.add_parser("reconcile", help=h("help.reconcile"))
    p.add_argument("--supplier")
    p.add_argument("--diff", metavar="SUPPLIER", help=h("help.reconcile.diff"))
    p.add_argument("--since", help=h("help.reconcile.since"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_reconcile)

    p = sub.add_parser("balance", help=h("help.balance"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_balance)


def add_history_filters(p: argparse.ArgumentParser, lang: str = "zh") -> None:
    h = helps(lang)
    p.add_argument("--since", help=h("help.filters.since"))
    p.add_argument("--until", help=h("help.filters.until"))
    p.add_argument("--status", action="append", default=[], help=h("help.filters.status"))
    p.add_argument("--supplier")
    p.add_argument("--search", help=h("help.filters.search"))
    p.add_argument("--account")
    p.add_argument("--ref")
    p.add_argument("--customer")
    p.add_argument("--batch", type=int)


def history_filter(args: argparse.Namespace, ctx) -> HistoryFilter:
    from kameng_tui.domain.dates import parse_date_range

    since, until = parse_date_range(args.since, args.until, ctx.clock.now(), ctx.settings_view.general.timezone)
    states = []
    for s in args.status:
        for part in s.split(","):
            try:
                states.append(OrderState(part.strip()))
            except ValueError:
                raise BadInput(Msg("err.cli.status", status=repr(part), known=", ".join(x.value for x in OrderState)),
                               field="status") from None
    return HistoryFilter(since=since, until=until, states=tuple(states), supplier=args.supplier,
                         account=args.account, ref=args.ref, customer=args.customer,
                         batch_id=getattr(args, "batch", None), search=args.search)


def parse_fields(args: argparse.Namespace) -> dict[str, str]:
    fields = {} if args.account is None else {"account": args.account}
    for item in args.field:
        if "=" not in item:
            raise BadInput(Msg("err.cli.key_value", option="--field", item=repr(item)), field="field")
        k, v = item.split("=", 1)
        fields[k.strip()] = v.strip()
    return fields


def parse_money_arg(text: str | None, name: str) -> Decimal | None:
    """An amount option, read by the one strict reader (domain/money.parse_amount):
    `10,00` is refused ("use a dot for decimals"), never read as 1000."""
    if text is None:
        return None
    try:
        return money(parse_amount(text))
    except AmountError as exc:
        raise BadInput(Msg("err.cli.amount", option=f"--{name}", reason=exc.msg), field=name) from None


def check_text_args(args: argparse.Namespace) -> None:
    """--ref, --customer, --note: lengths and printable characters (domain/order_text.py)."""
    for key in ("ref", "customer", "note"):
        problem = text_problem(key, getattr(args, key), f"--{key}")
        if problem is not None:
            raise BadInput(problem, field=key)


PENDING_ACTIONS = ("resume", "cancel", "reorder")
"""`kameng-tui order resume|cancel|reorder ORDER_NO`: the words that are not a SKU there."""


async def cmd_order(args, ctx, out: Out) -> int:
    from kameng_tui.services.checkout import OrderInput

    if args.sku == "reorder" and args.order_no:
        from kameng_tui.cli.reorder import cmd_reorder

        return await cmd_reorder(args, ctx, out)
    if args.sku in PENDING_ACTIONS and args.order_no:
        return await cmd_pending(args, ctx, out)
    if args.order_no is not None:
        raise BadInput(Msg("err.order.extra_argument", value=repr(args.order_no)), field="order_no")
    if args.sku in PENDING_ACTIONS:
        raise BadInput(Msg("err.order.action_needs_no", action=args.sku), field="order_no")
    # Which fields are needed (an account, an address, a 区服) is the product's schema,
    # checked with the rest of the input by checkout.
    if not args.yes and not is_tty():
        raise BadInput(Msg("err.cli.order_needs_yes"), field="yes")
    check_text_args(args)
    inp = OrderInput(sku=args.sku, fields=parse_fields(args), quantity=args.qty, ref=args.ref, customer=args.customer,
                     note=args.note, price=parse_money_arg(args.price, "price"),
                     seen_unit_cost=parse_money_arg(args.seen_cost, "seen-cost"), again=args.again,
                     allow_loss=args.allow_loss)
    wait = ctx.settings_view.checkout.default_wait_s if args.wait is None else args.wait
    try:
        placed = await place_answering(ctx, out, inp, wait, args.yes)
    except AccountInvalid as exc:     # before any intent: nothing recorded
        out.error(exc)
        if not out.json_mode:
            _fields_hint(out, exc)
        return exc.exit_code
    order = placed.order
    offer = recorded_offer(ctx, order.order_no)
    if out.json_mode:
        out.doc(order=order_json(order, out.lang), existed=placed.existed, warnings=[out.show(w) for w in placed.warnings],
                anomalies=anomalies_json(out, ctx, order.order_no), offer=offer_json(out, offer))
    else:
        con = out.console()
        for w in placed.warnings:
            con.print(out.t("cli.order.warning", warning=w))
        if placed.existed:
            con.print(out.t("cli.order.existed", ref=order.ref))
        print_order(out, ctx, order)
        print_offer(out, offer)
        print_anomalies(out, ctx, order.order_no)
    return exit_code_for(order.state)


async def place_answering(ctx, out: Out, inp, wait: float, yes: bool):
    """The one checkout use case (services/checkout_flow.py), its questions answered the
    CLI's way: a number of another carrier by `--yes` or the prompt (which shows it); a
    repeat, a price below cost or a risen cost by the flag its refusal names (`--again`,
    `--allow-loss`, `--seen-cost`), so the question is that refusal (exit 2)."""
    from kameng_tui.services.checkout_flow import Ask, NeedsConfirmation

    confirm = None if yes else (lambda p: _confirm(out, ctx, p))
    outcome = await ctx.checkout.flow.place(inp, wait_s=wait, confirm=confirm)
    if isinstance(outcome, NeedsConfirmation) and outcome.ask is Ask.CARRIER:
        outcome = await ctx.checkout.flow.place(inp, carrier_ok=outcome.mismatches, wait_s=wait, confirm=confirm)
    if isinstance(outcome, NeedsConfirmation):
        assert outcome.refusal is not None        # only the carrier is asked without a flag
        raise outcome.refusal
    return outcome


def _fields_hint(out: Out, exc: AccountInvalid) -> None:
    """Which options carry this product's fields (`--account`, `--field address=...`):
    the message names a field by its label, the reseller types an option."""
    if exc.asks:
        options = "  ".join(f"--account {out.show(label)}" if key == "account" else f"--field {key}={out.show(label)}"
                            for key, label in exc.asks)
        out.err_console().print(out.t("cli.order.fields_hint", options=options), markup=False)


def anomalies_json(out: Out, ctx, order_no: str) -> list[dict]:
    """The order's `anomaly` events: what the supplier said against what we asked."""
    from kameng_tui.domain.reply_check import anomaly_msg

    items = []
    for e in ctx.orders.events(order_no):
        msg = anomaly_msg(e.body) if e.kind == "anomaly" else None
        if msg is not None:
            items.append({"code": e.body["code"], "message": out.show(msg), "params": dict(e.body.get("params") or {}),
                          "supplier_text": e.body.get("supplier_text")})
    return items


def print_anomalies(out: Out, ctx, order_no: str) -> None:
    found = anomalies_json(out, ctx, order_no)
    if not found:
        return
    con = out.console()
    for a in found:
        con.print(out.t("cli.order.anomaly", message=a["message"]))
    con.print(out.t("cli.order.anomaly_hint"))


async def cmd_pending(args, ctx, out: Out) -> int:
    """`order resume ORDER_NO` (exit as the order's state; 3 when the supplier could not be
    asked) and `order cancel ORDER_NO` (0 cancelled; 3 not yet; 2 settled)."""

    actions = ctx.pending
    no = args.order_no
    if args.sku == "resume":
        wait = ctx.settings_view.checkout.default_wait_s if args.wait is None else args.wait
        acted = await actions.resume(no, wait)
        message = Msg("err.order.query_failed", order_no=no, action="resume") if acted.status == "query_failed" else None
        code = 3 if acted.status == "query_failed" else exit_code_for(acted.order.state)
    else:
        acted = await actions.cancel(no)
        order = acted.order
        if acted.status == "settled":
            raise BadInput(Msg("err.order.settled", order_no=no, state=state_label(order.state)), field="order_no")
        message = {
            "cancelled": Msg("cli.order.cancelled", order_no=no),
            "query_failed": Msg("err.order.query_failed", order_no=no, action="cancel"),
            "not_found_yet": Msg("err.order.not_found_yet", order_no=no, grace=actions.grace_s(order)),
            "in_flight": Msg("err.order.in_flight", order_no=no, state=state_label(order.state)),
        }[acted.status]
        code = 0 if acted.status == "cancelled" else 3
    order = acted.order
    if out.json_mode:
        out.doc(order=order_json(order, out.lang), status=acted.status, message=None if message is None else out.show(message),
                anomalies=anomalies_json(out, ctx, order.order_no))
        return code
    con = out.console()
    if message is not None:
        con.print(out.show(message))
    print_order(out, ctx, order)
    print_anomalies(out, ctx, order.order_no)
    return code


def _confirm(out: Out, ctx, p) -> bool:
    con = out.console()
    acct = p.account.get("account", "")
    con.print(out.t("cli.order.confirm", name=product_name(out, ctx, p.product.supplier, p.product.name), qty=p.quantity, account=acct, cost=fmt(p.total_cost),
                    price=fmt(p.total_price), profit=fmt(p.profit)))
    print_choice(out, p.choice)
    for m in p.mismatches:
        con.print(f"[yellow]{out.show(m.msg)}[/]")
    answer = input(out.t("cli.order.ask")).strip().lower()
    return answer in YES


def product_name(out: Out, ctx, supplier: str, name: str) -> str:
    """A product's name as markup (a supplier's text is never markup), marked 演示 for a
    demo product beside a real supplier: never sold to a customer by mistake."""
    from rich.markup import escape

    if ctx.supplier_view().is_demo(supplier):
        return f"[reverse]{escape(out.t('demo.mark'))}[/] {escape(name)}"
    return escape(name)


def print_order(out: Out, ctx, order: Order) -> None:
    con = out.console()
    zone = ctx.settings_view.general.timezone
    style = STATE_STYLE.get(order.state.value, "")
    con.print(f"[bold]{order.order_no}[/]  [{style}]{out.show(state_label(order.state))}[/]  "
              f"{product_name(out, ctx, order.supplier, order.product_name)} x{order.quantity}")
    con.print(out.t("cli.order.money", account=order.account_text, cost=fmt(order.total_cost), price=fmt(order.total_price),
                    charged=fmt(order.charged), profit=fmt(order.profit), at=local(order.created_at, zone)))
    if order.reason:
        con.print(out.t("cli.order.reason", reason=reason_text(order.reason, out.lang)))
    if order.state in (OrderState.UNKNOWN, OrderState.SUBMITTED, OrderState.PROCESSING):
        con.print(out.t("cli.order.not_settled"))
    elif order.state is OrderState.PENDING:
        con.print(out.t("cli.order.pending_hint", order_no=order.order_no))
    elif order.state is OrderState.FAILED:
        from kameng_tui.cli.reorder import print_reorder_hint

        print_reorder_hint(out, ctx, order)


def find_order(ctx, number_or_ref: str) -> Order | None:
    """An order by its number, else by the shop's ref it was placed with (the newest
    attempt under that ref): a reseller knows the ref (TB123) before the number."""
    order = ctx.orders.get(number_or_ref)
    if order is None and number_or_ref.strip():
        found = ctx.orders.history(HistoryFilter(ref=number_or_ref.strip()), limit=1).items
        order = found[0] if found else None
    return order


def cmd_show(args, ctx, out: Out) -> int:
    order = find_order(ctx, args.order_no)
    if order is None:
        raise NotFound(Msg("err.order.none", order_no=args.order_no), field="order_no")
    cards = ctx.orders.reveal(order, "reveal") if args.reveal else ctx.orders.cards(order, False)
    events = ctx.orders.events(order.order_no)
    offer = recorded_offer(ctx, order.order_no)
    if out.json_mode:
        out.doc(order=order_json(order, out.lang), cards=cards, events=[
            {"seq": e.seq, "kind": e.kind, "at": e.at.isoformat().replace("+00:00", "Z"), "hash": e.hash} for e in events],
            offer=offer_json(out, offer))
        return 0
    print_order(out, ctx, order)
    print_offer(out, offer)
    con = out.console()
    for c in cards:
        if c.get("locked"):
            con.print("  " + out.t(f"card.locked.{c['locked']}", key_id=c.get("key_id") or ""), markup=False, soft_wrap=True)
            continue
        con.print(out.t("cli.order.card", number=c["number"], password=c["password"])
                  + (out.t("cli.order.card_expires", expires=c["expires"]) if c.get("expires") else ""))
    for e in events:
        con.print(f"  [dim]#{e.seq} {local(e.at, ctx.settings_view.general.timezone)} {out.show(event_label(e.kind))} "
                  f"{e.hash[:12]}[/]")
    return 0


def cmd_history(args, ctx, out: Out) -> int:
    flt = history_filter(args, ctx)
    if args.limit <= 0 or args.limit > 1000:
        raise BadInput(Msg("err.cli.limit"), field="limit")
    page = ctx.orders.history(flt, limit=args.limit, cursor=args.cursor, with_total=True)
    if out.json_mode:
        out.items([order_json(o, out.lang) for o in page.items], total=page.total, next_cursor=page.next_cursor)
        return 0
    from rich.markup import escape
    from rich.table import Table

    zone = ctx.settings_view.general.timezone
    table = Table(box=None, header_style="bold")
    for key in ("time", "order_no", "state", "product", "account", "price", "profit"):
        table.add_column(out.t(f"cli.col.{key}"), justify="right" if key in ("price", "profit") else "left")
    for o in page.items:
        name = product_name(out, ctx, o.supplier, o.product_name)
        table.add_row(local(o.created_at, zone), o.order_no,
                      f"[{STATE_STYLE.get(o.state.value, '')}]{out.show(state_label(o.state))}[/]",
                      name, escape(o.account_text), fmt(o.total_price), fmt(o.profit))
    con = out.console()
    con.print(table)
    con.print(out.t("cli.history.total", total=page.total)
              + (out.t("cli.history.next", cursor=page.next_cursor) if page.next_cursor else ""))
    return 0


async def cmd_reconcile(args, ctx, out: Out) -> int:
    if args.diff:
        return await cmd_reconcile_diff(args, ctx, out)
    if args.since:
        raise BadInput(Msg("err.cli.since_needs_diff"), field="since")
    report = await ctx.reconcile.run(args.supplier)
    from kameng_tui.cli.reorder import print_reorder_hint, reorderable

    failed = reorderable(ctx, report.settled)       # failures learned now: re-ordered only by the person
    if out.json_mode:
        out.doc(checked=report.checked, settled=report.settled, still_open=report.still_open, resent=report.resent,
                claims=report.claims, skipped=report.skipped,
                errors={name: out.show(msg) for name, msg in report.errors.items()},
                reorderable=[o.order_no for o in failed])
    else:
        con = out.console()
        con.print(out.t("cli.reconcile.done", checked=report.checked, settled=len(report.settled),
                        open=len(report.still_open), resent=len(report.resent), claims=len(report.claims)))
        for name, msg in report.errors.items():
            con.print(f"[red]{name}[/]: {out.show(msg)}")
        for order in failed:
            print_reorder_hint(out, ctx, order)
    return 3 if report.still_open else 0


_BALANCE_STALE = {"refused": "cli.balance.refused", "clock": "cli.balance.clock", "identity": "cli.balance.identity"}
_BALANCE_NONE = {"refused": "cli.balance.refused_none", "clock": "cli.balance.clock_none"}
"""Why a balance is not live, when the supplier answered but refused us: the fix differs."""


async def cmd_balance(args, ctx, out: Out) -> int:
    from rich.markup import escape

    views = await ctx.balances.all()
    if out.json_mode:
        out.items([{"supplier": v.supplier, "balance": None if v.amount is None else fmt(v.amount),
                    "unsettled": fmt(v.unsettled), "available": None if v.available is None else fmt(v.available),
                    "live": v.live, "at": None if v.at is None else v.at.isoformat().replace("+00:00", "Z"),
                    "low": v.low, "refused": v.refused, "code": v.code,
                    "error": None if v.problem is None else out.show(v.problem)} for v in views])
        return 0
    con = out.console()
    for v in views:
        identity = v.error == "identity" and v.problem is not None       # another account: say which field differs
        # not the supplier's fault (no secret stored, a config error): say what to fix, not "unreachable"
        ours = v.error in ("unreachable", "no_secret") and v.problem is not None and v.code != "supplier_unavailable"
        if v.amount is None:
            if identity or ours:
                con.print(f"[red]{v.supplier}[/]: {escape(out.show(v.problem))}")
            else:
                con.print(out.t(_BALANCE_NONE.get(v.error or "", "cli.balance.unreachable"), supplier=v.supplier))
            continue
        stale = "" if v.live else out.t(_BALANCE_STALE.get(v.error or "", "cli.balance.stale"),
                                        supplier=v.supplier, at=local(v.at, ctx.settings_view.general.timezone))
        con.print(out.t("cli.balance.line", supplier=v.supplier, amount=fmt(v.amount), unsettled=fmt(v.unsettled),
                        available=fmt(v.available), stale=stale))
        if identity or ours:
            con.print(f"  [red]{escape(out.show(v.problem))}[/]")
        if v.low:
            con.print(out.t("cli.balance.low", below=fmt(ctx.settings_view.balance.low_warning), supplier=v.supplier))
    return 0


async def cmd_reconcile_diff(args, ctx, out: Out) -> int:
    from kameng_tui.domain.dates import parse_date_range

    since, _ = parse_date_range(args.since or "7d", None, ctx.clock.now(), ctx.settings_view.general.timezone)
    report = await ctx.reconcile.diff(args.diff, since)
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
        since_text = local(since, ctx.settings_view.general.timezone) if out.lang != "en" else iso(since)
        con.print(out.t("cli.diff.summary", supplier=args.diff, since=since_text, matched=report.matched,
                        theirs=len(theirs), ours=len(ours), differ=len(differ)))
        for t in theirs:
            con.print(f"  [magenta]{out.t('cli.diff.supplier_only')}[/] {t['order_no']} {t['state']} {t['charged']}")
        for o in ours:
            con.print(f"  [yellow]{out.t('cli.diff.ledger_only')}[/] {o['order_no']} {o['state']} {o['charged']}")
        for d in differ:
            con.print(f"  [red]{out.t('cli.diff.differs')}[/] {d['order_no']} {d['ledger_state']}/{d['supplier_state']} "
                      f"{d['ledger_charged']}/{d['supplier_charged']}")
    return 3 if (theirs or ours or differ) else 0
