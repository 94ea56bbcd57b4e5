"""A third-party supplier plugin that fails to import, is not a factory, or declares a
field whose flag clashes with a built-in one (`--json`) is listed as broken with its
error by `supplier kinds`; every other command, and the app, start as usual.

The plugins are real entry points: a `.dist-info` with entry_points.txt in a directory
on PYTHONPATH (how importlib.metadata finds installed distributions), no pip install."""

from __future__ import annotations

from pathlib import Path

import pytest

from kit import base_env, run_cli
from plugin_kit import write_plugins

@pytest.fixture
def plug_env(tmp_path: Path) -> dict[str, str]:
    return base_env(tmp_path / "home", PYTHONPATH=str(write_plugins(tmp_path / "plugins")))


def test_supplier_kinds_lists_broken_plugins_with_their_error(plug_env):
    r = run_cli(plug_env, "--lang", "en", "supplier", "kinds", "--json")
    assert r.code == 0, r.stdout + r.stderr
    kinds = {i["kind"]: i for i in r.json["items"]}
    assert {"demo", "http", "fulu", "gone", "clash", "odd"} <= set(kinds)
    assert not kinds["http"]["broken"] and [f["flag"] for f in kinds["http"]["fields"]] == ["--base-url", "--key-id", None]
    assert kinds["gone"]["broken"] and "ModuleNotFoundError" in kinds["gone"]["error"]
    assert kinds["clash"]["broken"] and "--json" in kinds["clash"]["error"]
    assert kinds["odd"]["broken"] and "not a supplier factory" in kinds["odd"]["error"]
    assert kinds["gone"]["distribution"] == "brokenplugs"
    people = run_cli(plug_env, "--lang", "en", "supplier", "kinds")
    assert people.code == 0 and "gone  broken plugin: ModuleNotFoundError" in people.stdout, people.stdout
    assert "http  HTTP supplier (open protocol)  --base-url --key-id" in people.stdout


def test_other_commands_still_work_and_a_broken_kind_is_refused(plug_env):
    assert run_cli(plug_env, "supplier", "list", "--json").code == 0
    added = run_cli(plug_env, "supplier", "add", "shop", "--kind", "demo", "--json")
    assert added.code == 0, added.stdout + added.stderr
    refused = run_cli(plug_env, "--lang", "en", "supplier", "add", "x", "--kind", "clash", "--json")
    assert refused.code == 2 and "--json" in refused.json["error"]["message"], refused.stdout + refused.stderr
    assert "Traceback" not in refused.stderr
    listed = run_cli(plug_env, "supplier", "list", "--json")
    assert [i["name"] for i in listed.json["items"]] == ["demo", "shop"]
