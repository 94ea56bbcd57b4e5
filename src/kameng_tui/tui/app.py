"""The Textual app: one service graph handed down, screens as modes, orders in
App-owned tasks, start-up reconciliation in the background.

While the ledger refuses chained writes (`refused`: it no longer holds its anchor),
the header says why in red, the background reconcile pauses, and Settings → Ledger
is the way on (accept the restore)."""

from __future__ import annotations

import logging
import time
import unicodedata
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable

from rich.text import Text
from textual.app import SystemCommand
from textual.binding import Binding
from textual.reactive import reactive
from textual.screen import Screen

from kameng_tui.domain.errors import AnchorMismatch, KamengError
from kameng_tui.domain.models import Order
from kameng_tui.services.balances import BalanceView, available_of
from kameng_tui.services.shop import Shop
from kameng_tui.tui.app_messages import (BalancesChanged, BatchLinesUpdated, CatalogChanged, DataKeyChanged,
                                         LedgerStateChanged, ScreenNews, SuppliersChanged)
from kameng_tui.tui.batch_messages import BatchLinesChanged
from kameng_tui.tui.batch_runner import BatchRunner
from kameng_tui.tui.keys import APP_KEYS, bindings
from kameng_tui.tui.ledger_feed import LedgerMoved, show_changes
from kameng_tui.tui import ledger_notices
from kameng_tui.tui.team_header import WATCH_S, TeamWatch
from kameng_tui.tui.order_runner import FailoverStopped, OrderChanged, OrderFailedOver, OrderRunner
from kameng_tui.tui.screens.batch import BatchScreen
from kameng_tui.tui.screens.catalog import CatalogScreen
from kameng_tui.tui.screens.history import HistoryScreen
from kameng_tui.tui.screens.settings import SettingsScreen
from kameng_tui.tui.app_header import header_parts
from kameng_tui.tui.order_news import order_done
from kameng_tui.tui.reorder_news import ReorderNews
from kameng_tui.tui.text import Texts
from kameng_tui.tui.tuning import collect_less_often
from kameng_tui.tui.unsettled import UnsettledCosts
from kameng_tui.tui.textual_compat import UnhandledExceptionHook, all_screens, install_bindings

if TYPE_CHECKING:  # pragma: no cover
    from kameng_tui.services.data_key import DataKeyStatus
    from kameng_tui.services.order_input import OrderInput

log = logging.getLogger("kameng_tui.tui")
STARTED = time.perf_counter()


