"""`ledger init`: the team ledger set up on an empty PostgreSQL database (issue 19).

It runs before any shop is opened (a terminal opening an empty database would make the
schema as itself): the handler gets the entry, not a shop.
"""

from __future__ import annotations

import argparse
from typing import Callable

from kameng_tui.cli.output import Out
from kameng_tui.messages import Msg
from kameng_tui.services.shop import Entry


def add_init(led: "argparse._SubParsersAction[argparse.ArgumentParser]", h: Callable[[str], str]) -> None:
    p = led.add_parser("init", help=h("help.ledger.init"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_init)


def cmd_init(args: argparse.Namespace, entry: Entry, out: Out) -> int:
    done = entry.init_team_ledger()
    return out.done(Msg("cli.team.init_done", version=done.schema_version), ok=True, roles=list(done.roles),
                    schema_version=done.schema_version)


cmd_init._before_shop = True         # type: ignore[attr-defined]  # cli/main.py: no shop is opened
