"""No message the TUI shows names a CLI command or flag: in the app a reseller presses a
key or opens a screen, so a message names that action ("按 r 对账", "设置 → 账本"),
never `kameng-tui reconcile` or `--again`. Walks the TUI's message tables and every
catalog key the TUI's code names, in both languages."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from kameng_tui.messages.catalog import CATALOG, TABLES

TUI_SRC = Path(__file__).resolve().parents[1] / "src" / "kameng_tui" / "tui"
TUI_TABLES = ("tui", "batch_screen", "settings", "keys")
"""Tables of the app's own words; other tables' keys count where the TUI's code names them."""
IN_APP_WORDS = {"err.checkout.no_data_key", "err.team_key.import"}
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


SHARED_SHOWN_IN_THE_APP = ("err.checkout.repeat", "err.batch.repeat", "err.batch.repeat_unsettled",
                           "err.checkout.below_cost", "err.batch.duplicate_line", "err.supplier.no_secret_http",
                           "err.fulu.no_secret", "err.http.unknown_key_order", "err.http.key_refused_order",
                           "err.http.secret_refused_order", "err.team_key.import")
"""Services' messages that name a CLI command or flag and reach a screen (an order's
error or reason, a batch refused): the app shows its own twin, `in_app.<key>`."""


def placeholders(template: str) -> set[str]:
    return set(re.findall(r"{(\w+)}", template))


@pytest.mark.parametrize("key", SHARED_SHOWN_IN_THE_APP)
def test_the_app_shows_shared_messages_in_its_own_words(key):
    from kameng_tui.messages import Msg
    from kameng_tui.tui.text import Texts

    assert CLI_NAME.search(CATALOG[key][0]), f"{key} no longer names the CLI: drop it here"
    params = {name: "X" for name in placeholders(CATALOG[key][0])}
    for lang in ("zh", "en"):
        shown = Texts(lang).show(Msg(key, **params))
        assert not CLI_NAME.search(shown), shown
        assert placeholders(CATALOG[f"in_app.{key}"][("zh", "en").index(lang)]) <= set(params)
    assert "--" in Msg(key, **params).text("zh") or "kameng-tui" in Msg(key, **params).text("zh")  # the CLI keeps its words


def test_a_twin_inside_another_message_is_swapped_too():
    from kameng_tui.domain.errors import RepeatBatchUnsettled
    from kameng_tui.messages import Joined, Msg
    from kameng_tui.tui.text import Texts

    said = Joined([Msg("err.batch.duplicate_line", line=3), Msg("err.batch.repeat", batch_id=7)])
    shown = Texts("en").show(Msg("batch.repeat_order", reason=said))
    assert "line 3" in shown and "batch 7" in shown and "--" not in shown
    exc = RepeatBatchUnsettled(Msg("err.batch.repeat_unsettled", batch_id=4, n=2), batch_id=4)
    assert "kameng-tui" not in Texts("zh").error(exc) and "批次 4" in Texts("zh").error(exc)


def test_every_twin_is_free_of_cli_names():
    found = [f"{key}: {text}" for key, pair in CATALOG.items() if key.startswith("in_app.")
             for text in pair if CLI_NAME.search(text)]
    assert found == [], "\n".join(found)
