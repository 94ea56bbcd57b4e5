"""`kameng-tui ledger migrate --to URL` (issue 20): moving a shop's local ledger onto the
team ledger. Runs before any shop is opened (the local ledger is what it moves): the
handler gets the entry (services/shop.Entry.move_to_team)."""

from __future__ import annotations

import argparse
from typing import Callable

from kameng_tui.cli.output import Out
from kameng_tui.messages import Msg
from kameng_tui.services.shop import Entry


def add_migrate(led: "argparse._SubParsersAction[argparse.ArgumentParser]", h: Callable[[str], str]) -> None:
    p = led.add_parser("migrate", help=h("help.ledger.migrate"))
    p.add_argument("--to", required=True, metavar="URL", help=h("help.ledger.migrate.to"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_migrate)


def cmd_migrate(args: argparse.Namespace, entry: Entry, out: Out) -> int:
    done = entry.move_to_team(args.to)
    return out.done(Msg("cli.team.moved", orders=done["orders"], seq=done["seq"], copied=done["copied"]),
                    ok=True, **done)


cmd_migrate._before_shop = True         # type: ignore[attr-defined]  # cli/main.py: no shop is opened
