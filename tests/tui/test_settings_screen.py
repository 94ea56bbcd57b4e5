"""The settings screen as a reseller uses it: suppliers added against the real
reference server (its secret in the keyring, nowhere on disk), tested, removed,
synced with progress; markup rules with their preview; language, ASCII and keymap
saved into a config.toml whose comments survive; a broken file left alone."""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

import keyring
import pytest
from kit import in_memory_keyring
from textual.widgets import DataTable, Input

from kameng_tui.tui.screens.catalog import CatalogScreen
from kameng_tui.tui.screens.checkout import CheckoutScreen
from kameng_tui.tui.screens.confirm import ConfirmScreen
from kameng_tui.tui.screens.settings import SettingsScreen
from kameng_tui.tui.textual_compat import character_to_key

from conftest import SIZE, screen_lines, settle

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "http"))
from refkit import KEY_ID, SECRET, start_server  # noqa: E402


@pytest.fixture
def memory_keyring():
    old = keyring.get_keyring()
    kr = in_memory_keyring()
    keyring.set_keyring(kr)
    yield kr
    keyring.set_keyring(old)


@pytest.fixture
def ref(tmp_path):
    server = start_server(tmp_path / "ref")
    yield server
    server.stop()


async def typed(pilot, text: str) -> None:
    await pilot.press(*[character_to_key(ch) if not ch.isalnum() else ch for ch in text])


def text_of(app) -> str:
    return "\n".join(screen_lines(app))


def config_file(app) -> Path:
    return app.root.paths.config_file


async def open_settings(app, pilot, section: int = 0) -> SettingsScreen:
    await settle(app, pilot)
    await pilot.press("4")
    await settle(app, pilot)
    assert isinstance(app.screen, SettingsScreen)
    await pilot.press(*["down"] * section)
    await pilot.pause()
    return app.screen


async def fill_supplier(pilot, name: str, url: str, key_id: str, secret: str) -> None:
    """a -> name, Tab -> URL, Tab -> key id, Tab -> secret, Enter: as a user types it."""
    await pilot.press("a")
    await typed(pilot, name)
    await pilot.press("tab")
    await typed(pilot, url)
    await pilot.press("tab")
    await typed(pilot, key_id)
    await pilot.press("tab")
    await typed(pilot, secret)
    await pilot.press("enter")
    await settle(pilot.app, pilot)


def files_holding(home: Path, needle: str) -> list[str]:
    return [str(p) for p in home.rglob("*") if p.is_file() and needle.encode() in p.read_bytes()]


async def test_add_an_http_supplier_then_sync_it_with_progress(make_app, tui_home, ref, memory_keyring):
    app = make_app(KAMENG_TUI_LOGGING_LEVEL="DEBUG")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(app, pilot)
        await fill_supplier(pilot, "ref", ref.url, KEY_ID, SECRET)
        assert isinstance(app.screen, ConfirmScreen)                       # turn the demo off? (test_settings_demo.py)
        await pilot.press("n")
        await settle(app, pilot)
        text = text_of(app)
        assert "已添加 ref" in text and "1000000.00" in text
        row = next(line for line in screen_lines(app) if " ref " in line and "http" in line)
        assert "可连接" in row and "钥匙串" in row
        assert "供应商 ref" in screen_lines(app)[0]                     # the status line knows it at once
        assert memory_keyring.store[("kameng-tui", "supplier:ref")] == SECRET
        cfg = config_file(app).read_text(encoding="utf-8")
        assert 'name = "ref"' in cfg and ref.url in cfg and 'name = "demo"' in cfg     # the demo stays, explicit
        # sync the new supplier: progress while it pages, then the count
        bar = screen.query_one("#sup-progress")
        seen: list[str] = []
        update = bar.update
        bar.update = lambda content="", **kw: (seen.append(str(content)), update(content, **kw))[1]
        assert screen.query_one("#sup-table", DataTable).has_focus
        await pilot.press("s")
        await settle(app, pilot)
        total = app.root.catalog_cache.count("ref")
        assert total > 0 and len(seen) >= 2
        assert "同步完成" in seen[-1] and f"{total}/{total}" in seen[-1] and "[" + "#" * 30 + "]" in seen[-1]
        row = next(line for line in screen_lines(app) if " ref " in line and "http" in line)
        assert str(total) in row and "11-25 10:00" in row
    assert files_holding(tui_home, SECRET) == []                       # config, ledger, WAL, logs


