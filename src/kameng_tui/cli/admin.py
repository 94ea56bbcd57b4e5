"""ledger verify|backup|accept-restore|restore, secrets use-file|status, supplier list|add|remove|test, config path|show."""

from __future__ import annotations

import argparse
import dataclasses
import getpass
import os
import sys
from typing import TYPE_CHECKING, Callable, Mapping

from kameng_tui.cli.output import YES, Out, helps, is_tty
from kameng_tui.domain.errors import BadInput, LedgerTampered
from kameng_tui.domain.money import fmt
from kameng_tui.messages import Localized, Msg

if TYPE_CHECKING:  # pragma: no cover
    from kameng_tui.services.data_key import DataKeyStatus


def register(sub: argparse._SubParsersAction, lang: str = "zh") -> None:
    h = helps(lang)
    led = sub.add_parser("ledger", help=h("help.ledger")).add_subparsers(dest="ledger_cmd")
    from kameng_tui.cli.team import add_init
    from kameng_tui.cli.team_move import add_migrate

    add_init(led, h)
    add_migrate(led, h)
    p = led.add_parser("verify", help=h("help.ledger.verify"))
    p.add_argument("--quick", action="store_true", help=h("help.ledger.verify.quick"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_verify)
    p = led.add_parser("backup", help=h("help.ledger.backup"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_backup)
    p = led.add_parser("accept-restore", help=h("help.ledger.accept_restore"))
    p.add_argument("--reason", required=True, help=h("help.ledger.reason"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_accept_restore)
    p = led.add_parser("restore", help=h("help.ledger.restore"))
    p.add_argument("file")
    p.add_argument("--reason", required=True, help=h("help.ledger.reason"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_restore)

    sec = sub.add_parser("secrets", help=h("help.secrets")).add_subparsers(dest="secrets_cmd")
    p = sec.add_parser("status", help=h("help.secrets.status"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_secrets_status)
    p = sec.add_parser("use-file", help=h("help.secrets.use_file"))
    p.add_argument("--path")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_secrets_use_file)
    from kameng_tui.cli import data_key

    data_key.register(sec, h)

    from kameng_tui.cli import supplier_kinds

    sup = sub.add_parser("supplier", help=h("help.supplier")).add_subparsers(
        dest="supplier_cmd", parser_class=supplier_kinds.SupplierParser)
    p = sup.add_parser("list")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_supplier_list)
    supplier_kinds.register(sup, lang, supplier_add_arguments)
    p = sup.add_parser("remove")
    p.add_argument("name")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_supplier_remove)
    p = sup.add_parser("secret", help=h("help.supplier.secret"))
    p.add_argument("name")
    p.add_argument("--secret-stdin", action="store_true", help=h("help.supplier.add.secret_stdin"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_supplier_secret)
    p = sup.add_parser("test", help=h("help.supplier.test"))
    p.add_argument("name", nargs="?")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_supplier_test)
    from kameng_tui.cli import supplier_http

    supplier_http.register(sup, lang)

    cfg = sub.add_parser("config", help=h("help.config")).add_subparsers(dest="config_cmd")
    p = cfg.add_parser("path")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_config_path)
    p = cfg.add_parser("show")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_config_show)


def cmd_verify(args, ctx, out: Out) -> int:
    report = ctx.ledger_status.verify(quick=args.quick)
    lang = out.lang
    if out.json_mode:
        out.doc(ok=report.ok, events=report.events,
                problems=[{**p.as_doc(), "message": p.text(lang)} for p in report.problems],
                first_bad_seq=report.first_bad_seq, anchor=dict(report.anchor),
                quick_check=None if report.quick else report.quick_check, quick=report.quick,
                checkpoint=dict(report.checkpoint) or None, resets=[_reset_doc(r) for r in report.resets])
    else:
        con = out.console()
        if args.quick and not report.quick:
            con.print(out.t("cli.verify.quick_full"), markup=False)
        if report.ok and report.quick:
            cp = report.checkpoint
            con.print(out.t("cli.verify.quick_ok", events=report.events, seq=cp.get("seq"), at=_at(str(cp.get("at"))),
                            new=report.events - int(str(cp.get("seq", 0)))))
        elif report.ok:
            con.print(out.t("cli.verify.ok", events=report.events, quick_check=report.quick_check))
        else:
            con.print(out.t("cli.verify.bad"))
            for p in report.problems:
                con.print(f"  {p.text(lang)}", markup=False)
        for r in report.resets:
            params = r.get("params") or {}
            what = out.t(f"reset.{r.get('code')}", file=params.get("file", "")) if r.get("code") in RESET_CODES else r.get("code")
            con.print(out.t("cli.verify.reset", seq=r["seq"], at=_reset_doc(r)["at"], what=what, reason=r.get("reason") or ""),
                      markup=False)
    if not report.ok:
        return LedgerTampered.exit_code
    return 0


