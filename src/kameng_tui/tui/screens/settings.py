"""Settings (4, F5): suppliers, markup rules and customer levels, interface, keys, ledger.

A menu on the left picks the section; each section is a panel in tui/widgets that
calls services (SupplierAdmin, SettingsService) and renders what they return. Every
save goes through config_edit: the user's comments stay, a broken file is named and
left alone. Language, theme and ASCII borders apply at once.
"""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.screen import Screen
from textual.widgets import ContentSwitcher, Input, OptionList
from textual.widgets.option_list import Option

from kameng_tui.tui.app_messages import LedgerStateChanged
from kameng_tui.tui.keys import SETTINGS_KEYS, bindings
from kameng_tui.tui.text import Texts
from kameng_tui.tui.textual_compat import install_bindings
from kameng_tui.tui.widgets.interface_panel import InterfacePanel, KeymapPanel
from kameng_tui.tui.widgets.ledger_panel import LedgerPanel
from kameng_tui.tui.widgets.pricing_panel import PricingPanel
from kameng_tui.tui.widgets.status_bar import StatusBar
from kameng_tui.tui.widgets.supplier_panel import SupplierPanel
from kameng_tui.tui.widgets.fit_footer import FitFooter

SECTIONS = ("suppliers", "pricing", "ui", "keys", "ledger")
SUPPLIER_ACTIONS = {"test", "sync", "secret"}
EDIT_ACTIONS = {"new", "delete"}
NARROW_BELOW = 100


class SettingsScreen(Screen[None]):
    SCOPE = "settings"
    AUTO_FOCUS = "#settings-menu"

    def __init__(self) -> None:
        super().__init__()
        self.ctx = self.app.ctx
        self.section = "suppliers"
        self._set_lang(self.app.lang)

    def _set_lang(self, lang: str) -> None:
        self.lang = lang
        self.t = Texts(lang)
        # Screen's own Tab / shift+Tab / copy stay: the forms here are filled field by field.
        install_bindings(self, [*Screen.BINDINGS, *bindings(SETTINGS_KEYS, lang)])

    def compose(self) -> ComposeResult:
        t, lang = self.t, self.lang
        yield StatusBar(id="status")
        with Horizontal(id="settings-body"):
            yield OptionList(*[Option(t(f"settings.{s}"), id=s) for s in SECTIONS], id="settings-menu")
            with ContentSwitcher(initial=self.section, id="settings-pane"):
                yield SupplierPanel(lang, self.ctx.settings_view.general.timezone, id="suppliers")
                yield PricingPanel(lang, id="pricing")
                yield InterfacePanel(lang, id="ui")
                yield KeymapPanel(lang, id="keys")
                yield LedgerPanel(lang, id="ledger")
        yield FitFooter()        # keys that fit whole only (the app frame at 80 columns)

    def on_mount(self) -> None:
        self.query_one("#settings-menu", OptionList).highlighted = SECTIONS.index(self.section)
        self.on_resize()

    def on_resize(self) -> None:
        """Below 100 columns the forms put two fields a line (app.tcss), so none is cut."""
        self.set_class(self.size.width < NARROW_BELOW, "-narrow")

    # --- sections -----------------------------------------------------------------------------------
    @on(OptionList.OptionHighlighted, "#settings-menu")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.show_section(str(event.option.id))

    @on(OptionList.OptionSelected, "#settings-menu")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.show_section(str(event.option.id))
        self.focus_section()

    def show_section(self, section: str) -> None:
        self.section = section
        self.query_one(ContentSwitcher).current = section
        self.refresh_bindings()

    def focus_section(self) -> None:
        first = {"suppliers": "#sup-table", "pricing": "#rule-table", "ui": "#ui-language", "keys": "#keys-table",
                 "ledger": "#restore-reason"}
        self.set_focus(self.query_one(first[self.section]))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in SUPPLIER_ACTIONS:
            return self.section == "suppliers"
        if action in EDIT_ACTIONS:
            return self.section in ("suppliers", "pricing")
        return True

    # --- actions --------------------------------------------------------------------------------------
    def action_new(self) -> None:
        if self.section == "suppliers":
            self.set_focus(self.query_one("#f-name", Input))
        elif self.section == "pricing":
            self.query_one(PricingPanel).new_rule()

    def action_delete(self) -> None:
        if self.section == "suppliers":
            self.query_one(SupplierPanel).remove()
        elif self.section == "pricing":
            self.query_one(PricingPanel).delete_rule()

    def action_test(self) -> None:
        self.query_one(SupplierPanel).test()

    def action_sync(self) -> None:
        self.query_one(SupplierPanel).sync()

    def action_secret(self) -> None:
        self.query_one(SupplierPanel).ask_secret()

    def on_ledger_state_changed(self, _: LedgerStateChanged) -> None:
        """The ledger started or stopped refusing writes (app.refused)."""
        self.query_one(LedgerPanel).show_state()

    def action_menu(self) -> None:
        self.set_focus(self.query_one("#settings-menu", OptionList))

    # --- live language ----------------------------------------------------------------------------------
    def language_changed(self, lang: str) -> None:
        self.run_worker(self._relang(lang), group="settings-lang", exit_on_error=False)

    async def _relang(self, lang: str) -> None:
        await self.app.set_language(lang)
        self._set_lang(lang)
        await self.recompose()
        self.query_one("#settings-menu", OptionList).highlighted = SECTIONS.index(self.section)
        self.set_focus(self.query_one("#ui-language"))
