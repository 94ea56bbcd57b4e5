"""A batch on the team ledger whose send session the server ends (issue 19: "a terminal
that loses its connection stops sending at once"): the line that meets the lost session
fails, and no other line of the batch is sent after it, though the process goes on
running; the unsent lines stay pending for a resume. Found by the four-machine test
(tests/http/test_pg_four_machines.py), where a terminal went on sending two lines."""

from __future__ import annotations

import asyncio

import psycopg
import pytest

from kameng_tui.domain.errors import StorageError


@pytest.fixture
async def pg_ctx(env, pg_url):
    from kameng_tui.bootstrap import build_context
    from pgkit import team_ledger_config

    team_ledger_config(env, pg_url)
    c = build_context({**env, "KAMENG_TUI_DEMO_LATENCY_MS": "20"})     # lines in flight when it ends
    yield c
    await c.aclose()
    c.close()


async def test_a_batch_whose_send_session_ends_sends_no_line_after_it(pg_ctx, pg_url):
    text = "".join(f"demo:HF-CM-10 1380000{i:04d}\n" for i in range(40))
    plan = await pg_ctx.batch.plan(text, source="lost.csv")
    admin = psycopg.connect(pg_url, autocommit=True)
    ended = []

    def end_session(done, n, order):
        if not ended:        # the first answer: the network drops the send-lock session
            rows = admin.execute("SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity WHERE datname = "
                                 "current_database() AND application_name LIKE 'kameng-tui send %'").fetchall()
            assert rows == [(True,)], rows
            ended.append(admin.execute("SELECT clock_timestamp()").fetchone()[0])

    try:
        with pytest.raises(StorageError):
            await pg_ctx.batch.run(plan, concurrency=4, progress=end_session)
        await asyncio.sleep(1.0)          # the process lives on: nothing of the batch may still be sending
        late = admin.execute("SELECT count(*) FROM events WHERE kind = 'submitted' AND server_at > %s",
                             (ended[0],)).fetchone()[0]
        states = dict(admin.execute("SELECT state, count(*) FROM orders GROUP BY state").fetchall())
        assert late <= 1, f"{late} lines sent after the send session ended: {states}"
        assert states.get("pending", 0) >= 30, states
    finally:
        admin.close()
