"""SVG snapshots at 120x40 of catalog, checkout, history and settings in zh and the catalog in en.

Deterministic by construction: the clock is frozen (KAMENG_TUI_NOW), order numbers and
the install id come from a fixed sequence, the cursor does not blink. Update with
`pytest tests/tui/test_snapshots.py --snapshot-update` after reading the HTML report.
"""

from __future__ import annotations

import itertools

import pytest
from textual.widgets import Input

from kameng_tui.services.checkout import OrderInput

from conftest import SIZE, settle


@pytest.fixture(autouse=True)
def deterministic(monkeypatch):
    counter = itertools.count()
    alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

    def fixed(n: int) -> str:
        i = next(counter)
        return "".join(alphabet[(i // 32 ** k) % 32] for k in range(n))[::-1]

    monkeypatch.setattr("kameng_tui.domain.order_no.random_base32", fixed)
    monkeypatch.setattr(Input, "_toggle_cursor", lambda self: None)


async def ready(pilot) -> None:
    await settle(pilot.app, pilot)


def test_catalog_zh(make_app, snap_compare):
    app = make_app()
    assert snap_compare(app, terminal_size=SIZE, run_before=ready, press=["slash", *"wzry", "enter"])


def test_catalog_en(make_app, snap_compare):
    app = make_app('[general]\nlanguage = "en"\n')
    assert snap_compare(app, terminal_size=SIZE, run_before=ready, press=["slash", *"huafei", "enter"])


def test_checkout_zh(make_app, snap_compare):
    app = make_app()

    async def before(pilot) -> None:
        await ready(pilot)
        await pilot.press("slash", *"yidong", "space", *"huafei", "enter", "o")
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=before, press=[*"13800138000"])


def test_history_zh(make_app, snap_compare):
    app = make_app()

    async def before(pilot) -> None:
        await ready(pilot)
        ctx = pilot.app.root
        for sku, account, customer in (("demo:HF-CM-10", "13800138000", "张三"), ("demo:HF-LT-20", "13100131000", "李四"),
                                       ("demo:HF-DX-30", "13300133000", None)):
            await ctx.checkout.place(OrderInput(sku=sku, fields={"account": account}, customer=customer, again=True),
                                     wait_s=5)
        await pilot.press("3")
        await ready(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_settings_suppliers_zh(make_app, snap_compare):
    app = make_app('# mine\n[[suppliers]]\nname = "demo"\nkind = "demo"\n\n[[suppliers]]\nname = "shop"\nkind = "demo"\n')

    async def before(pilot) -> None:
        await ready(pilot)
        await pilot.press("4")
        await ready(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=before)


def test_settings_markup_preview_zh(make_app, snap_compare):
    app = make_app('[[pricing.rules]]\ncategory = "实物"\nmarkup = "0.10"\n\n[customers]\n"张三" = "vip"\n')

    async def before(pilot) -> None:
        await ready(pilot)
        await pilot.press("4", "down", "enter", "a")
        await ready(pilot)

    assert snap_compare(app, terminal_size=SIZE, run_before=before,
                        press=[*"话费", "slash", *"中国移动", "tab", *"vip", "tab", "0", "full_stop", "5", "percent_sign"])
