"""An unknown SKU near real ones on the same supplier suggests up to 3 (issue 15,
point 10): "HF-CM-5O: did you mean HF-CM-50?", nearest first, in the message and in
`--json` as `suggestions`; for `order` and for batch lines. Nothing is recorded."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import jsonschema
import pytest

from kameng_tui.domain.sku_suggest import Neighbours, nearest

SCHEMA = json.loads((Path(__file__).parent / "cli_schema.json").read_text(encoding="utf-8"))
TWO_DEMOS = '[[suppliers]]\nname = "demo"\nkind = "demo"\n\n[[suppliers]]\nname = "shop2"\nkind = "demo"\n'


def test_nearest_ids_within_two_edits_nearest_first():
    ids = ["HF-CM-10", "HF-CM-20", "HF-CM-30", "HF-CM-50", "HF-CM-100", "HF-LT-50", "QQ-VIP-1"]
    assert nearest("HF-CM-5O", ids) == ("HF-CM-50", "HF-CM-10", "HF-CM-20")     # 1 edit, then 2 edits in text order
    assert nearest("HF-MC-50", ids)[0] == "HF-CM-50"                           # two neighbours swapped: one edit
    assert nearest("hf-cm-50", ids)[0] == "HF-CM-50"                           # letter case is no edit
    assert nearest("HF-CM-50", ids, limit=1) == ("HF-CM-10",)                 # never the id itself
    assert nearest("XX-YY-ZZ", ids) == ()                                       # nothing within 2 edits
    assert nearest("HF-CM-1", ids) == ("HF-CM-10", "HF-CM-100", "HF-CM-20")   # an insertion, two
    assert Neighbours([]).nearest("HF") == ()


def test_the_distance_is_damerau_levenshtein_in_its_alignment_form():
    from kameng_tui.domain.sku_suggest import MAX_DISTANCE, _distances

    words = ["abc", "acb", "ab", "abcd", "xyz", "ba", "cab", "abdc", "a"]
    near = Neighbours(words)
    got = _distances("abc", near.chars, near.lens, MAX_DISTANCE)
    assert list(got) == [0, 1, 1, 1, 3, 2, 2, 1, 2]                           # 3: more than 2 edits


@pytest.fixture(scope="module")
def synced_home(tmp_path_factory):
    """A home whose demo catalog was synced through the CLI, once per module."""
    from kit import base_env, run_cli

    home = tmp_path_factory.mktemp("did-you-mean") / "home"
    r = run_cli(base_env(home), "catalog", "sync")
    assert r.code == 0, r.stderr
    return home


@pytest.fixture
def synced(cli, home, synced_home):
    """The CLI on this test's own copy of the synced home."""
    shutil.copytree(synced_home, home, dirs_exist_ok=True)
    return cli


def test_order_suggests_in_the_message_and_in_json(synced):
    cli = synced
    zh = cli("order", "demo:HF-CM-5O", "--account", "13800138000", "--yes")
    assert zh.code == 2 and "你是不是要找 demo:HF-CM-50" in zh.stderr.replace("\n", ""), zh.stderr
    en = cli("--lang", "en", "order", "HF-CM-5O", "--account", "13800138000", "--yes", "--json")
    assert en.code == 2
    jsonschema.validate(en.json, {**SCHEMA, "$ref": "#/$defs/error"})
    err = en.json["error"]
    assert err["suggestions"] == ["HF-CM-50", "HF-CM-10", "HF-CM-20"]          # as typed: a bare id
    assert "did you mean HF-CM-50" in err["message"] and err["code"] == "off_shelf"
    far = cli("order", "demo:XYZ-Q", "--account", "13800138000", "--yes", "--json")
    assert far.code == 2 and "suggestions" not in far.json["error"]
    assert cli("history", "--json").json["total"] == 0


def test_a_batch_line_suggests_too(synced, tmp_path):
    cli = synced
    path = tmp_path / "b.txt"
    path.write_text("demo:HF-CM-10 13800138000\ndemo:HF-CM-5O 13800138001\n", encoding="utf-8")
    r = cli("--lang", "en", "batch", "run", str(path), "--yes", "--json")
    assert r.code == 2
    jsonschema.validate(r.json, {**SCHEMA, "$ref": "#/$defs/error"})
    lines = r.json["error"]["lines"]
    assert [(x["line"], x["suggestions"][0]) for x in lines] == [(2, "demo:HF-CM-50")]
    assert "did you mean demo:HF-CM-50" in lines[0]["message"]
    assert cli("history", "--json").json["total"] == 0


def test_suggestions_come_from_the_same_supplier_only(cli, home):
    from kameng_tui.paths import app_paths

    config = app_paths({"KAMENG_TUI_HOME": str(home)}).config_file
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(TWO_DEMOS, encoding="utf-8")
    assert cli("catalog", "sync").code == 0
    r = cli("order", "shop2:HF-CM-5O", "--account", "13800138000", "--yes", "--json")
    assert r.code == 2 and r.json["error"]["suggestions"][0] == "shop2:HF-CM-50"
    assert all(s.startswith("shop2:") for s in r.json["error"]["suggestions"])
