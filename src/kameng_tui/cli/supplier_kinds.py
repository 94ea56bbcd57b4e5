"""The supplier plugins on the command line: `supplier kinds` lists every installed kind
(broken ones with their error), and `supplier add --kind K` takes K's declared config
fields as flags (`base_url` -> `--base-url`), rendered when the command line names the
kind, so no other command imports a plugin to build its parser."""

from __future__ import annotations

import argparse
from typing import Any, Callable, Sequence

from kameng_tui.cli.parser import Parser
from kameng_tui.cli.output import Out
from kameng_tui.domain.errors import BadInput, KamengError
from kameng_tui.messages import Msg, render


class SupplierParser(Parser):
    """The parser of the `supplier` commands; the one made with `kind_flags=True`
    (`supplier add`) adds the named kind's field flags before it parses."""

    def __init__(self, *a: Any, kind_flags: bool = False, **kw: Any) -> None:
        super().__init__(*a, **kw)
        self.kind_flags = kind_flags
        self.help_lang = "zh"                # the language of the fields' labels in --help
        self.rendered: set[str] = set()

    def parse_known_args(self, args: Sequence[str] | None = None,  # type: ignore[override]  # typeshed overloads it by namespace type; argparse passes a Namespace or None
                         namespace: argparse.Namespace | None = None) -> tuple[argparse.Namespace, list[str]]:
        if self.kind_flags and args is not None:
            self._add_kind_flags(list(args))
        return super().parse_known_args(args, namespace)

    def _add_kind_flags(self, args: list[str]) -> None:
        kind = _kind_named(args)
        if kind is None or kind in self.rendered:
            return
        from kameng_tui.suppliers.factory import flag_fields, flag_of
        from kameng_tui.suppliers.registry import load_factory

        try:
            factory = load_factory(kind)
        except KamengError:        # unknown or broken: the command says so (SupplierAdmin.check)
            return
        self.rendered.add(kind)
        fields = flag_fields(factory)
        for f in fields:
            self.add_argument(flag_of(f), dest=f"field_{f.key}", metavar=f.key.upper(), help=render(f.label, self.help_lang))
        self.set_defaults(kind_fields=fields)


def _kind_named(args: list[str]) -> str | None:
    for i, arg in enumerate(args):
        if arg == "--kind" and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith("--kind="):
            return arg.split("=", 1)[1]
    return None


def field_values(args: argparse.Namespace) -> dict[str, str]:
    """The declared fields given on the command line, by key; BadInput naming the
    first required one left out."""
    fields = getattr(args, "kind_fields", ())
    values = {f.key: str(v).strip() for f in fields if (v := getattr(args, f"field_{f.key}", None))}
    missing = [f for f in fields if f.required and f.default is None and f.key not in values]
    if missing:
        from kameng_tui.suppliers.factory import flag_of

        raise BadInput(Msg("err.cli.kind_needs", kind=args.kind, flags=" ".join(flag_of(f) for f in missing)),
                       field=missing[0].key)
    return values


def register(sup: "argparse._SubParsersAction[argparse.ArgumentParser]", lang: str,
             add_arguments: Callable[[argparse.ArgumentParser, str], None]) -> None:
    """`supplier kinds` and `supplier add`; `add_arguments` gives `add` its own flags
    (cli/admin.py, which owns the command: passed in, so this module never imports it)."""
    p = sup.add_parser("kinds")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_supplier_kinds)
    add = sup.add_parser("add", kind_flags=True)
    assert isinstance(add, SupplierParser)          # the `supplier` commands' parser_class (cli/admin.py)
    add.help_lang = lang
    add_arguments(add, lang)


def kinds_doc(out: Out) -> list[dict[str, Any]]:
    """Every installed kind: its title, fields and flags, or its error (`supplier kinds --json`)."""
    from kameng_tui.suppliers.factory import flag_of
    from kameng_tui.suppliers.registry import plugins

    items: list[dict[str, Any]] = []
    for p in plugins():
        item: dict[str, Any] = {"kind": p.kind, "broken": p.broken, "error": p.error, "entry_point": p.target,
                                "distribution": p.dist, "title": None, "fields": []}
        if p.factory is not None:
            item["title"] = out.show(p.factory.title)
            item["fields"] = [{"key": f.key, "label": out.show(f.label), "secret": f.secret, "required": f.required,
                               "default": f.default, "flag": None if f.secret else flag_of(f)}
                              for f in p.factory.config_fields]
        items.append(item)
    return items


def cmd_supplier_kinds(args: argparse.Namespace, ctx: Any, out: Out) -> int:
    items = kinds_doc(out)
    if out.json_mode:
        out.items(items)
        return 0
    for i in items:                   # plain lines: a plugin's own text is never markup
        if i["broken"]:
            print(out.t("cli.supplier.kind_broken", kind=i["kind"], error=i["error"]))
            continue
        flags = " ".join(f["flag"] for f in i["fields"] if f["flag"]) or "-"
        print(out.t("cli.supplier.kind_line", kind=i["kind"], title=i["title"], flags=flags))
    return 0
