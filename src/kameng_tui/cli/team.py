"""`ledger init`, `ledger migrate-schema`, `ledger register-supplier`: the owner's
commands on a team ledger (issue 19).

`init` and `migrate-schema` run before any shop is opened (a terminal refuses to open a
team ledger with no schema or an older one): the handler gets the entry, not a shop.
`register-supplier NAME` makes this config's identity of NAME the team's
(services/supplier_identity.py). A clerk's login is refused each (OwnerOnly, exit 2).
"""

from __future__ import annotations

import argparse
from typing import Callable

from kameng_tui.cli.output import Out
from kameng_tui.messages import Msg
from kameng_tui.services.shop import Entry, Shop


def add_init(led: "argparse._SubParsersAction[argparse.ArgumentParser]", h: Callable[[str], str]) -> None:
    p = led.add_parser("init", help=h("help.ledger.init"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_init)
    p = led.add_parser("migrate-schema", help=h("help.ledger.migrate_schema"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_migrate_schema)
    p = led.add_parser("register-supplier", help=h("help.ledger.register_supplier"))
    p.add_argument("name")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_register_supplier)


def cmd_init(args: argparse.Namespace, entry: Entry, out: Out) -> int:
    done = entry.init_team_ledger()
    return out.done(Msg("cli.team.init_done", version=done.schema_version), ok=True, roles=list(done.roles),
                    schema_version=done.schema_version)


cmd_init._before_shop = True         # type: ignore[attr-defined]  # cli/main.py: no shop is opened


def cmd_migrate_schema(args: argparse.Namespace, entry: Entry, out: Out) -> int:
    version = entry.migrate_team_schema()
    return out.done(Msg("cli.team.migrated", version=version), ok=True, schema_version=version)


cmd_migrate_schema._before_shop = True         # type: ignore[attr-defined]  # a terminal would refuse the old schema


def cmd_register_supplier(args: argparse.Namespace, ctx: Shop, out: Out) -> int:
    done = ctx.team_suppliers.register(args.name)
    return out.done(Msg("cli.team.registered", name=done.name, identity=done.show()), ok=True,
                    supplier=done.as_dict())
