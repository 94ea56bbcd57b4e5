"""Issue 18: `[offers]` in config.toml: rank, exclude, pins. A bad one (unknown supplier,
everything excluded, a pin to an excluded supplier, a malformed product id) is a
config_error naming its line, and nothing else is loaded."""

from __future__ import annotations

from pathlib import Path

import pytest

from kameng_tui.config import Config, config_as_dict, load_config
from kameng_tui.domain.errors import ConfigError
from kameng_tui.domain.offer_values import OffersPolicy

SUPS = '[[suppliers]]\nname = "alpha"\nkind = "demo"\n\n[[suppliers]]\nname = "beta"\nkind = "demo"\n\n'


def load(tmp_path: Path, text: str) -> Config:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path, {})


def test_offers_default_rank_by_cost_nothing_excluded_no_pins(tmp_path):
    assert load(tmp_path, "").offers == OffersPolicy()
    assert config_as_dict(Config())["offers"] == {"rank": "cost", "exclude": [], "pin": {}}


def test_offers_are_read(tmp_path):
    cfg = load(tmp_path, SUPS + '[offers]\nrank = "cost"\nexclude = ["beta"]\n\n[offers.pin]\n"@WZRY-60" = "alpha"\n')
    assert cfg.offers == OffersPolicy(exclude=frozenset({"beta"}), pins={"@WZRY-60": "alpha"})
    assert config_as_dict(cfg)["offers"] == {"rank": "cost", "exclude": ["beta"], "pin": {"@WZRY-60": "alpha"}}


def test_a_pin_may_name_the_product_with_or_without_its_at(tmp_path):
    cfg = load(tmp_path, SUPS + '[offers.pin]\n"@WZRY-60-ZC" = "alpha"\n"HF-CM-100-ZC" = "beta"\n')
    assert cfg.offers.pins == {"WZRY-60-ZC": "alpha", "HF-CM-100-ZC": "beta"}
    assert cfg.offers.pin_of("@HF-CM-100-ZC") == "beta" and cfg.offers.pin_of("WZRY-60-ZC") == "alpha"
    assert config_as_dict(cfg)["offers"]["pin"] == {"@WZRY-60-ZC": "alpha", "@HF-CM-100-ZC": "beta"}


def test_the_implicit_demo_is_a_known_supplier(tmp_path):
    assert load(tmp_path, '[offers.pin]\n"@A" = "demo"\n').offers.pin_of("@A") == "demo"


BAD = [
    # (file text, line, words the English message holds)
    (SUPS + '[offers]\nexclude = ["alpha", "nosuch"]\n', 10, ["nosuch"]),
    (SUPS + '[offers]\nexclude = [\n  "alpha",\n  "nosuch",\n]\n', 12, ["nosuch"]),
    (SUPS + '[offers]\nexclude = ["alpha", "beta"]\n', 10, ["every supplier"]),
    (SUPS + '[offers]\nrank = "speed"\n', 10, ["rank", "cost"]),
    (SUPS + '[offers]\nexclude = "alpha"\n', 10, ["exclude"]),
    (SUPS + '[offers]\nfavourite = "alpha"\n', 10, ["favourite"]),
    (SUPS + '[offers]\nexclude = ["beta"]\n\n[offers.pin]\n"@A" = "alpha"\n"@B" = "beta"\n', 14, ["@B", "beta",
                                                                                               "excluded"]),
    (SUPS + '[offers.pin]\n"@A" = "nosuch"\n', 10, ["nosuch"]),
    (SUPS + '[offers.pin]\n"wzry-60" = "alpha"\n', 10, ["wzry-60", "@WZRY-60-ZC"]),
    (SUPS + '[offers.pin]\n"@" = "alpha"\n', 10, ["product id"]),
    (SUPS + '[offers.pin]\n"@a b" = "alpha"\n', 10, ["@a b"]),
    (SUPS + '[offers.pin]\n"@A" = 3\n', 10, ["@A"]),
    (SUPS + '[offers]\npin = 3\n', 10, ["pin"]),
    ('[offers]\nexclude = ["demo"]\n', 2, ["every supplier"]),
]


@pytest.mark.parametrize("text,line,words", BAD)
def test_bad_offers_config_is_a_config_error_with_the_line(tmp_path, text, line, words):
    with pytest.raises(ConfigError) as err:
        load(tmp_path, text)
    assert err.value.code == "config_error" and err.value.line == line
    en, zh = err.value.text("en"), err.value.text("zh")
    assert f"line {line}" in en and str(line) in zh
    for word in words:
        assert word in en


def test_the_sample_config_documents_offers_with_its_defaults():
    root = Path(__file__).resolve().parents[2]
    sample = (root / "docs" / "config.sample.toml").read_text(encoding="utf-8")
    assert "[offers]" in sample
    assert load_config(root / "docs" / "config.sample.toml", {}).offers == OffersPolicy()


def test_removing_a_supplier_that_offers_names_is_refused_and_the_file_kept(tmp_path):
    from kameng_tui.config_edit import remove_supplier

    text = SUPS + '[offers.pin]\n"@A" = "beta"\n'
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        remove_supplier(path, "beta", {})
    assert "beta" in err.value.text("en")
    assert path.read_text(encoding="utf-8") == text
    assert remove_supplier(path, "alpha", {})


def test_the_cli_shows_the_section_of_a_bad_offers_config(cli, home):
    """The section name in brackets reaches the reader (rich would take `[offers]` for a style)."""
    (home / "config").mkdir(exist_ok=True)
    (home / "config" / "config.toml").write_text('[offers]\nexclude = ["nosuch"]\n', encoding="utf-8")
    r = cli("--lang", "en", "config", "show")
    assert r.code == 2
    assert "[offers] exclude" in " ".join(r.stderr.split()) and "line 2" in r.stderr


def test_the_example_in_offers_md_loads(tmp_path):
    root = Path(__file__).resolve().parents[2]
    doc = (root / "docs" / "offers.md").read_text(encoding="utf-8")
    section = doc[doc.index("## Choosing an offer"):]
    example = section[section.index("```toml") + len("```toml"):]
    example = example[:example.index("```")]
    cfg = load(tmp_path, example)
    assert cfg.offers == OffersPolicy(exclude=frozenset({"slowshop"}), pins={"@WZRY-60-ZC": "fulu"})
