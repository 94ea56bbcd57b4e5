"""The app's start checks the ledger from its verified checkpoint on: an event edited
since the last full verify is said at once, in the app's language; a ledger never
fully verified is left to `ledger verify` (a full check of a big ledger is no start-up's job)."""

from __future__ import annotations

import sqlite3

from kameng_tui.domain.states import OrderState
from kameng_tui.tui.textual_compat import notifications

from conftest import SIZE, settle
from test_settings_screen import open_settings
from tests.ledger.test_store import T0, intent


def notices(app) -> list[str]:
    return [str(n.message) for n in notifications(app)]


def edit_last_event(home) -> int:
    con = sqlite3.connect(home / "data" / "ledger.db", isolation_level=None)
    con.execute("DROP TRIGGER IF EXISTS events_no_update")
    seq = con.execute("SELECT max(seq) FROM events").fetchone()[0]
    con.execute("UPDATE events SET at = replace(at, '20', '19') WHERE seq = ?", (seq,))
    con.close()
    return seq


async def test_an_event_edited_since_the_checkpoint_is_said_at_start(make_app, tui_home):
    app = make_app(config_toml='[general]\nlanguage = "en"\n')
    led = app.root.ledger
    led.create_intents([intent(1)], at=T0)
    assert led.verify().ok                                  # the checkpoint
    led.transition(intent(1).order_no, OrderState.PENDING, OrderState.SUBMITTED, at=T0)
    seq = edit_last_event(tui_home)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        said = [n for n in notices(app) if "since its last full check" in n]
        assert said and f"seq {seq}: content does not match its hash" in said[0], notices(app)


async def test_a_ledger_never_fully_verified_is_not_checked_at_start(make_app, tui_home):
    app = make_app()
    led = app.root.ledger
    led.create_intents([intent(1)], at=T0)
    edit_last_event(tui_home)                                # no checkpoint: not checked at start
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert not [n for n in notices(app) if "完整校验" in n], notices(app)


async def test_accept_restore_on_a_broken_chain_names_its_problems_in_the_apps_language(make_app, tui_home):
    """Settings → Ledger refuses to move past a broken chain and lists what verify found,
    in Chinese like the rest of the screen (not verify's English)."""
    from kameng_tui.tui.screens.settings import SECTIONS

    from conftest import screen_lines, type_text

    app = make_app()
    app.root.ledger.create_intents([intent(1)], at=T0)
    seq = edit_last_event(tui_home)
    (tui_home / "data" / "ledger.head").unlink()           # writes refused: the panel offers accept-restore
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        screen = await open_settings(app, pilot, SECTIONS.index("ledger"))
        screen.focus_section()
        await pilot.pause()
        await type_text(pilot, "restored")
        await pilot.press("enter")
        await settle(app, pilot)
        text = "\n".join(screen_lines(app))
        assert f"第 {seq} 个事件：内容与其哈希不符" in text and "does not match" not in text, text
