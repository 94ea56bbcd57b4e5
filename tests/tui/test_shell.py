"""The shell around the screens: header alerts, start-up notices, supplier errors,
physical goods with an address."""

from __future__ import annotations

from kameng_tui.domain.states import OrderState
from kameng_tui.services.checkout import OrderInput
from kameng_tui.tui.textual_compat import notifications

from conftest import SIZE, screen_lines, settle, type_text
from test_checkout_screen import open_checkout, orders


async def test_low_balance_shows_the_recharge_hint_in_the_header(make_app):
    app = make_app("[balance]\nlow_warning = 100000\n")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        header = screen_lines(app)[0]
        assert "余额 5000.00 元" in header and "充值" in header


async def test_renewals_due_appear_as_a_notice_at_start(make_app):
    month_ago = make_app(KAMENG_TUI_NOW="2026-10-27T10:00:00+08:00")
    async with month_ago.run_test(size=SIZE) as pilot:
        await settle(month_ago, pilot)
        await month_ago.ctx.checkout.place(OrderInput(sku="demo:VM-TX-M-0-D", fields={"account": "13800138000"}), wait_s=5)
    app = make_app()                                        # 2026-11-25: the month is nearly over
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        assert any("即将到期续费" in str(n.message) for n in notifications(app))


async def test_a_failed_order_says_what_to_do(make_app):
    app = make_app(KAMENG_TUI_DEMO_FAIL_RATE="1")
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await settle(app, pilot)
        await open_checkout(app, pilot, "yidong huafei 10")
        await type_text(pilot, "13800138000")
        await pilot.press("enter")
        await settle(app, pilot)
        [order] = orders(app)
        assert order.state is OrderState.FAILED
        assert any("可重新下单" in str(n.message) for n in notifications(app))


async def test_physical_goods_take_an_address_kept_encrypted(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = await open_checkout(app, pilot, "shoujike")
        await type_text(pilot, "zhang")
        assert "地址格式：收件人,电话,地址" in str(screen.query_one("#msg-address").render())
        screen.query_one("#f-address").value = "张三,13800138000,北京市朝阳区建国路1号"
        await pilot.pause()
        assert "格式正确" in str(screen.query_one("#msg-address").render())
        await pilot.press("enter")
        await settle(app, pilot)
        [order] = orders(app)
        assert order.state is OrderState.SUCCEEDED
        assert "建国路" not in str(order.account)               # masked in the ledger's plain columns


def test_a_bug_ends_the_app_with_one_line_and_a_logged_traceback(tui_home):
    """The real command in a subprocess: no traceback on the terminal, the log has it."""
    import subprocess
    import sys

    from kit import base_env

    env = base_env(tui_home, KAMENG_TUI_NOW="2026-11-25T10:00:00+08:00")
    code = ("import kameng_tui.tui.app as a, kameng_tui.tui.screens.catalog as c\n"
            "def boom(self): raise ZeroDivisionError('x')\n"
            "c.CatalogScreen.on_mount = boom\n"
            "import kameng_tui.__main__ as m\n"
            "raise SystemExit(m.run_app(headless=True))\n")
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 1
    out = (r.stdout + r.stderr).replace("\n", "")          # the terminal may wrap the long path
    assert "Traceback" not in out and "ZeroDivisionError" in out and "kameng-tui.log" in out
    log = next(tui_home.rglob("kameng-tui.log")).read_text(encoding="utf-8")
    assert "Traceback" in log and "ZeroDivisionError" in log


async def test_a_first_start_without_the_suppliers_secret_says_why_the_catalog_is_empty(tmp_path):
    """No keyring, no KAMENG_TUI_SECRET_*: the first run's sync fails for want of a
    secret. The header says no secret is stored (not "offline": the network was never
    asked), and the empty list keeps saying why and where to fix it after the toast."""
    from kit import base_env
    from kameng_tui.bootstrap import build_context
    from kameng_tui.tui.app import KamengApp

    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    (home / "config" / "config.toml").write_text(
        '[[suppliers]]\nname = "acme"\nkind = "http"\nbase_url = "http://127.0.0.1:9"\nkey_id = "k1"\n', encoding="utf-8")
    ctx = build_context(base_env(home))
    try:
        app = KamengApp(ctx.shop)
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            await settle(app, pilot)
            lines = screen_lines(app)
            assert "acme" in lines[0] and "未存密钥" in lines[0] and "离线" not in lines[0]
            text = "\n".join(lines)
            assert "同步没有成功" in text and "KAMENG_TUI_SECRET_ACME" in text and "设置" in text
            assert not any("目录已同步" in str(n.message) for n in notifications(app))   # not "synced: 0"
    finally:
        ctx.close()


async def test_a_stored_secret_the_app_may_not_read_is_not_called_missing(tmp_path):
    """The secret is in a key file others may read (0644): it is not used, and the list
    says why (chmod). The header must not send the reseller to store a secret they have."""
    import json
    import os

    from kit import base_env
    from kameng_tui.bootstrap import build_context
    from kameng_tui.tui.app import KamengApp

    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    (home / "config" / "config.toml").write_text(
        '[[suppliers]]\nname = "acme"\nkind = "http"\nbase_url = "http://127.0.0.1:9"\nkey_id = "k1"\n', encoding="utf-8")
    keys = tmp_path / "keys" / "keys.json"
    keys.parent.mkdir()
    keys.write_text(json.dumps({"supplier:acme": "s3cr3t"}), encoding="utf-8")
    os.chmod(keys, 0o644)
    ctx = build_context(base_env(home, KAMENG_TUI_KEY_FILE=str(keys)))
    try:
        app = KamengApp(ctx.shop)
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            lines = screen_lines(app)
            assert "acme" in lines[0] and "未存密钥" not in lines[0]
            assert "0644" in "\n".join(lines)                      # the list says what is wrong
    finally:
        ctx.close()
