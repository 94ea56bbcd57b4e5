"""The header on a team ledger (issue 19): a connection whose TLS mode was set weaker
than verify-full says so, and a terminal clock more than 60 s off the server's is
warned, in the user's language; a team ledger at verify-full (or a local ledger) shows
neither. The team ledger's first-run data key dialog never makes a key: it says to
import the team's key."""

from __future__ import annotations

import pytest

from conftest import SIZE, screen_lines, settle


def team(url: str, lang: str, mode: str | None) -> str:
    sep = "&" if "?" in url else "?"
    full = url + (f"{sep}sslmode={mode}" if mode else "")
    return f'[general]\nlanguage = "{lang}"\n[ledger]\nurl = "{full}"\n'


@pytest.mark.parametrize("lang, tls, clock", [("zh", "TLS: disable", "时钟"), ("en", "TLS: disable", "clock")])
async def test_the_header_names_a_weaker_tls_mode_and_a_clock_off_the_servers(make_app, pg_url, lang, tls, clock):
    app = make_app(team(pg_url, lang, "disable"))            # KAMENG_TUI_NOW is days before the server's clock
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        header = screen_lines(app)[0]
        assert tls in header and clock in header, header


async def test_no_tls_notice_at_the_default_mode_nor_on_a_local_ledger(make_app, pg_url):
    app = make_app(team(pg_url, "en", None))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert "TLS" not in screen_lines(app)[0]
    local = make_app('[general]\nlanguage = "en"\n')
    async with local.run_test(size=SIZE) as pilot:
        await settle(local, pilot)
        header = screen_lines(local)[0]
        assert "TLS" not in header and "clock" not in header, header


async def test_the_dialog_on_a_team_ledger_says_to_import_and_makes_no_key(make_app, pg_url, no_keyring):
    import os

    app = make_app(team(pg_url, "en", None), KAMENG_TUI_DATA_KEY="")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        path = app.ctx.data_key.status().key_file
        await pilot.press("f6")
        await pilot.pause()
        text = "\n".join(screen_lines(app))
        assert "team" in text and "import" in text.lower(), text
        await pilot.press("y")
        await settle(app, pilot)
        assert not os.path.exists(path)


async def test_a_card_checkout_without_the_team_key_says_import_and_records_nothing(make_app, pg_url):
    import base64

    from kameng_tui.domain.history import HistoryFilter
    from test_checkout_screen import open_checkout
    from conftest import type_text

    owner = make_app(team(pg_url, "en", None))                 # the kit's key becomes the team's
    owner.root.data_key.sealer()
    app = make_app(team(pg_url, "en", None), KAMENG_TUI_DATA_KEY=base64.b64encode(bytes(range(100, 132))).decode())
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert "no team data key" in screen_lines(app)[0]
        await open_checkout(app, pilot, "qqb kami 10")
        await settle(app, pilot)
        assert "team's data key" in "\n".join(screen_lines(app))
        await type_text(pilot, "13800138000")
        await pilot.press("enter")
        await settle(app, pilot)
        assert type(app.screen).__name__ == "DataKeyScreen" and not app.screen.query("#dk-create")
        assert not list(app.root.ledger.history(HistoryFilter(), limit=10).items)


def test_the_header_folds_whole_parts_to_the_width_counting_cjk_as_two_cells():
    """A part never breaks across lines (a notice stays readable), no line is wider than
    the terminal, and parts keep their order: the most important first."""
    from rich.text import Text

    from kameng_tui.tui.header_fold import fold

    parts = [Text(" kameng-tui "), Text("  团队账本离线 副本同步于 12-07 21:00"), Text("  时钟偏差 -1105629 秒"),
             Text("  TLS: disable"), Text("  供应商 demo  1000.00 元")]
    lines = fold(parts, 60).plain.split("\n")
    assert lines == [" kameng-tui   团队账本离线 副本同步于 12-07 21:00",
                     "时钟偏差 -1105629 秒  TLS: disable  供应商 demo  1000.00 元"]
    assert all(Text(line).cell_len <= 60 for line in lines)
    assert fold(parts, 200).plain == "".join(p.plain for p in parts)          # wide enough: one line, as before


async def test_at_80_columns_the_claims_count_stays_and_only_balances_are_cropped(make_app):
    """Six suppliers' balances do not fit in three lines at 80 columns: what is cropped
    is the last balances, never the count of orders to check (需核对)."""
    config = "".join(f'[[suppliers]]\nname = "demo{i}"\nkind = "demo"\n\n' for i in range(8))
    app = make_app(config)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        app._show_claims(3)
        await settle(app, pilot)
        top = "\n".join(screen_lines(app)[:3])
        assert "需核对 3" in top, top
        assert "demo0" in top and "demo7" not in top, top