@pytest.mark.parametrize("name,url,key_id,secret,field,message", [
    ("ref", "http://example.com", KEY_ID, SECRET, "base_url", "https"),
    ("shop", "{url}", KEY_ID, SECRET, "name", "已存在"),
    ("bad name", "{url}", KEY_ID, SECRET, "name", "字母"),
    ("ref", "{url}", KEY_ID, "", "secret", "密钥不能为空"),
    ("ref", "http://127.0.0.1:9", KEY_ID, SECRET, "base_url", "无法连接"),
    ("ref", "{url}", KEY_ID, "not-the-secret", "secret", "认证失败"),
])
async def test_a_bad_supplier_is_a_message_on_its_field_and_changes_nothing(make_app, ref, memory_keyring, name, url,
                                                                            key_id, secret, field, message):
    config = '# my suppliers\n[[suppliers]]\nname = "demo"\nkind = "demo"\n\n[[suppliers]]\nname = "shop"\nkind = "demo"\n'
    app = make_app(config)
    before = config_file(app).read_bytes()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(app, pilot)
        await fill_supplier(pilot, name, url.format(url=ref.url), key_id, secret)
        shown = str(screen.query_one(f"#msg-{field}").render())
        assert message in shown, shown
        assert screen.query_one(f"#f-{field}").has_class("-invalid")
        assert config_file(app).read_bytes() == before
        assert memory_keyring.store == {}
        assert [s.name for s in app.ctx.supplier_admin.statuses()] == ["demo", "shop"]


async def test_test_connection_says_reachable_then_why_not(make_app, tui_home, ref):
    config = f'[[suppliers]]\nname = "ref"\nkind = "http"\nbase_url = "{ref.url}"\nkey_id = "{KEY_ID}"\n'
    app = make_app(config, KAMENG_TUI_SECRET_REF=SECRET, KAMENG_TUI_CHECKOUT_CALL_DEADLINE_S="3")
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(app, pilot)
        await pilot.press("enter")                      # into the section: the list
        await pilot.press("t")
        await settle(app, pilot)
        assert "ref 可连接，余额 1000000.00 元" in text_of(app)
        assert "环境变量" in next(line for line in screen_lines(app) if " ref " in line and "http" in line)
        ref.stop()
        await pilot.press("t")
        await settle(app, pilot)
        text = text_of(app)
        assert "ref 无法连接：" in text
        assert "无法连接" in next(line for line in screen_lines(app) if " ref " in line and "http" in line)


async def test_a_supplier_that_refuses_our_key_is_not_called_unreachable(make_app, tui_home, ref):
    config = f'[[suppliers]]\nname = "ref"\nkind = "http"\nbase_url = "{ref.url}"\nkey_id = "someone-else"\n'
    app = make_app(config, KAMENG_TUI_SECRET_REF=SECRET, KAMENG_TUI_CHECKOUT_CALL_DEADLINE_S="3")
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(app, pilot)
        await pilot.press("enter")
        await pilot.press("t")
        await settle(app, pilot)
        assert "ref 未通过：" in text_of(app) and "someone-else" in text_of(app)
        row = next(line for line in screen_lines(app) if " ref " in line and "http" in line)
        assert "拒绝凭据" in row and "无法连接" not in row
        header = screen_lines(app)[0]                   # the header says why there is no balance
        assert "ref" in header and "拒绝凭据" in header and "离线" not in header, header


async def test_remove_asks_first_and_the_products_leave_the_catalog(make_app):
    config = '# mine\n[[suppliers]]\nname = "demo"\nkind = "demo"\n\n[[suppliers]]\nname = "shop"\nkind = "demo"\n'
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(app, pilot)
        await pilot.press("enter", "down", "s")         # the list, the second row, sync it
        await settle(app, pilot)
        assert app.root.catalog_cache.count("shop") > 0
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen) and "shop" in text_of(app)
        await pilot.press("n")
        await pilot.pause()
        assert 'name = "shop"' in config_file(app).read_text(encoding="utf-8")
        await pilot.press("d")
        await pilot.pause()
        await pilot.press("y")
        await settle(app, pilot)
        assert app.screen is screen and "已移除供应商 shop" in text_of(app)
        text = config_file(app).read_text(encoding="utf-8")
        assert "shop" not in text and text.startswith("# mine\n")
        assert app.root.catalog_cache.count("shop") == 0 and "shop" not in screen_lines(app)[0]
        await pilot.press("1")
        await settle(app, pilot)
        assert isinstance(app.screen, CatalogScreen)
        assert not any(sku.startswith("shop:") for sku in app.screen.index.skus)