def _at(text: str) -> str:
    from kameng_tui.cli.output import iso
    from kameng_tui.domain.clock import from_utc_text

    return iso(from_utc_text(text)) or text


def _reset_doc(reset) -> dict:
    """An accepted restore as `--json` shows it: times at second precision, like every other."""
    from kameng_tui.cli.output import iso
    from kameng_tui.domain.clock import from_utc_text

    return {**reset, "at": iso(from_utc_text(str(reset["at"])))}


RESET_CODES = ("accepted", "restored_file")
"""The codes an anchor_reset event carries (services/restore.py), each `reset.<code>`."""


def cmd_accept_restore(args, ctx, out: Out) -> int:

    return _restored(ctx.ledger_status.accept_restore(args.reason), out)


def cmd_restore(args, ctx, out: Out) -> int:

    return _restored(ctx.ledger_status.restore_file(args.file, args.reason), out)


def _restored(outcome, out: Out) -> int:
    from kameng_tui.services.restore import as_doc

    if out.json_mode:
        out.doc(**as_doc(outcome))
        return 0
    con = out.console()
    con.print(out.t("cli.restore.done", seq=outcome.reset.seq, chain_seq=outcome.reset.chain_seq), markup=False)
    for c in outcome.checks:                      # one line each, never wrapped: people copy them
        con.print(out.t("cli.restore.diff", command=c.command), markup=False, soft_wrap=True)
        if not c.can_list:
            con.print(out.t("cli.restore.cannot_list", supplier=c.supplier, since=outcome.since), markup=False,
                      soft_wrap=True)
    return 0


def cmd_backup(args, ctx, out: Out) -> int:
    path = ctx.ledger_status.backup()
    return out.done(Msg("cli.backup.done", path=str(path)), path=str(path))


def cmd_secrets_status(args, ctx, out: Out) -> int:
    st = ctx.secrets_status([s for s in ctx.supplier_names()])
    doc = st.as_dict() if hasattr(st, "as_dict") else dict(vars(st))
    dk = ctx.data_key.status(backend=True)
    if out.json_mode:
        out.doc(**doc, data_key_id=dk.key_id, team_data_key_id=dk.team_key_id)
    else:
        print("\n".join(secrets_status_lines(dk, doc["suppliers"], out.t, out.show)))
    return 0


def secrets_status_lines(dk: "DataKeyStatus", suppliers: Mapping[str, str | None], t: Callable[..., str],
                         show: Callable[[Localized], str]) -> list[str]:
    """`secrets status` for people, in the command's language: the keyring found, the
    data key and what its absence disables (with the fix), the key file, supplier secrets."""
    lines = [t("cli.secrets.backend", state=t(f"cli.secrets.kind.{dk.backend_kind}"), name=dk.backend)]
    if dk.problem is not None:
        lines.append(t("cli.secrets.data_key.problem", problem=show(dk.problem)))
    elif dk.source is not None:
        lines.append(t(f"cli.secrets.data_key.{dk.source}"))
    elif dk.creatable:
        lines.append(t("cli.secrets.data_key.creatable"))
    else:
        lines += [t("cli.secrets.data_key.none"), t("cli.secrets.fix", path=dk.key_file)]
    if dk.key_id is not None:
        lines.append(t("cli.secrets.data_key.id", key_id=dk.key_id))
    if dk.team:
        lines.append(t("cli.secrets.data_key.team", team_key_id=dk.team_key_id) if dk.team_key_id
                     else t("cli.secrets.data_key.team_none"))
    on = os.path.exists(dk.key_file)
    lines.append(t("cli.secrets.key_file.on", path=dk.key_file) if on else t("cli.secrets.key_file.off"))
    if suppliers:
        where = {name: t(f"cli.secrets.src.{src or 'none'}") for name, src in suppliers.items()}
        listed = ", ".join(f"{name} {src}" for name, src in where.items())
        lines.append(t("cli.secrets.suppliers", list=listed))
    else:
        lines.append(t("cli.secrets.suppliers.none"))
    return lines


