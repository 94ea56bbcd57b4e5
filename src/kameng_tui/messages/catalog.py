"""The catalog: every table of messages merged into one dict, key -> (zh, en).

Tables are split by area so that no file grows past a screenful of scrolling; a key
defined in two tables is a bug, kept in DUPLICATES for tests/test_messages.py to
report (the later table wins meanwhile).
"""

from __future__ import annotations

from kameng_tui.messages import (adapters, anomalies, batch_cancel, batch_screen, cli, cli_help, domain, keys, services,
                                 settings, suppliers, tui)
from kameng_tui.messages import checkout_outcome, markup
from kameng_tui.messages import offer_choice as offer_choice_messages
from kameng_tui.messages import offer_board as offer_board_messages
from kameng_tui.messages import data_key as data_key_messages
from kameng_tui.messages import first_hour
from kameng_tui.messages import export as export_messages
from kameng_tui.messages import in_app
from kameng_tui.messages import demo_mark
from kameng_tui.messages import verify as verify_messages
from kameng_tui.messages import offers as offer_messages
from kameng_tui.messages import one_language, reasons
from kameng_tui.messages import team_key, team_ledger, team_mirror, team_move, team_owner
from kameng_tui.messages import failover as failover_messages
from kameng_tui.messages import next_offer as next_offer_messages

TABLES: dict[str, dict[str, tuple[str, str]]] = {
    "tui": tui.MESSAGES,
    "batch_screen": batch_screen.MESSAGES,
    "settings": settings.MESSAGES,
    "keys": keys.MESSAGES,
    "cli": cli.MESSAGES,
    "cli_help": cli_help.MESSAGES,
    "domain": domain.MESSAGES,
    "services": services.MESSAGES,
    "adapters": adapters.MESSAGES,
    "suppliers": suppliers.MESSAGES,
    "anomalies": anomalies.MESSAGES,
    "batch_cancel": batch_cancel.MESSAGES,
    "data_key": data_key_messages.MESSAGES,
    "reasons": reasons.MESSAGES,
    "offers": offer_messages.MESSAGES,
    "first_hour": first_hour.MESSAGES,
    "export": export_messages.MESSAGES,
    "in_app": in_app.MESSAGES,
    "demo_mark": demo_mark.MESSAGES,
    "checkout_outcome": checkout_outcome.MESSAGES,
    "markup": markup.MESSAGES,
    "offer_choice": offer_choice_messages.MESSAGES,
    "offer_board": offer_board_messages.MESSAGES,
    "verify": verify_messages.MESSAGES,
    "one_language": one_language.MESSAGES,
    "team_ledger": team_ledger.MESSAGES,
    "team_owner": team_owner.MESSAGES,
    "team_key": team_key.MESSAGES,
    "team_mirror": team_mirror.MESSAGES,
    "team_move": team_move.MESSAGES,
    "failover": failover_messages.MESSAGES,
    "next_offer": next_offer_messages.MESSAGES,
}


def _merge() -> tuple[dict[str, tuple[str, str]], list[str]]:
    merged: dict[str, tuple[str, str]] = {}
    duplicates: list[str] = []
    for table in TABLES.values():
        for key, pair in table.items():
            if key in merged:
                duplicates.append(key)
            merged[key] = pair
    return merged, duplicates


CATALOG, DUPLICATES = _merge()
