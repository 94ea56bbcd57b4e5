"""The team ledger's part of the header (issue 20): a team terminal whose server cannot
be reached says so, and when its mirror last synced, in zh and en."""

from __future__ import annotations

from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest

from conftest import SIZE, screen_lines, settle
from kameng_tui.tui.team_header import synced_text

UNREACHABLE = "postgresql://nobody@/kameng?host=/nonexistent-kameng-socket-dir"


async def test_the_header_says_the_team_ledger_is_offline_and_when_it_synced(make_app, tui_home, pg_url):
    from kameng_tui.domain.history import HistoryFilter
    from kameng_tui.ledger.pg.team import TeamLedger
    from kameng_tui.ledger.sqlite import open_ledger
    from kameng_tui.paths import app_paths
    from kit import base_env

    paths = app_paths(base_env(tui_home))
    team = TeamLedger(pg_url, local=open_ledger(paths.data_dir), state_dir=paths.state_dir)
    team.history(HistoryFilter())                       # the terminal's mirror, synced now
    synced = team.team_status().synced_at
    team.close()
    for lang, words in (("zh", "团队账本离线"), ("en", "team ledger offline")):
        app = make_app(f'[general]\nlanguage = "{lang}"\n[ledger]\nurl = "{UNREACHABLE}"\n')
        async with app.run_test(size=SIZE) as pilot:
            await settle(app, pilot)
            top = screen_lines(app)[0]
            assert words in top, top
            assert synced.astimezone(ZoneInfo("Asia/Shanghai")).strftime("%m-%d %H:%M") in top


@pytest.mark.parametrize("lang", ["zh", "en"])
async def test_three_team_notices_each_stay_whole_and_readable_at_80x24(make_app, pg_url, lang):
    """A team terminal that opened at a weak TLS mode with its clock days off the server's
    (both said at start), and whose server then went away: at 80x24 the header keeps each
    notice whole on a line of its own width (folding onto a second line), in zh (double
    width) and en, and the screen below still shows its keys line."""
    import asyncio

    import psycopg

    import pgkit

    sep = "&" if "?" in pg_url else "?"
    app = make_app(f'[general]\nlanguage = "{lang}"\n[ledger]\nurl = "{pg_url}{sep}sslmode=disable"\n')
    database = urlsplit(pg_url).path.lstrip("/")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert len(app.connection_notices) == 2              # the TLS mode and the clock, asked at start
        with psycopg.connect(pgkit.server().admin_url, autocommit=True) as admin:   # the server goes away
            admin.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS false')
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (database,))
        for _ in range(100):
            if app.team_watch.last is not None and not app.team_watch.last.online:
                break
            await asyncio.sleep(0.05)
        await pilot.pause()
        status = app.team_watch.last
        assert status is not None and not status.online
        synced = synced_text(status.synced_at, "Asia/Shanghai", app.t)
        notices = [app.t.show(n) for n in app.connection_notices] + [app.t("team.status.offline", synced=synced)]
        lines = screen_lines(app)
        top = [line for line in lines[:3]]
        for words in notices:
            assert any(words in line for line in top), (words, top)
        assert "TLS: disable" in "".join(top) and ("时钟" if lang == "zh" else "clock") in "".join(top)
        assert lines[-1].strip(), lines                       # the screen's own last line is still drawn
    with psycopg.connect(pgkit.server().admin_url, autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{database}" ALLOW_CONNECTIONS true')
