"""The app's start checks the ledger from its verified checkpoint on (`ledger verify
--quick`'s check: ledger/verify_quick.py), in a thread: a few milliseconds on a ledger
verified lately. Without a checkpoint it checks nothing here: a full verify of a big
ledger is `kameng-tui ledger verify`'s job (cron, or by hand), not a start-up's."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kameng_tui.tui.app import KamengApp

log = logging.getLogger(__name__)


async def check_since_checkpoint(app: KamengApp) -> None:
    try:
        report = await asyncio.to_thread(app.ctx.ledger_status.verify_since_checkpoint)
    except Exception:                     # a check that could not run is no finding: the log says why
        log.exception("the start-up ledger check could not run")
        return
    if report is None or report.ok:
        return
    first = report.problems[0].text(app.lang) if report.problems else ""
    app.notify(app.t("tui.ledger.since_checkpoint", n=len(report.problems), first=first), severity="error",
               timeout=30, markup=False)
