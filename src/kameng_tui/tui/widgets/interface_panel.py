"""Language, theme and ASCII borders on the settings screen (saved at once, applied
live), and the keymap: every binding id with its keys, remapped by typing new ones."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Select, Static

from kameng_tui.domain.errors import KamengError
from kameng_tui.tui.keys import all_keys
from kameng_tui.tui.text import Texts
from kameng_tui.tui.widgets.settings_form import section_table, section_title


def labelled(label: str, widget) -> Horizontal:
    return Horizontal(Static(label, classes="form-label"), widget, classes="form-row")


class InterfacePanel(Vertical):
    def __init__(self, lang: str, **kw) -> None:
        super().__init__(**kw)
        self.t = Texts(lang)
        self.lang = lang

    def compose(self) -> ComposeResult:
        t, app = self.t, self.app
        ui = app.ctx.settings_view.ui
        yield section_title(t("ui.title"))
        yield labelled(t("ui.language"), Select([("中文", "zh"), ("English", "en")], id="ui-language", allow_blank=False,
                                                value=app.lang))
        themes = sorted(app.available_themes)
        yield labelled(t("ui.theme"), Select([(name, name) for name in themes], id="ui-theme", allow_blank=False,
                                             value=app.theme if app.theme in themes else themes[0]))
        yield labelled(t("ui.ascii"), Select([(t("ui.ascii_off"), False), (t("ui.ascii_on"), True)], id="ui-ascii",
                                             allow_blank=False, value=bool(ui.ascii)))
        yield Static("", id="ui-msg", classes="field-msg")
        yield Static(t("ui.hint"), classes="hint")

    @on(Select.Changed, "#ui-language, #ui-theme, #ui-ascii")
    def _changed(self, event: Select.Changed) -> None:
        app, ctx, t = self.app, self.app.ctx, self.t
        which = str(event.select.id).removeprefix("ui-")
        value = event.value
        current = {"language": app.lang, "theme": app.theme, "ascii": bool(ctx.settings_view.ui.ascii)}[which]
        if value == current:
            return
        msg = self.query_one("#ui-msg", Static)
        try:
            if which == "language":
                ctx.settings.set_values("general", language=value)
            else:
                ctx.settings.set_values("ui", **{which: value})
        except KamengError as exc:
            msg.update(Text(self.t.error(exc), style="red"))
            with event.select.prevent(Select.Changed):
                event.select.value = current
            return
        if which == "theme":
            app.theme = str(value)
        elif which == "ascii":
            app.set_ascii(bool(value))
        msg.update(Text(t("ui.saved", path=str(ctx.settings_view.config_file)), style="green"))
        if which == "language":
            self.screen.language_changed(str(value))


class KeymapPanel(Vertical):
    def __init__(self, lang: str, **kw) -> None:
        super().__init__(**kw)
        self.t = Texts(lang)
        self.lang = lang

    def compose(self) -> ComposeResult:
        t = self.t
        yield section_title(t("keys.title"))
        yield section_table("keys-table", {key: t(f"keys.col.{key}") for key in ("id", "keys", "default", "action")})
        yield Input(placeholder=t("keys.input"), id="f-keys")
        yield Static("", id="msg-keys", classes="field-msg")

    def on_mount(self) -> None:
        self.show()

    def show(self) -> None:
        table = self.query_one("#keys-table", DataTable)
        keymap = dict(self.app.ctx.settings_view.keymap)
        row = table.cursor_row
        table.clear()
        for k in all_keys():
            mine = keymap.get(k.id)
            table.add_row(k.id, Text(mine or k.keys, style="bold yellow" if mine else ""), k.keys,
                          k.label(self.lang), key=k.id)
        table.move_cursor(row=max(row, 0))

    def selected(self) -> str:
        table = self.query_one("#keys-table", DataTable)
        return str(table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value)

    @on(DataTable.RowHighlighted, "#keys-table")
    def _row(self) -> None:
        binding_id = self.selected()
        inp = self.query_one("#f-keys", Input)
        inp.value = dict(self.app.ctx.settings_view.keymap).get(binding_id, "")
        inp.placeholder = self.t("keys.input_for", id=binding_id)
        self.query_one("#msg-keys", Static).update("")

    @on(DataTable.RowSelected, "#keys-table")
    def _edit(self) -> None:
        self.query_one("#f-keys", Input).focus()

    @on(Input.Submitted, "#f-keys")
    def save(self) -> None:
        from kameng_tui.tui.keymap_check import check_keys

        app, binding_id = self.app, self.selected()
        inp, msg = self.query_one("#f-keys", Input), self.query_one("#msg-keys", Static)
        inp.remove_class("-invalid")
        keymap = dict(app.ctx.settings_view.keymap)
        try:
            keys = check_keys(binding_id, inp.value, keymap) if inp.value.strip() else None
            app.ctx.settings.set_keys(binding_id, keys)
        except KamengError as exc:
            msg.update(Text(self.t.error(exc), style="red"))
            inp.add_class("-invalid")
            return
        known = {k.id for k in all_keys()}
        app.set_keymap({k: v for k, v in app.ctx.settings_view.keymap.items() if k in known})
        default = next(k.keys for k in all_keys() if k.id == binding_id)
        msg.update(Text(self.t("keys.saved", id=binding_id, keys=keys or default), style="green"))
        self.show()
        self.query_one("#keys-table", DataTable).focus()