def cmd_secrets_use_file(args, ctx, out: Out) -> int:
    path = ctx.data_key.create_file_key(args.path)
    return out.done(Msg("cli.secrets.use_file", path=str(path)), path=str(path))


def cmd_supplier_list(args, ctx, out: Out) -> int:
    items = [{"name": c.name, "kind": c.kind, "enabled": c.enabled,
              "options": {k: v for k, v in c.options.items() if k != "state_path"}} for c in ctx.supplier_entries()]
    if out.json_mode:
        out.items(items)
    else:
        con = out.console()
        for i in items:
            con.print(f"{i['name']}  ({i['kind']})  " + "  ".join(f"{k}={v}" for k, v in i["options"].items()))
    return 0


def supplier_add_arguments(p: argparse.ArgumentParser, lang: str) -> None:
    """`supplier add`'s own flags; the kind's declared fields are added by its parser
    (cli/supplier_kinds.py) and must not clash with these (suppliers/factory.py)."""
    h = helps(lang)
    p.add_argument("name")
    p.add_argument("--kind", required=True)
    p.add_argument("--option", action="append", default=[], metavar="K=V")
    p.add_argument("--secret-stdin", action="store_true", help=h("help.supplier.add.secret_stdin"))
    p.add_argument("--disable-demo", action="store_true", help=h("help.supplier.add.disable_demo"))
    p.add_argument("--keep-demo", action="store_true", help=h("help.supplier.add.keep_demo"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_supplier_add, kind_fields=())


def _options(args) -> dict[str, str]:
    opts: dict[str, str] = {}
    for item in args.option:
        if "=" not in item:
            raise BadInput(Msg("err.cli.key_value_colon", option="--option", item=repr(item)), field="option")
        k, v = item.split("=", 1)
        opts[k.strip()] = v.strip()
    return opts


async def cmd_supplier_add(args, ctx, out: Out) -> int:
    from kameng_tui.services.supplier_admin import KEY_OPTION, NewSupplier

    if args.disable_demo and args.keep_demo:
        raise BadInput(Msg("err.cli.demo_flags"), field="disable_demo")
    from kameng_tui.cli.supplier_kinds import field_values
    from kameng_tui.suppliers.registry import load_factory

    options = _options(args)
    fields = field_values(args)                      # the kind's declared fields, given as flags
    base_url = fields.pop("base_url", "")
    key_id = fields.pop(KEY_OPTION[args.kind], "") if args.kind in KEY_OPTION else ""
    options.update(fields)
    new = NewSupplier(kind=args.kind, name=args.name, base_url=base_url, key_id=key_id, options=options)
    ctx.supplier_admin.check(new, need_secret=False)
    secret = ""
    if any(f.secret for f in load_factory(args.kind).config_fields):     # the kind declares a secret
        if args.secret_stdin:
            secret = sys.stdin.readline().strip()
        elif is_tty():
            secret = getpass.getpass(out.t("cli.supplier.secret_prompt")).strip()
    await ctx.supplier_admin.add(dataclasses.replace(new, secret=secret), reach=False, need_secret=False)
    disabled, kept = await _demo_after_add(args, ctx, out)
    doc = {"name": args.name, "kind": args.kind, "secret_stored": bool(secret), "demo_disabled": bool(disabled)}
    if out.json_mode:
        out.doc(**doc)
        return 0
    con = out.console()
    con.print(out.t("cli.supplier.added", name=args.name, kind=args.kind), markup=False)
    if disabled:
        con.print(out.t("cli.supplier.demo_disabled", names=", ".join(disabled)), markup=False)
    elif kept and not args.keep_demo:
        con.print(out.t("cli.supplier.demo_kept", names=", ".join(kept)), markup=False)
    return 0


async def _demo_after_add(args, ctx, out: Out) -> tuple[list[str], list[str]]:
    """A real supplier beside the demo: turn the demo off when told (`--disable-demo`) or
    when a person at a terminal says so; a script that says neither keeps it. Returns
    (the demos turned off, the demos left on)."""
    demos = ctx.supplier_admin.demos_to_offer()
    if not demos or args.keep_demo:
        return [], demos
    off = args.disable_demo
    if not off and is_tty() and not out.json_mode:
        try:
            answer = input(out.t("cli.supplier.disable_demo_prompt", names=", ".join(demos)))
        except EOFError:                       # Ctrl-D: no answer, the demo stays
            answer = ""
        off = answer.strip().lower() in YES
    if not off:
        return [], demos
    return await ctx.supplier_admin.disable_demos(), []


async def cmd_supplier_secret(args, ctx, out: Out) -> int:
    """Store or replace a configured supplier's secret (asked at a terminal, or one line on stdin)."""
    if args.secret_stdin:
        secret = sys.stdin.readline().strip()
    else:
        secret = getpass.getpass(out.t("cli.supplier.secret_prompt")).strip() if is_tty() else ""
    ctx.supplier_admin.set_secret(args.name, secret)
    return out.done(Msg("cli.supplier.secret_stored", name=args.name), name=args.name, secret_stored=True)


async def cmd_supplier_remove(args, ctx, out: Out) -> int:
    await ctx.supplier_admin.remove(args.name)
    return out.done(Msg("cli.supplier.removed", name=args.name), name=args.name, removed=True)


async def cmd_supplier_test(args, ctx, out: Out) -> int:
    """Reach each supplier (or the one named). Exit 0 when all answered; else 2 with the
    first failure's code: `auth_failed` (it refused our key id or secret), `clock_skew`,
    `supplier_unavailable` (no answer), `config_error`/`secrets_unavailable` (ours to fix)."""
    names = [args.name] if args.name else ctx.supplier_names()
    results = []
    for name in names:
        if name not in ctx.supplier_names():
            results.append({"name": name, "reachable": False, "code": "not_found",
                            "error": out.t("cli.supplier.none", name=name)})
            continue
        st = await ctx.supplier_admin.test(name)   # the error itself is the answer here
        if st.reachable:
            results.append({"name": name, "kind": st.kind, "reachable": True, "balance": fmt(st.balance), "code": None})
        else:
            msg = st.error.text(out.lang) if st.error is not None else ""
            results.append({"name": name, "reachable": False, "error": msg, "refused": st.refused,
                            "code": _test_code(st.error)})
    failed = [r for r in results if not r["reachable"]]
    if out.json_mode:
        if failed:
            message = "; ".join(f"{r['name']}: {r['error']}" for r in failed)
            out.doc(error={"code": failed[0]["code"], "message": message, "field": "name", "line": None,
                           "items": results})
        else:
            out.items(results)
    else:
        con = out.console()
        for r in results:
            state = out.t("cli.supplier.reachable" if r["reachable"] else
                          "cli.supplier.refused" if r.get("refused") else "cli.supplier.unreachable")
            con.print(f"{r['name']}: {state} {r.get('balance') or ''} {r.get('error') or ''}", markup=False)
    return 2 if failed else 0


def _test_code(error: Exception | None) -> str:
    """What a failed `supplier test` exits with: the refusal or our own config problem by
    its code; everything else (refused connection, timeout, a bad reply) is unavailable."""
    from kameng_tui.domain.errors import REFUSED_US, ConfigError, SecretsUnavailable

    if isinstance(error, (*REFUSED_US, ConfigError, SecretsUnavailable)):
        return error.code
    return "supplier_unavailable"


def cmd_config_path(args, ctx, out: Out) -> int:
    p = ctx.settings_view
    doc = {"config_file": str(p.config_file), "data_dir": str(p.data_dir), "state_dir": str(p.state_dir),
           "log_dir": str(p.log_dir)}
    if out.json_mode:
        out.doc(**doc)
    else:
        for k, v in doc.items():
            print(f"{k}: {v}")
    return 0


def cmd_config_show(args, ctx, out: Out) -> int:

    doc = ctx.config_as_dict()
    if out.json_mode:
        out.doc(config=doc)
    else:
        import tomli_w

        print(tomli_w.dumps(doc))
    return 0
