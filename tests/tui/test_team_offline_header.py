"""The team ledger's part of the header (issue 20): a team terminal whose server cannot
be reached says so, and when its mirror last synced, in zh and en."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from conftest import SIZE, screen_lines, settle

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