class KamengApp(UnhandledExceptionHook):
    CSS_PATH = Path(__file__).with_name("app.tcss")     # absolute: subclasses elsewhere find it too
    TITLE = "kameng-tui"
    ENABLE_COMMAND_PALETTE = True

    status: reactive[tuple[Text, ...]] = reactive((), always_update=True)
    """The header's parts (tui/app_header.py), folded to the width by each StatusBar."""

    MODES = {"catalog": CatalogScreen, "batch": BatchScreen, "history": HistoryScreen, "settings": SettingsScreen}

    def __init__(self, ctx: Shop, lang: str | None = None) -> None:
        """`lang` (from `--lang`) overrides `[general] language` for this run."""
        super().__init__()
        self.ctx = ctx
        self.lang = lang or ctx.settings_view.general.language
        self.t = Texts(self.lang)
        install_bindings(self, bindings(APP_KEYS, self.lang))
        self.runner = OrderRunner(ctx, self._order_done, self.post_message)
        self.batch_runner = BatchRunner(ctx, post=self.post_message)
        self.reorder_news = ReorderNews(self)     # a failure learned later, offered as a re-order
        self.balances: dict[str, BalanceView] = {}
        self.unsettled = UnsettledCosts(self)
        self.refused: AnchorMismatch | None = None
        self.claims_count = 0
        """Claims (需核对): orders needing a check, anomalies, balance drift; in the header."""
        self.connection_notices: list[Any] = []
        """The team ledger's connection as the header says it (tui/ledger_notices.py)."""
        self.data_key_status: DataKeyStatus | None = None
        """Where the data key comes from (services/data_key.DataKeyStatus), probed in a thread
        at start; None until it answers. Without one the header says 卡密 cannot be ordered."""
        if ctx.settings_view.ui.ascii:
            self.add_class("-ascii")

    # --- start-up ---------------------------------------------------------------------------
    def on_mount(self) -> None:
        collect_less_often()             # tui/tuning.py: why, and what it measured
        self.theme = self.ctx.settings_view.ui.theme if self.ctx.settings_view.ui.theme in self.available_themes else "textual-dark"
        if self.ctx.settings_view.keymap:
            from kameng_tui.tui.keys import all_keys

            known = {k.id for k in all_keys()}
            unknown = sorted(set(self.ctx.settings_view.keymap) - known)
            if unknown:
                self.notify(self.t("keymap.unknown", ids=", ".join(unknown)), severity="warning", timeout=15)
            self.set_keymap({k: v for k, v in self.ctx.settings_view.keymap.items() if k in known})
        self.team_watch = TeamWatch(self.ctx.ledger_status.team, self._render_status)     # tui/team_header.py
        if self.team_watch.last is not None:
            self.set_interval(WATCH_S, self.team_watch.tick)
        self._render_status()
        self.switch_mode("catalog")
        self.call_after_refresh(self._check_size)
        self.run_worker(self._start_up(), group="startup", exit_on_error=False)
        self.refresh_data_key()
        ledger_notices.probe(self)         # a weaker TLS mode, a clock off the team ledger server's
        self.ctx.changes.start(lambda changes: self.post_message(LedgerMoved(changes)))

    def on_ledger_moved(self, message: LedgerMoved) -> None:
        """Another process wrote the ledger (cron's reconcile, a second terminal)."""
        show_changes(self, message.changes)
        self.unsettled.refresh()

    def on_order_changed(self, message: OrderChanged) -> None:
        """An order's runner saw it move: the screens following that order are told."""
        for screen in list(all_screens(self)):
            if getattr(screen, "order_no", None) == message.status.order_no:
                screen.post_message(OrderChanged(message.status))

    def on_order_failed_over(self, message: OrderFailedOver) -> None:
        """The runner placed the next offer after a failure with nothing created (tui/failover_news.py)."""
        from kameng_tui.tui import failover_news

        failover_news.failed_over(self, message)

    def on_failover_stopped(self, message: FailoverStopped) -> None:
        """No next offer taken: above the price cap the App asks again (tui/failover_news.py)."""
        from kameng_tui.tui import failover_news

        failover_news.stopped(self, message)

    def on_unmount(self) -> None:
        self.ctx.changes.stop()           # before the ledger closes

    # --- below 80x24 -------------------------------------------------------------------------------
    def on_resize(self) -> None:
        self.call_after_refresh(self._check_size)

    def _check_size(self) -> None:
        """Below 80x24 a notice with the current size covers the screen (the app keeps
        running underneath); large enough again, it goes and the screen is as it was."""
        from kameng_tui.tui.screens.too_small import TooSmallScreen, too_small

        small = too_small(*self.size)
        top = self.screen
        if isinstance(top, TooSmallScreen):
            if small:
                top.show(*self.size)
            else:
                self.pop_screen()
        elif small:
            self.push_screen(TooSmallScreen())

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """While the terminal is too small only quitting works (a key typed blind goes nowhere)."""
        from kameng_tui.tui.screens.too_small import TooSmallScreen

        if isinstance(self.screen, TooSmallScreen) and action != "quit":
            return False
        return super().check_action(action, parameters)

    def on_ready(self) -> None:
        log.info("TUI ready in %.0f ms", (time.perf_counter() - STARTED) * 1000)

    async def _start_up(self) -> None:
        """Balances, reconciliation, suggestions in the background (tui/app_start.py)."""
        from kameng_tui.tui.app_start import start_up

        await start_up(self)

    async def _reconcile(self) -> None:
        """Settle the orders left in flight, in the background (tui/app_start.py)."""
        from kameng_tui.tui.app_start import reconcile_open

        await reconcile_open(self)

    def writes_refused(self, exc: AnchorMismatch) -> None:
        """A chained write was refused: say why (the TUI's way on), in the header too."""
        first = self.refused is None
        self.refused = exc
        self._render_status()
        self.tell_screens(LedgerStateChanged)
        if first:
            self.notify(self.t("tui.ledger.refused", why=exc.why()), severity="error", timeout=30)

    def ledger_accepted(self) -> None:
        """Settings → Ledger accepted the restore: writes go through again, and the
        paused reconcile runs now. The anchor is read again in a thread (the UI thread
        never waits on the ledger); the screens are told when it is known."""
        self.run_worker(self._accepted(), group="ledger-accepted", exit_on_error=False)

    async def _accepted(self) -> None:
        import asyncio

        self.refused = await asyncio.to_thread(self.ctx.ledger_status.anchor_problem)
        if self.refused is None:
            self.clear_notifications()       # the "writes refused" notice is no longer true
        self._render_status()
        self.tell_screens(LedgerStateChanged)
        if self.refused is None:
            self.run_worker(self._reconcile(), group="reconcile", exit_on_error=False)

    async def refresh_balances(self) -> None:
        """Live balances where a supplier answers; the last snapshot, marked offline, where not."""
        try:
            views = await self.ctx.balances.all()
        except Exception:  # a broken adapter is reported in the log; the app goes on
            log.exception("balances")
            return
        self.balances = {v.supplier: v for v in views}
        self._render_status()
        self.tell_screens(BalancesChanged)       # the catalog's chosen offers read the balances

    def available(self, supplier: str) -> Decimal | None:
        """The last balance less what unsettled orders may still take (services/balances.py
        `available_of`); the unsettled costs as last read in a worker, never here."""
        view = self.balances.get(supplier)
        if view is None:
            return None
        return available_of(view.amount, self.unsettled.of(supplier, view.unsettled))

    def _render_status(self) -> None:
        """The header (tui/app_header.py)."""
        self.status = header_parts(self)

    def refresh_claims(self) -> None:
        """Count the claims for the header (需核对 N): after start-up, each order, each batch.
        In a thread: the count reads the whole ledger (hundreds of ms at a million orders),
        and the UI thread never waits on the disk."""
        self.run_worker(self._count_claims, thread=True, group="claims", exclusive=True, exit_on_error=False)

    def _count_claims(self) -> None:
        try:
            n = len(self.ctx.reports.claims()) + len(self.ctx.reports.supplier_claims())
        except KamengError:
            return
        self.call_from_thread(self._show_claims, n)

    def _show_claims(self, n: int) -> None:
        self.claims_count = n
        self._render_status()

    # --- the data key (卡密 sealed at rest) ------------------------------------------------------
    def refresh_data_key(self, now: bool = False) -> None:
        """Ask whether a data key is there and show the answer in the header (the screens
        are told). In a thread: a keyring may take seconds to answer, and the UI thread
        never waits on it. `now`: at once, where the answer is needed soon (the key file
        was just made); else after the catalog's first rows."""
        self.run_worker(self._probe_data_key(wait=not now), group="data-key", exclusive=True, exit_on_error=False)

    async def _probe_data_key(self, wait: bool = True, then: Callable[[DataKeyStatus], None] | None = None) -> None:
        """After the catalog's first rows (or 5 s) unless not `wait`: importing keyring costs
        ~100 ms of CPU, which must not compete with the index load for the interpreter."""
        import asyncio

        for _ in range(100 if wait else 0):
            if getattr(self.screen, "index", True) is not None:
                break
            await asyncio.sleep(0.05)
        try:
            status = await asyncio.to_thread(self.ctx.data_key.status)
        except Exception:  # a broken keyring is logged; the app goes on
            log.exception("data key probe")
            return
        self._show_data_key(status)
        if then is not None:
            then(status)

    def _show_data_key(self, status: DataKeyStatus) -> None:
        self.data_key_status = status
        self._render_status()
        self.tell_screens(DataKeyChanged)

    def data_key_missing(self) -> bool:
        return self.data_key_status is not None and not self.data_key_status.available

    def data_key_key(self, key_id: str = "app.data_key") -> str:
        """The key that opens the data key dialog (remappable), as the header and checkout name it."""
        from kameng_tui.tui.keys import all_keys

        default = next(k.keys for k in all_keys() if k.id == key_id)
        first = (self.ctx.settings_view.keymap or {}).get(key_id, default).split(",")[0].strip()
        return first.upper() if first[:1] == "f" and first[1:].isdigit() else first

    def action_data_key(self) -> None:
        self.open_data_key()

    def open_data_key(self, then: Any = None, fresh: bool = False) -> None:
        """The data key dialog: the key file offered where there is no key (F6, the
        header's notice, a refused 卡密 checkout); `then(made)` once it closes. The status
        as last read, or (`fresh`, or none read yet) read first in a thread."""
        from kameng_tui.tui.screens.data_key import DataKeyScreen

        def open_with(status: DataKeyStatus) -> None:
            if not isinstance(self.screen, DataKeyScreen):
                self.push_screen(DataKeyScreen(status), then)

        if isinstance(self.screen, DataKeyScreen):
            return
        if self.data_key_status is None or fresh:
            self.run_worker(self._probe_data_key(wait=False, then=open_with), group="data-key", exclusive=True,
                            exit_on_error=False)
        else:
            open_with(self.data_key_status)

    # --- orders -------------------------------------------------------------------------------
    def start_order(self, order_no: str, inp: "OrderInput | None" = None) -> None:
        """Send a recorded order from an App-owned task; `inp`: the checkout's input, for
        the next offer's order if it fails over."""
        self.runner.start(order_no, inp)
        self._render_status()
        self.unsettled.refresh()

    def _order_done(self, order: Order | None, order_no: str, error: KamengError | None) -> None:
        """An order's runner is done with it (tui/order_news.py)."""
        order_done(self, order, order_no, error)

    def start_batch(self, batch_id: int) -> None:
        self.batch_runner.start(batch_id)
        self._render_status()

    def on_batch_lines_changed(self, message: BatchLinesChanged) -> None:
        """The batch runner's news: errors said here, the lines handed to the screens."""
        t, batch_id, error = self.t, message.batch_id, message.error
        if isinstance(error, AnchorMismatch):
            self.writes_refused(error)
        elif error is not None:
            self.notify(t("batch.error", id=batch_id, message=error.msg), severity="error", timeout=10)
        if not message.running:
            self.run_worker(self.refresh_balances(), group="balances", exit_on_error=False)
            self.refresh_claims()
            self.unsettled.refresh()
        self.tell_screens(lambda: BatchLinesUpdated(message))

    # --- settings applied live ----------------------------------------------------------------------
    async def set_language(self, lang: str) -> None:
        """Switch the words everywhere: the app's keys and status line now; the other
        screens are built anew (in the new language) the next time they are shown."""
        self.lang = lang
        self.t = Texts(lang)
        install_bindings(self, bindings(APP_KEYS, lang))
        for mode, screen in self.MODES.items():
            if mode != self.current_mode:
                await self.remove_mode(mode)
                self.add_mode(mode, screen)
        self._render_status()
        self.refresh_bindings()

    def set_ascii(self, on: bool) -> None:
        self.set_class(on, "-ascii")
        self.refresh_css()

    def catalog_changed(self) -> None:
        """A sync or a removed supplier changed the catalog: screens showing it reload."""
        self.tell_screens(CatalogChanged)

    def suppliers_changed(self) -> None:
        self._render_status()
        self.run_worker(self.refresh_balances(), group="balances", exit_on_error=False)
        self.tell_screens(SuppliersChanged)

    def tell_screens(self, news: Callable[[], ScreenNews]) -> None:
        """Post a `news()` to every screen, in any mode's stack (tui/app_messages.py): each
        handles it on its own queue, after this returns. A message each (a message is
        handled once, and one screen stopping it must not stop it for the others)."""
        for screen in list(all_screens(self)):
            screen.post_message(news())

    def get_key_display(self, binding: Binding) -> str:
        """Textual's key display (`/`, `?`, `^p`), except its arrows: they are
        East-Asian-ambiguous (two cells in many Chinese terminals), so `up` stays `up`."""
        shown = super().get_key_display(binding)
        if any(unicodedata.east_asian_width(ch) == "A" for ch in shown):
            return binding.key
        return shown

    # --- errors that escaped a handler ----------------------------------------------------------
    def unhandled_exception(self, error: Exception) -> None:
        """An exception no handler caught is a bug (handlers turn KamengError into a
        message themselves): logged with its traceback, and the app ends with one line
        instead of a traceback (return code 1). Orders are in the ledger either way."""
        log.error("internal error in the TUI", exc_info=error)
        where = self.ctx.settings_view.log_dir / "kameng-tui.log"
        self.exit(return_code=1, message=self.t("internal.exit", kind=type(error).__name__, where=where))

    # --- actions ------------------------------------------------------------------------------
    def action_help(self) -> None:
        from kameng_tui.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(getattr(self.screen, "SCOPE", "catalog")))

    async def action_quit(self) -> None:
        if self.batch_runner.running:
            from kameng_tui.tui.batch_flow import quit_mid_batch

            self.run_worker(quit_mid_batch(self), group="quit", exit_on_error=False)
            return
        n = self.runner.in_flight
        if not n:
            self.exit()
            return
        from kameng_tui.tui.screens.confirm import ConfirmScreen

        def answer(yes: bool | None) -> None:
            if yes:
                self.exit()

        self.push_screen(ConfirmScreen(self.t("quit.ask", n=n)), answer)

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Every action of the screen, its grid or list and the app, in the UI language
        (tui/palette_commands.py)."""
        from kameng_tui.tui.palette_commands import all_commands

        return all_commands(self, screen, super().get_system_commands(screen))

    def action_command_palette(self) -> None:
        from kameng_tui.tui.palette_commands import open_palette

        open_palette(self)


def run_app(headless: bool = False, lang: str | None = None, open_shop: Callable[[], Shop] | None = None) -> int:
    """Run the app on the shop that `open_shop` (the entry point's, kameng_tui.__main__) opens."""
    if open_shop is None:
        raise RuntimeError("run_app needs open_shop: start the app through kameng_tui.__main__")
    ctx = open_shop()
    app = KamengApp(ctx, lang)
    try:
        app.run(headless=headless)
    finally:
        ctx.close()
    return app.return_code or 0
