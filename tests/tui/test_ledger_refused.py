"""The TUI on a ledger that refuses chained writes (its anchor deleted): the header
says why in red, the background reconcile pauses, an order is refused with nothing
recorded, and Settings → Ledger → Accept restore (with a reason) is the way on."""

from __future__ import annotations

from kameng_tui.domain.states import OrderState
from kameng_tui.tui.screens.settings import SECTIONS

from conftest import SIZE, screen_lines, settle, type_text
from test_settings_screen import open_settings
from tests.ledger.test_store import T0, intent


def header(app) -> str:
    return screen_lines(app)[0]


async def test_refused_ledger_header_paused_reconcile_and_accept_restore_in_settings(make_app, tui_home):
    app = make_app(config_toml='[general]\nlanguage = "en"\n')
    led = app.root.ledger
    led.create_intents([intent(1)], at=T0)
    no = intent(1).order_no
    led.transition(no, OrderState.PENDING, OrderState.SUBMITTED, at=T0)
    (tui_home / "data" / "ledger.head").unlink()           # the anchor deleted
    runs = []
    real_run = app.ctx.reconcile.run

    async def counted(*a, **kw):
        runs.append(1)
        return await real_run(*a, **kw)

    app.ctx.reconcile.run = counted
    events_before = led.events(no)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert "anchor deleted, orders paused: see Settings → Ledger" in header(app), header(app)
        assert runs == []                                     # the background reconcile paused
        assert led.get(no).state is OrderState.SUBMITTED and led.events(no) == events_before

        screen = await open_settings(app, pilot, SECTIONS.index("ledger"))
        screen.focus_section()
        await pilot.pause()
        text = "\n".join(screen_lines(app))
        assert "Accept restore" in text and "ledger's anchor is missing" in text, text
        assert "kameng-tui" not in text.replace(" kameng-tui ", "", 1)  # the TUI names its own actions
        await pilot.press("enter")                            # no reason yet: refused, nothing recorded
        await pilot.pause()
        assert "Write the reason first" in "\n".join(screen_lines(app))
        assert app.refused is not None
        await type_text(pilot, "deleted by mistake")
        await pilot.press("enter")
        await settle(app, pilot)
        text = "\n".join(screen_lines(app))
        assert app.refused is None and "orders paused" not in header(app), header(app)
        assert "Restore accepted" in text and "demo: cannot list orders; check its own records since" in text, text
        assert "reconcile --diff demo" not in text     # a diff that cannot work for it is not offered
        assert runs == [1]                                    # the paused reconcile ran
    report = led.verify()
    assert report.ok and [r["reason"] for r in report.resets] == ["deleted by mistake"]
