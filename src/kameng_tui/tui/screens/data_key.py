"""The data key dialog (F6, the header's notice, a refused 卡密 checkout): without a
data key it offers the key file and says where it goes (the path, 0600, outside the
data dir) and that losing it makes the stored 卡密 unreadable; with one, where it
comes from. Making the file takes effect at once (services/data_key.py): an open
checkout orders on its next Enter."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Static

from kameng_tui.domain.errors import KamengError
from kameng_tui.messages import Joined, Localized, Msg
from kameng_tui.services.data_key import DataKeyStatus
from kameng_tui.tui.text import Texts


def in_app_words(msg: Localized | str, t: Texts, key: str) -> str:
    """A reason as the app says it: "no data key" names the key that opens this dialog,
    not the CLI's command (the services' message is the CLI's)."""
    if isinstance(msg, Msg) and msg.key == "err.checkout.no_data_key":
        return t("checkout.no_data_key", key=key)
    if isinstance(msg, Msg) and msg.key == "err.team_key.import":
        return t("checkout.no_team_key", key=key)
    if isinstance(msg, Joined):
        between = "" if msg.sep is None else t(msg.sep)
        return between.join(in_app_words(p, t, key) for p in msg.parts)
    return t.show(msg)


class DataKeyScreen(ModalScreen[bool]):
    """Dismissed with True once the key file was made."""

    BINDINGS = [Binding("escape,n", "cancel", show=False), Binding("y", "create", show=False)]

    def __init__(self, status: DataKeyStatus) -> None:
        super().__init__()
        self.status = status
        self.t = Texts(self.app.lang)
        self.busy = False

    def compose(self) -> ComposeResult:
        t, st = self.t, self.status
        with VerticalScroll(id="dk-box"):
            yield Static(Text(t("datakey.title"), style="bold"), id="dk-title")
            if st.available:
                yield Static(t("datakey.have", source=self._source()), id="dk-state")
                with Horizontal(classes="dk-buttons"):
                    yield Button(t("datakey.close"), id="dk-cancel", variant="primary")
                return
            if st.team and (st.team_key_id is not None or st.key_id is None):
                # a team ledger: never a new key here (no other terminal could open its cards)
                yield Static(t("datakey.team_missing"), id="dk-state")
                yield Static(Text(t("datakey.team_import", team_key_id=st.team_key_id or "-"), style="bold"),
                             classes="dk-gap")
                with Horizontal(classes="dk-buttons"):
                    yield Button(t("datakey.close"), id="dk-cancel", variant="primary")
                return
            if st.problem is not None:
                yield Static(Text(t("datakey.problem", problem=t.show(st.problem)), style="red"), id="dk-state")
            else:
                yield Static(t("datakey.missing", backend=f"{st.backend_kind}: {st.backend}"), id="dk-state")
            yield Static(t("datakey.offer"), classes="dk-gap")
            yield Static(Text(st.key_file, style="bold"), id="dk-path")
            yield Static(t("datakey.mode"))
            yield Static(Text(t("datakey.backup"), style="bold yellow"), classes="dk-gap")
            yield Static("", id="dk-msg")
            with Horizontal(classes="dk-buttons"):
                yield Button(t("datakey.create"), id="dk-create", variant="success")
                yield Button(t("datakey.cancel"), id="dk-cancel", variant="primary")

    def _source(self) -> str:
        st, t = self.status, self.t
        if st.source is None:
            return t("datakey.src.creatable", backend=st.backend)
        return t(f"datakey.src.{st.source}", path=st.key_file, backend=st.backend)

    def on_mount(self) -> None:
        self.query_one("#dk-cancel", Button).focus()

    @on(Button.Pressed, "#dk-cancel")
    def action_cancel(self) -> None:
        if not self.busy:
            self.dismiss(False)

    @on(Button.Pressed, "#dk-create")
    def action_create(self) -> None:
        if self.status.available or self.busy or not self.query("#dk-create"):    # a team ledger offers none
            return
        self.busy = True
        # The file write (and a keyring's key copied in) off the UI thread: a locked
        # keyring may take seconds to say no.
        self.run_worker(self._create, thread=True, group="data-key-create", exit_on_error=False)

    def _create(self) -> None:
        try:
            path = self.app.ctx.data_key.create_file_key()
        except KamengError as exc:
            self.app.call_from_thread(self._failed, exc)
            return
        self.app.call_from_thread(self._made, str(path))

    def _failed(self, exc: KamengError) -> None:
        self.busy = False
        msg = self.query_one("#dk-msg", Static)
        msg.update(Text(exc.text(self.app.lang), style="bold red"))
        msg.display = True

    def _made(self, path: str) -> None:
        self.busy = False
        self.app.notify(self.t("datakey.made", path=path), timeout=12)
        self.app.refresh_data_key(now=True)
        self.dismiss(True)
