"""A light command starts light: what resellers' scripts, cron and this suite pay for every
CLI process (benchmarks/bench_cli_start.py has the figures). Guarded by what a command
imports, not by a timing: `--version` loads neither the app, the store, the network, the
keyring nor any supplier; a command's help loads no other command's module; and the
top-level help still lists every command, whatever command was first named."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from kit import base_env, run_cli

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "http"))
from faultkit import lines  # noqa: E402
from refkit import client_env, start_server  # noqa: E402

# What `--version` has no use for (the list a light command must not load).
HEAVY = ("textual", "rich", "httpx", "sqlite3", "keyring", "numpy", "pypinyin", "tomlkit",
         "kameng_tui.suppliers", "kameng_tui.ledger", "kameng_tui.bootstrap", "kameng_tui.services",
         "kameng_tui.config", "kameng_tui.tui")
OTHER_COMMANDS = ("kameng_tui.cli.admin", "kameng_tui.cli.batch", "kameng_tui.cli.catalog", "kameng_tui.cli.reports")


PROBE = """
import sys
from kameng_tui.__main__ import main
try:
    code = main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
sys.stdout.flush()
print("::modules " + " ".join(sorted(sys.modules)), file=sys.stderr)
raise SystemExit(code)
"""


def imported(home: Path, *args: str) -> tuple[str, set[str]]:
    """The command's stdout and every module loaded when it ends (as `python -m kameng_tui`)."""
    proc = subprocess.run([sys.executable, "-c", PROBE, *args], env=base_env(home),
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    names = set(re.search(r"^::modules (.*)$", proc.stderr, re.M).group(1).split())
    assert "kameng_tui.cli.main" in names
    return proc.stdout, names


def loaded(names: set[str], roots: tuple[str, ...]) -> list[str]:
    return sorted(n for n in names if any(n == r or n.startswith(r + ".") for r in roots))


def test_version_loads_neither_the_app_the_store_the_network_nor_a_supplier(tmp_path):
    for args in (["--version"], ["--lang", "en", "--version"]):
        out, names = imported(tmp_path, *args)
        assert out.startswith("kameng-tui 0.1.0 (Python ")
        assert loaded(names, HEAVY) == [], args
        assert loaded(names, ("kameng_tui.cli.orders", *OTHER_COMMANDS)) == [], args


def test_a_commands_help_loads_no_other_command_and_opens_nothing(tmp_path):
    out, names = imported(tmp_path, "--lang", "en", "history", "-h")
    assert "usage: kameng-tui history" in out
    assert "kameng_tui.cli.orders" in names
    assert loaded(names, OTHER_COMMANDS) == []
    assert loaded(names, ("kameng_tui.bootstrap", "kameng_tui.ledger", "sqlite3", "textual", "httpx")) == []


def test_the_command_map_is_the_whole_tree_in_its_order():
    from kameng_tui.cli.main import COMMAND_MODULES, build_parser

    parser = build_parser("en")
    sub = next(a for a in parser._actions if a.dest == "command")
    assert list(sub.choices) == list(COMMAND_MODULES)
    for command in COMMAND_MODULES:
        alone = next(a for a in build_parser("en", command)._actions if a.dest == "command")
        assert command in alone.choices
        assert alone.choices[command].format_help() == sub.choices[command].format_help()


def test_the_top_level_help_lists_every_command_after_a_command_without_its_subcommand(tmp_path):
    env = base_env(tmp_path)
    whole = run_cli(env, "--lang", "en", "-h")
    assert whole.code == 0
    for first in ("ledger", "batch", "supplier"):
        r = run_cli(env, "--lang", "en", first)
        assert r.code == 2, r.stderr
        usage = r.stdout.split("\n\n", 1)[0]
        assert usage == whole.stdout.split("\n\n", 1)[0]
        assert "config" in usage and "order" in usage and "catalog" in usage


def test_history_and_show_load_no_supplier_no_app_and_no_other_command(tmp_path):
    assert run_cli(base_env(tmp_path), "history").code == 0        # the first start writes the config
    for args, code in ((["history"], 0), (["show", "KM404"], 2)):
        proc = subprocess.run([sys.executable, "-c", PROBE, *args], env=base_env(tmp_path),
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == code, proc.stderr[-2000:]
        names = set(re.search(r"^::modules (.*)$", proc.stderr, re.M).group(1).split())
        assert "kameng_tui.bootstrap" in names and "sqlite3" in names       # it did open the ledger
        assert loaded(names, ("textual", "httpx", "numpy", "pypinyin", "keyring", "tomlkit", "kameng_tui.suppliers",
                              "kameng_tui.tui", "kameng_tui.config_edit", *OTHER_COMMANDS)) == [], args


def test_a_sqlite_batch_run_sends_its_orders_without_numpy_or_psycopg(tmp_path):
    """Every `batch run` process pays its imports before its first order (issue 19: four
    terminals start four processes): the order path needs neither the catalog index's numpy
    nor the team ledger's psycopg when the ledger is a local SQLite file."""
    ref = start_server(tmp_path / "srv")
    try:
        env = client_env(tmp_path / "home", ref.url)
        batch = tmp_path / "b.txt"
        batch.write_text(lines(2, seed=7), encoding="utf-8")
        proc = subprocess.run([sys.executable, "-c", PROBE, "batch", "run", str(batch), "--yes", "--json"], env=env,
                              capture_output=True, text=True, timeout=120)
        assert proc.returncode == 0, proc.stderr[-2000:]
        assert json.loads(proc.stdout)["counts"] == {"succeeded": 2}
        assert len(ref.creates()) == 2                                    # the supplier did receive both
    finally:
        ref.stop()
    names = set(re.search(r"^::modules (.*)$", proc.stderr, re.M).group(1).split())
    assert "sqlite3" in names and "httpx" in names
    assert loaded(names, ("numpy", "psycopg", "kameng_tui.ledger.pg", "kameng_tui.domain.catalog_index",
                          "textual", "pypinyin")) == []
