"""No message the TUI shows names a CLI command or flag: in the app a reseller presses a
key or opens a screen, so a message names that action ("按 r 对账", "设置 → 账本"),
never `kameng-tui reconcile` or `--again`. Walks the TUI's message tables and every
catalog key the TUI's code names, in both languages."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from kameng_tui.messages.catalog import CATALOG, TABLES

TUI_SRC = Path(__file__).resolve().parents[1] / "src" / "kameng_tui" / "tui"
TUI_TABLES = ("tui", "batch_screen", "settings", "keys")
"""Tables of the app's own words; other tables' keys count where the TUI's code names them."""
IN_APP_WORDS = {"err.checkout.no_data_key"}
"""Services' messages the app replaces by its own words before showing them
(tui/screens/data_key.py `in_app_words`)."""
CLI_NAME = re.compile(r"kameng-tui\s+[a-z]|(?<![\w-])--[a-z]")


def tui_keys() -> set[str]:
    keys = {k for name in TUI_TABLES for k in TABLES[name]}
    prefixes: set[str] = set()
    for path in TUI_SRC.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in CATALOG:
                keys.add(node.value)
            elif isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant):
                head = str(node.values[0].value)          # t(f"state.{...}"): every key under state.
                if re.fullmatch(r"[a-z_]+(\.[a-z_]+)*\.", head):
                    prefixes.add(head)
    keys |= {k for k in CATALOG if k.startswith(tuple(prefixes))}
    return keys - IN_APP_WORDS


def test_the_tui_keys_are_found():
    keys = tui_keys()
    assert {"export.done", "history.dates_key", "state.succeeded", "key.history.export"} <= keys


def test_no_tui_message_names_a_cli_command_or_flag():
    found = [f"{key} [{lang}]: {text}" for key in sorted(tui_keys())
             for lang, text in zip(("zh", "en"), CATALOG[key]) if CLI_NAME.search(text)]
    assert found == [], "\n".join(found)
