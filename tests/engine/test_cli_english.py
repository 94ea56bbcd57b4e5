"""`--lang en` end to end on the demo supplier: results, tables, errors and --help
carry no Chinese except the catalog's own data (product names, categories, attribute
names and values, account field labels); JSON codes stay English.
"""

from __future__ import annotations


import pytest

from kit import CJK, demo_data_words



DATA = demo_data_words()


def chinese_left(text: str) -> list[str]:
    """The lines of `text` still holding Chinese once the catalog's data is taken out."""
    out = []
    for line in text.splitlines():
        bare = line
        for word in DATA:
            bare = bare.replace(word, "")
        if CJK.search(bare):
            out.append(line)
    return out


@pytest.fixture
def en(cli):
    def run(*args: str, code: int | None = 0, **kw):
        r = cli("--lang", "en", *args, extra_env={"COLUMNS": "200"}, **kw)
        if code is not None:
            assert r.code == code, (args, r.code, r.stdout, r.stderr)
        assert not chinese_left(r.stdout + r.stderr), (args, chinese_left(r.stdout + r.stderr))
        return r
    return run


def test_people_output_is_english(en, tmp_path):
    assert "products match" in en("catalog", "facets", "--search", "huafei").stdout
    listed = en("catalog", "--search", "huafei", "--limit", "5").stdout
    assert "match" in listed and "shown" in listed
    en("catalog", "--tag", "top seller", "--limit", "3")           # a tag by its English label
    placed = en("order", "demo:HF-CM-100", "--account", "13800138000", "--yes", "--wait", "10").stdout
    assert "account:" in placed and "profit" in placed
    ported = en("order", "demo:HF-CM-50", "--account", "13100131000", "--yes", "--wait", "10").stdout
    assert "China Unicom" in ported                                 # the carrier warning, by its English name
    order_no = placed.split()[0]
    assert order_no in en("show", order_no).stdout
    assert "orders" in en("history").stdout
    assert "available" in en("balance").stdout
    en("report", "--by", "day")
    en("claims")
    en("suggest")
    assert "ledger ok" in en("ledger", "verify").stdout
    bad = tmp_path / "bad.csv"
    bad.write_text("sku,account,quantity\ndemo:HF-CM-100,12,1\ndemo:NOPE,13800138001,1\n"
                   "demo:HF-CM-100,13800138002,zero\n", encoding="utf-8")
    batch = en("batch", "run", str(bad), "--yes", code=2)
    assert "bad line(s)" in batch.stderr and "line 4" in batch.stderr


@pytest.mark.parametrize("args", [
    ("order", "demo:HF-CM-100", "--account", "123", "--yes"),
    ("order", "demo:NOPE", "--account", "13800138000", "--yes"),
    ("show", "KM000000000000AAAA000000"),
    ("history", "--since", "last tuesday"),
    ("history", "--limit", "0"),
    ("batch", "run", "/no/such/file.csv", "--yes"),
    ("catalog", "--delivery", "teleport"),
    ("no-such-command",),
])
def test_errors_are_english(en, args):
    r = en(*args, code=2)
    assert r.stderr.startswith("error"), r.stderr


def test_json_errors_keep_their_codes_and_speak_english(en):
    r = en("order", "demo:HF-CM-100", "--account", "123", "--yes", "--json", code=2)
    err = r.json["error"]
    assert err["code"] == "bad_account" and err["field"] == "account"
    assert "11 digits" in err["message"]


def test_help_follows_the_configured_language(cli):
    r = cli("--help", extra_env={"KAMENG_TUI_GENERAL_LANGUAGE": "en"})
    assert r.code == 0 and "place one order" in r.stdout
    assert not CJK.search(r.stdout), r.stdout
    zh = cli("--help")
    assert "place one order / 下单" in zh.stdout                   # zh keeps what it always showed


def test_lang_alone_opens_the_app_in_that_language(monkeypatch):
    """`kameng-tui --lang en` is the app in English, not the usage text."""
    import kameng_tui.tui.app as app_module
    from kameng_tui.__main__ import main

    opened = []
    monkeypatch.setattr(app_module, "run_app", lambda headless=False, lang=None, **kw: opened.append(lang) or 0)
    assert main(["--lang", "en"]) == 0
    assert opened == ["en"]