async def test_a_markup_rule_is_previewed_before_it_is_saved_and_prices_orders(make_app):
    app = make_app("# prices\n[pricing]\n# what walk-ins pay\nmarkup = \"0.03\"\n")
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(app, pilot, section=1)
        await pilot.press("enter", "a")                 # the rules, a new one
        await typed(pilot, "话费/中国移动")
        await pilot.press("tab")
        await typed(pilot, "vip")
        await pilot.press("tab")
        await typed(pilot, "0.5%")
        await pilot.pause()
        product = app.ctx.catalog.product("demo:HF-CM-10")
        expected = (product.unit_cost * Decimal("1.005")).quantize(Decimal("0.01"))
        line = next(l for l in screen_lines(app) if product.name in l)
        assert "10.00" in line and str(expected) in line and "本规则" in line   # now -> new, before saving
        assert "pricing.rules" not in config_file(app).read_text(encoding="utf-8")
        await pilot.press("enter")
        await settle(app, pilot)
        text = config_file(app).read_text(encoding="utf-8")
        assert "# what walk-ins pay" in text and 'category = "话费/中国移动"' in text and 'markup = "0.005"' in text
        assert any("话费/中国移动" in l and "vip" in l and "0.5%" in l for l in screen_lines(app))
        # a bad markup is a message on its field and saves nothing
        assert screen.query_one("#f-markup", Input).has_focus
        await pilot.press("ctrl+u")
        await typed(pilot, "abc")
        await pilot.press("enter")
        await pilot.pause()
        assert "3% 或 0.03" in str(screen.query_one("#msg-markup").render())
        assert config_file(app).read_text(encoding="utf-8") == text
        # 张三 is a VIP: the checkout prices him by the rule
        screen.query_one("#f-customer", Input).focus()
        await typed(pilot, "张三")
        await pilot.press("tab")
        await typed(pilot, "vip")
        await pilot.press("enter")
        await settle(app, pilot)
        assert '"张三" = "vip"' in config_file(app).read_text(encoding="utf-8")
        from kameng_tui.services.checkout import OrderInput

        prepared = await app.ctx.checkout.prepare(OrderInput(sku="demo:HF-CM-10", fields={"account": "13800138000"},
                                                             customer="张三"))
        assert prepared.unit_price == (prepared.unit_cost * Decimal("1.005")).quantize(Decimal("0.01"))


async def test_language_switches_live_and_is_saved(make_app):
    app = make_app("# shop settings\n[general]\n# Chinese for the staff\nlanguage = \"zh\"\n")
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(app, pilot, section=2)
        await pilot.press("enter")                      # into the section: the language picker
        await pilot.press("enter", "down", "enter")     # open it, English, pick
        await settle(app, pilot)
        text = text_of(app)
        assert "Interface (saved and applied at once)" in text and "Suppliers" in text and "Settings" in text
        assert "界面" not in text
        cfg = config_file(app).read_text(encoding="utf-8")
        assert 'language = "en"' in cfg and "# Chinese for the staff" in cfg and cfg.startswith("# shop settings")
        await pilot.press("escape", "1")
        await settle(app, pilot)
        assert isinstance(app.screen, CatalogScreen)
        assert "products" in text_of(app) and "Catalog" in text_of(app)


async def test_ascii_edit_keeps_the_comments_and_applies_at_once(make_app):
    config = "# my terminal is odd\n[ui]\n# keep this\nascii = false   # inline too\ntheme = \"textual-dark\"\n"
    app = make_app(config)
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(app, pilot, section=2)
        await pilot.press("enter", "tab", "tab")        # language -> theme -> ASCII
        await pilot.press("enter", "down", "enter")
        await settle(app, pilot)
        assert app.has_class("-ascii")
        assert config_file(app).read_text(encoding="utf-8") == config.replace("ascii = false", "ascii = true")


async def test_a_broken_config_is_named_and_not_overwritten(make_app):
    app = make_app("[ui]\ntheme = \"textual-dark\"\n")
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(app, pilot, section=2)
        broken = "# edited by hand, half done\n[ui]\ntheme = \n"
        config_file(app).write_text(broken, encoding="utf-8")
        await pilot.press("enter", "tab", "tab")
        await pilot.press("enter", "down", "enter")     # ASCII on
        await settle(app, pilot)
        msg = str(app.screen.query_one("#ui-msg").render())
        assert str(config_file(app)) in msg and "第 3 行" in msg
        assert config_file(app).read_text(encoding="utf-8") == broken
        assert not app.has_class("-ascii")


