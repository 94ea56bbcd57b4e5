"""Config means what it says (issue 14 point 7): booleans are booleans, supplier names
are names and unique, every number has its bounds, nan and inf are no numbers, a URL
never carries a password. Each refusal names the key and its line; the settings
screen's writes (config_edit) meet the same rules and leave the file as it was."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from kameng_tui.config import load_config
from kameng_tui.config_edit import add_supplier, set_values
from kameng_tui.domain.errors import ConfigError

SUP = '[[suppliers]]\nname = "{name}"\nkind = "demo"\n'


def load(tmp_path: Path, text: str, env: dict[str, str] | None = None):
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path, env or {})


def refused(tmp_path: Path, text: str, env: dict[str, str] | None = None) -> ConfigError:
    with pytest.raises(ConfigError) as err:
        load(tmp_path, text, env)
    assert "Traceback" not in err.value.text("en")
    return err.value


# (file text, line of the bad value, a word the English message must hold)
BAD = [
    # booleans are booleans
    ('[checkout]\nconfirm = "false"\n', 2, "confirm"),
    ('[ui]\nascii = "true"\n', 2, "ascii"),
    ('[pricing]\nuse_face_value = 1\n', 2, "use_face_value"),
    (SUP.format(name="a") + 'enabled = "false"\n', 4, "enabled"),
    (SUP.format(name="a") + "enabled = 0\n", 4, "enabled"),
    # supplier names
    (SUP.format(name="shop") + "\n" + SUP.format(name="shop"), 6, "shop"),
    (SUP.format(name="a") + "\n" + SUP.format(name="b") + "\n" + SUP.format(name="a"), 10, "name"),
    (SUP.format(name="Shop"), 2, "name"),
    (SUP.format(name="my shop"), 2, "name"),
    (SUP.format(name="-shop"), 2, "name"),
    (SUP.format(name="a" * 33), 2, "name"),
    (SUP.format(name="商店"), 2, "name"),
    ('[[suppliers]]\nname = 7\nkind = "demo"\n', 2, "name"),
    # bounds, low and high
    ('[checkout]\nmax_price_rise = "100.01"\n', 2, "max_price_rise"),
    ('[checkout]\nmax_price_rise = "-0.01"\n', 2, "max_price_rise"),
    ('[checkout]\nrepeat_window_s = -1\n', 2, "repeat_window_s"),
    ('[checkout]\nrepeat_window_s = 86401\n', 2, "repeat_window_s"),
    ('[checkout]\ncall_deadline_s = 0\n', 2, "call_deadline_s"),
    ('[checkout]\ncall_deadline_s = 0.5\n', 2, "call_deadline_s"),
    ('[checkout]\ncall_deadline_s = 301\n', 2, "call_deadline_s"),
    ('[checkout]\ndefault_wait_s = -0.1\n', 2, "default_wait_s"),
    ('[checkout]\ndefault_wait_s = 3601\n', 2, "default_wait_s"),
    ('[checkout]\ndefault_concurrency = 0\n', 2, "default_concurrency"),
    ('[checkout]\ndefault_concurrency = 33\n', 2, "default_concurrency"),
    ('[ui]\nclipboard_clear_s = 4\n', 2, "clipboard_clear_s"),
    ('[ui]\nclipboard_clear_s = 601\n', 2, "clipboard_clear_s"),
    # integers are integers
    ('[tags]\nlow_stock = 1.5\n', 2, "low_stock"),
    ('[tags]\nlow_stock = "20"\n', 2, "low_stock"),
    ('[checkout]\ndefault_concurrency = 4.0\n', 2, "default_concurrency"),
    # nan and inf
    ('[checkout]\ndefault_wait_s = nan\n', 2, "default_wait_s"),
    ('[checkout]\ncall_deadline_s = inf\n', 2, "call_deadline_s"),
    ('[checkout]\nmax_price_rise = "nan"\n', 2, "max_price_rise"),
    ('[balance]\nlow_warning = "Infinity"\n', 2, "low_warning"),
    ('[checkout]\nmax_price_rise = "1e1"\n', 2, "max_price_rise"),
    # a password in a URL
    (SUP.format(name="h") + 'base_url = "https://me:hunter2@shop.example/api"\n', 4, "base_url"),
    (SUP.format(name="h") + 'base_url = "https://shop.example/api?user=me&password=hunter2"\n', 4, "base_url"),
    (SUP.format(name="h") + 'base_url = "https://shop.example/api?PassWord=hunter2"\n', 4, "base_url"),
    (SUP.format(name="a") + "\n" + SUP.format(name="h") + 'base_url = "https://:hunter2@shop.example"\n', 8, "base_url"),
]


@pytest.mark.parametrize("text,line,word", BAD)
def test_a_bad_value_is_refused_with_its_key_and_line(tmp_path, text, line, word):
    err = refused(tmp_path, text)
    assert err.line == line, err.text("en")
    message = err.text("en")
    assert word in message and f"line {line}" in message
    assert "hunter2" not in message and "hunter2" not in err.text("zh")
    assert err.exit_code == 2


GOOD = [
    ('[checkout]\nmax_price_rise = "0"\nrepeat_window_s = 0\ncall_deadline_s = 1\ndefault_wait_s = 0\n'
     'default_concurrency = 1\n[ui]\nclipboard_clear_s = 5\n'),
    ('[checkout]\nmax_price_rise = "100"\nrepeat_window_s = 86400\ncall_deadline_s = 300\ndefault_wait_s = 3600\n'
     'default_concurrency = 32\n[ui]\nclipboard_clear_s = 600\n[tags]\nlow_stock = 0\n'),
    SUP.format(name="shop-1_a") + 'base_url = "https://me@shop.example/api?user=me"\nenabled = false\n',
    SUP.format(name="a" * 32),
]


@pytest.mark.parametrize("text", GOOD)
def test_values_at_the_bounds_load(tmp_path, text):
    load(tmp_path, text)


def test_bounds_hold_the_values_read(tmp_path):
    cfg = load(tmp_path, '[checkout]\nmax_price_rise = "100"\ncall_deadline_s = 1\ndefault_wait_s = 3600\n')
    assert cfg.checkout.max_price_rise == Decimal("100") and cfg.checkout.call_deadline_s == 1.0
    cfg = load(tmp_path, SUP.format(name="x") + "enabled = false\n")
    assert [s.enabled for s in cfg.suppliers] == [False]


@pytest.mark.parametrize("key,value", [
    ("KAMENG_TUI_CHECKOUT_DEFAULT_CONCURRENCY", "0"),
    ("KAMENG_TUI_CHECKOUT_DEFAULT_CONCURRENCY", "40"),
    ("KAMENG_TUI_CHECKOUT_CALL_DEADLINE_S", "inf"),
    ("KAMENG_TUI_CHECKOUT_DEFAULT_WAIT_S", "nan"),
    ("KAMENG_TUI_TAGS_LOW_STOCK", "2.5"),
    ("KAMENG_TUI_UI_ASCII", "maybe"),
    ("KAMENG_TUI_CHECKOUT_MAX_PRICE_RISE", "10,00"),
])
def test_environment_overrides_meet_the_same_bounds(tmp_path, key, value):
    err = refused(tmp_path, "", {key: value})
    assert key in err.text("en")


def test_environment_booleans_are_words(tmp_path):
    """An environment variable is always text: true/false/1/0 are its booleans."""
    assert load(tmp_path, "", {"KAMENG_TUI_UI_ASCII": "true"}).ui.ascii is True
    assert load(tmp_path, "", {"KAMENG_TUI_UI_ASCII": "0"}).ui.ascii is False


def test_settings_writes_meet_the_same_bounds_and_change_nothing(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("# mine\n[checkout]\ndefault_concurrency = 4\n", encoding="utf-8")
    before = path.read_bytes()
    for section, values in (("checkout", {"default_concurrency": 0}), ("checkout", {"default_concurrency": 33}),
                            ("ui", {"ascii": "false"}), ("ui", {"clipboard_clear_s": 601}),
                            ("checkout", {"max_price_rise": "10,00"})):
        with pytest.raises(ConfigError):
            set_values(path, section, values, env={})
        assert path.read_bytes() == before
    add_supplier(path, "shop", "demo", {}, env={})
    written = path.read_bytes()
    for name, options in (("shop", {}), ("Shop", {}), ("h", {"base_url": "https://me:hunter2@x.example"})):
        with pytest.raises(ConfigError) as err:
            add_supplier(path, name, "demo", options, env={})
        assert "hunter2" not in err.value.text("en")
        assert path.read_bytes() == written


@pytest.mark.parametrize("url", ["https://me:hunter2@shop.example/api", "https://shop.example/api?password=hunter2"])
def test_supplier_add_refuses_a_password_in_the_url_before_storing_anything(cli, home, url):
    r = cli("--lang", "en", "supplier", "add", "shop", "--kind", "http", "--base-url", url, "--key-id", "k", "--json",
            extra_env={"KAMENG_TUI_SECRET_SHOP": "the-secret"})
    assert r.code == 2, r.stdout + r.stderr
    err = r.json["error"]
    assert err["field"] == "base_url" and "password" in err["message"]
    assert "hunter2" not in r.stdout + r.stderr
    config = home / "config" / "config.toml"
    assert not config.exists() or "hunter2" not in config.read_text(encoding="utf-8")


def test_supplier_add_takes_lowercase_names_only(cli):
    r = cli("--lang", "en", "supplier", "add", "Shop", "--kind", "demo", "--json")
    assert r.code == 2 and r.json["error"]["field"] == "name"
    assert "lowercase" in r.json["error"]["message"]


async def test_the_settings_screen_check_refuses_a_password_url_before_reaching_it(ctx):
    """The settings screen checks, then reaches the URL, then stores the secret: a URL with a
    password is refused at the check, before anything is sent or stored."""
    from kameng_tui.domain.errors import BadInput
    from kameng_tui.services.supplier_admin import NewSupplier

    for url in ("https://me:hunter2@shop.example/api", "http://127.0.0.1:9/api?pwd=hunter2"):
        with pytest.raises(BadInput) as err:
            ctx.supplier_admin.check(NewSupplier(kind="http", name="shop", base_url=url, key_id="k", secret="s"))
        assert err.value.field == "base_url" and "hunter2" not in err.value.text("en")
    ctx.supplier_admin.check(NewSupplier(kind="http", name="shop", base_url="https://me@shop.example/api",
                                         key_id="k", secret="s"))
