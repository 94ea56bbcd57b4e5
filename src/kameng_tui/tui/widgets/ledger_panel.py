"""Settings → Ledger: whether chained writes are refused and why, and the one way on
(accept a restore, with a reason kept in the ledger), as `ledger accept-restore` does
from a terminal (services/restore.py)."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Button, Input, Static

from kameng_tui.domain.errors import ChainBroken, KamengError
from kameng_tui.tui.text import Texts
from kameng_tui.tui.widgets.settings_form import section_title


class LedgerPanel(Vertical):
    def __init__(self, lang: str, **kw) -> None:
        super().__init__(**kw)
        self.t = Texts(lang)
        self.lang = lang
        self.accepting = False          # an acceptance on its way: a second Enter waits for it

    def compose(self) -> ComposeResult:
        t = self.t
        yield section_title(t("ledger.title"))
        yield Static("", id="ledger-state")
        yield Static(t("ledger.hint"), classes="hint")
        reason = Input(id="restore-reason", placeholder=t("ledger.reason"))
        reason.border_title = t("ledger.reason")
        yield reason
        yield Button(t("ledger.accept"), id="accept-restore", variant="warning")
        yield Static("", id="ledger-msg", classes="field-msg")

    def on_mount(self) -> None:
        self.show_state()

    def show_state(self) -> None:
        refused = self.app.refused
        state = self.query_one("#ledger-state", Static)
        if refused is None:
            state.update(Text(self.t("ledger.ok"), style="green"))
        else:
            state.update(Text(self.t("ledger.refused", why=refused.why()), style="bold red"))

    @on(Button.Pressed, "#accept-restore")
    @on(Input.Submitted, "#restore-reason")
    def accept(self) -> None:
        """The restore accepted with the reason typed; the ledger is written in a worker
        thread (the UI thread never waits on the ledger), one acceptance at a time."""
        t, msg = self.t, self.query_one("#ledger-msg", Static)
        reason = self.query_one("#restore-reason", Input).value
        if not reason.strip():
            msg.update(Text(t("ledger.need_reason"), style="red"))
            return
        if not self.accepting:
            self.accepting = True
            self.run_worker(self._accept(reason), group="accept-restore")

    async def _accept(self, reason: str) -> None:
        import asyncio

        t, msg = self.t, self.query_one("#ledger-msg", Static)
        try:
            outcome = await asyncio.to_thread(self.app.ctx.ledger_status.accept_restore, reason)
        except ChainBroken as exc:
            found = [p.text(self.lang) for p in exc.problems[:10]]
            msg.update(Text("\n".join([t("ledger.broken", n=len(exc.problems)), *found]), style="bold red"))
            return
        except KamengError as exc:
            msg.update(Text(self.t.error(exc), style="red"))
            return
        finally:
            self.accepting = False
        lines = [t("ledger.accepted", seq=outcome.reset.seq, chain_seq=outcome.reset.chain_seq)]
        for c in outcome.checks:             # the diff where it works; where not, the supplier's own records
            if c.can_list:
                lines.append(t("ledger.check", supplier=c.supplier, command=c.command))
            else:
                lines.append(t("ledger.cannot_list", supplier=c.supplier, since=outcome.since))
        msg.update(Text("\n".join(lines)))
        self.query_one("#restore-reason", Input).value = ""
        self.app.ledger_accepted()
        self.show_state()