async def test_a_key_remapped_on_the_screen_works_at_once(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(app, pilot, section=3)
        await pilot.press("enter")
        table = screen.query_one("#keys-table", DataTable)
        table.move_cursor(row=next(i for i, k in enumerate(table.rows) if k.value == "catalog.order"))
        await pilot.press("enter")
        await typed(pilot, "s")
        await pilot.press("enter")
        await pilot.pause()
        assert "catalog.sort" in str(screen.query_one("#msg-keys").render())     # taken: refused
        assert not config_file(app).exists()                                   # nothing saved
        await pilot.press("ctrl+u")
        await typed(pilot, "n")
        await pilot.press("enter")
        await pilot.pause()
        assert '"catalog.order" = "n"' in config_file(app).read_text(encoding="utf-8")
        await pilot.press("1")
        await settle(app, pilot)
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, CatalogScreen)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, CheckoutScreen)


async def test_no_usable_keyring_offers_the_key_file_and_never_falls_back_silently(make_app, tui_home, ref):
    from keyring.backends import fail

    old = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        app = make_app()
        async with app.run_test(size=SIZE) as pilot:
            await open_settings(app, pilot)
            await fill_supplier(pilot, "ref", ref.url, KEY_ID, SECRET)
            assert isinstance(app.screen, ConfirmScreen)             # asked, not done behind the user's back
            assert "fail" in text_of(app) and "0600" in text_of(app)
            assert not config_file(app).exists() and not app.root.secrets.key_file.exists()
            await pilot.press("y")
            await settle(app, pilot)
            assert "已添加 ref" in text_of(app)
            key_file = app.root.secrets.key_file
            assert SECRET in key_file.read_text(encoding="utf-8") and oct(key_file.stat().st_mode & 0o777) == "0o600"
            assert "密钥文件" in next(line for line in screen_lines(app) if " ref " in line and "http" in line)
        assert [f for f in files_holding(tui_home, SECRET) if Path(f) != key_file] == []
    finally:
        keyring.set_keyring(old)


async def test_a_missing_secret_is_stored_with_k_and_the_header_and_catalog_follow(make_app, tui_home, ref):
    """A supplier configured without its secret, on a machine with no usable keyring: the
    header says 未存密钥; in Settings -> Suppliers `k` takes the secret (hidden, never on
    screen) for the existing name, which `a` would refuse; the key file is offered, as
    when adding, never used behind the user's back; then the header asks the balance
    again and a sync fills the catalog. Esc in the secret dialog stores nothing."""
    from keyring.backends import fail

    old = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        app = make_app(f'[[suppliers]]\nname = "ref"\nkind = "http"\nbase_url = "{ref.url}"\nkey_id = "{KEY_ID}"\n')
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            assert "未存密钥" in screen_lines(app)[0]
            screen = await open_settings(app, pilot)
            screen.set_focus(screen.query_one("#sup-table", DataTable))
            await pilot.press("k")
            await settle(app, pilot)
            await typed(pilot, "other")
            await pilot.press("escape")                                 # Esc: nothing stored, nothing asked
            await settle(app, pilot)
            assert not isinstance(app.screen, ConfirmScreen) and not app.root.secrets.key_file.exists()
            await pilot.press("k")
            await settle(app, pilot)
            await typed(pilot, SECRET)
            assert SECRET not in text_of(app)                           # typed hidden
            await pilot.press("enter")
            await settle(app, pilot)
            assert isinstance(app.screen, ConfirmScreen) and "0600" in text_of(app)
            await pilot.press("y")
            await settle(app, pilot)
            key_file = app.root.secrets.key_file
            assert SECRET in key_file.read_text(encoding="utf-8") and "已保存 ref 的密钥" in text_of(app)
            header = screen_lines(app)[0]
            assert "未存密钥" not in header and "1000000.00" in header
            await pilot.press("s")
            await settle(app, pilot)
            assert app.root.catalog_cache.count("ref") > 0
        assert [f for f in files_holding(tui_home, SECRET) if Path(f) != key_file] == []
    finally:
        keyring.set_keyring(old)
