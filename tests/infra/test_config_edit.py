"""Edits from the settings screen keep the user's comments and layout; a broken file
is named and left byte for byte; an edit whose result would not load writes nothing."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from kameng_tui.config import load_config
from kameng_tui.config_edit import (add_supplier, delete_rule, remove_supplier, save_rule, set_customer, set_keymap,
                                    set_values)
from kameng_tui.domain.errors import ConfigError
from kameng_tui.domain.markup import MarkupRule

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def sample(tmp_path) -> Path:
    path = tmp_path / "config.toml"
    path.write_text((ROOT / "docs" / "config.sample.toml").read_text(encoding="utf-8"), encoding="utf-8")
    return path


def comments(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.lstrip().startswith("#")]


def test_every_kind_of_edit_keeps_every_comment(sample):
    before = comments(sample)
    set_values(sample, "ui", {"ascii": True, "theme": "nord"})
    set_values(sample, "general", {"language": "en"})
    set_keymap(sample, "catalog.order", "n")
    save_rule(sample, MarkupRule(Decimal("0.005"), category="话费/中国移动", level="vip"))
    save_rule(sample, MarkupRule(Decimal("0.10"), category="实物"))
    set_customer(sample, "张三", "vip")
    add_supplier(sample, "ref", "http", {"base_url": "http://127.0.0.1:9", "key_id": "k"})
    assert comments(sample) == before
    cfg = load_config(sample, {})
    assert cfg.ui.ascii and cfg.ui.theme == "nord" and cfg.general.language == "en"
    assert cfg.keymap == {"catalog.order": "n"} and cfg.customers == {"张三": "vip"}
    assert [r.key for r in cfg.pricing.rules] == [("话费/中国移动", "vip"), ("实物", "")]
    assert [s.name for s in cfg.suppliers] == ["ref"]


def test_new_keys_go_where_a_person_would_put_them(sample):
    set_keymap(sample, "catalog.order", "n")
    save_rule(sample, MarkupRule(Decimal("0.10"), category="实物"))
    text = sample.read_text(encoding="utf-8")
    # the keymap entry sits under its own example comment, before the suppliers' comments
    assert text.index('"catalog.order" = "n"') < text.index("# Suppliers.")
    assert text.index('"catalog.order" = "n"') > text.index("[keymap]")
    # the rule sits in the [pricing] part, a blank line before the next section
    assert text.index("[pricing]") < text.index("[[pricing.rules]]") < text.index("[balance]")
    assert '\n\n[balance]' in text


def test_an_inline_comment_survives_a_value_change(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('# mine\n[ui]\nascii = false   # my terminal is wide\n', encoding="utf-8")
    set_values(path, "ui", {"ascii": True})
    assert path.read_text(encoding="utf-8") == '# mine\n[ui]\nascii = true   # my terminal is wide\n'


def test_a_rule_is_updated_in_place_and_deleted(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[pricing]\nmarkup = "0.03"\n\n[[pricing.rules]]\n# VIPs on mobile\ncategory = "话费/中国移动"\n'
                    'level = "vip"\nmarkup = "0.01"\n', encoding="utf-8")
    save_rule(path, MarkupRule(Decimal("0.02"), category="话费", level="vip"), replaces=("话费/中国移动", "vip"))
    text = path.read_text(encoding="utf-8")
    assert "# VIPs on mobile" in text and 'category = "话费"' in text and 'markup = "0.02"' in text
    assert [r.key for r in load_config(path, {}).pricing.rules] == [("话费", "vip")]
    save_rule(path, MarkupRule(Decimal("0.05")), replaces=("", ""))       # the default
    assert load_config(path, {}).pricing.markup == Decimal("0.05")
    delete_rule(path, ("话费", "vip"))
    assert load_config(path, {}).pricing.rules == () and "[[pricing.rules]]" not in path.read_text(encoding="utf-8")


def test_keymap_and_customer_entries_can_be_removed(sample):
    set_keymap(sample, "catalog.order", "n")
    set_customer(sample, "张三", "vip")
    set_keymap(sample, "catalog.order", None)
    set_customer(sample, "张三", None)
    cfg = load_config(sample, {})
    assert cfg.keymap == {} and cfg.customers == {}


def test_a_broken_file_is_named_and_never_rewritten(tmp_path):
    path = tmp_path / "config.toml"
    broken = "# careful\n[ui]\nascii = \n"
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        set_values(path, "ui", {"theme": "nord"})
    assert str(path) in err.value.message and err.value.line == 3
    assert path.read_text(encoding="utf-8") == broken


def test_an_edit_that_would_not_load_writes_nothing(sample):
    before = sample.read_bytes()
    with pytest.raises(ConfigError):
        set_values(sample, "general", {"language": "fr"})
    assert sample.read_bytes() == before


def test_suppliers_come_and_go_without_touching_the_rest(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("# my shop\n[checkout]\nrepeat_window_s = 60\n", encoding="utf-8")
    add_supplier(path, "a", "demo", {})
    add_supplier(path, "b", "demo", {})
    assert remove_supplier(path, "a") and not remove_supplier(path, "a")
    assert [s.name for s in load_config(path, {}).suppliers] == ["b"]
    assert remove_supplier(path, "b")
    assert path.read_text(encoding="utf-8").strip() == "# my shop\n[checkout]\nrepeat_window_s = 60"
