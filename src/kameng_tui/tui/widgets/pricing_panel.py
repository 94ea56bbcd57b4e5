"""Markup rules and customer levels on the settings screen, with a live preview:
a few products of the rule's category, cost -> price now -> price under the rule
being typed, before anything is saved."""

from __future__ import annotations

import asyncio

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.suggester import SuggestFromList
from textual.widgets import Button, DataTable, Input, Select, Static

from kameng_tui.domain.errors import KamengError
from kameng_tui.domain.markup import MarkupRule, percent
from kameng_tui.domain.money import fmt
from kameng_tui.tui.text import Texts
from kameng_tui.tui.textual_compat import suggestion_of
from kameng_tui.tui.widgets.settings_form import field_cell, label_selects, section_table, section_title

RULE_FIELDS = ("category", "level", "markup", "face")


class CompletingInput(Input):
    """Tab takes the grey suggestion (a category path, a level) when there is one,
    as a shell does; otherwise it moves on to the next field."""

    BINDINGS = [Binding("tab", "complete", show=False)]

    def action_complete(self) -> None:
        suggestion = suggestion_of(self)
        if suggestion and suggestion != self.value:
            self.value = suggestion
            self.cursor_position = len(self.value)
        else:
            self.screen.focus_next()
CUSTOMER_FIELDS = ("customer", "clevel")


class PricingPanel(Vertical):
    def __init__(self, lang: str, **kw) -> None:
        super().__init__(**kw)
        self.t = Texts(lang)
        self.lang = lang
        self.categories: list[str] | None = None
        self.replaces: tuple[str, str] | None = ("", "")

    def compose(self) -> ComposeResult:
        t = self.t
        yield section_title(t("rule.title"))
        keys = ("category", "level", "markup", "face")
        yield section_table("rule-table", {key: t(f"rule.col.{key}") for key in keys})
        with Horizontal(classes="form-row"):
            yield field_cell(CompletingInput(placeholder=t("rule.category_hint"), id="f-category"), "category", t("rule.col.category"))
            yield field_cell(CompletingInput(placeholder=t("rule.level_hint"), id="f-level", max_length=16), "level", t("rule.col.level"))
            yield field_cell(Input(placeholder=t("rule.markup_hint"), id="f-markup", max_length=12), "markup",
                             t("rule.col.markup"))
            yield field_cell(Select([(t("rule.face_no"), False), (t("rule.face_yes"), True)], id="f-face",
                                    allow_blank=False, value=False), "face", t("rule.col.face"))
            yield Button(t("rule.save"), id="rule-save", variant="primary")
        yield Static("", id="rule-preview")
        yield section_title(t("cust.title"))
        yield Static("", id="cust-list")
        with Horizontal(classes="form-row"):
            yield field_cell(Input(placeholder=t("cust.name_hint"), id="f-customer"), "customer", t("cust.name"))
            yield field_cell(CompletingInput(placeholder=t("cust.level_hint"), id="f-clevel", max_length=16), "clevel", t("cust.level"))
            yield Button(t("cust.save"), id="cust-save", variant="primary")

    def on_mount(self) -> None:
        label_selects(self)
        self.show_rules()
        self.show_customers()
        self.run_worker(self._load_categories(), group="rule-categories", exit_on_error=False)

    async def _load_categories(self) -> None:
        settings = self.app.ctx.settings
        try:
            self.categories = await asyncio.to_thread(settings.categories)
        except KamengError as exc:
            self.query_one("#rule-preview", Static).update(Text(self.t.error(exc), style="red"))
            return
        self.query_one("#f-category", Input).suggester = SuggestFromList(self.categories, case_sensitive=False)
        self.preview()

    # --- rules ----------------------------------------------------------------------------------------
    def show_rules(self, select: tuple[str, str] | None = None) -> None:
        t = self.t
        table = self.query_one("#rule-table", DataTable)
        table.clear()
        rules = self.app.ctx.settings.rules()
        for rule in rules:
            table.add_row(rule.category or t("rule.all"), rule.level or t("rule.all_levels"), percent(rule.markup),
                          t("rule.face_yes") if rule.use_face_value else t("rule.face_no"), key="\x1f".join(rule.key))
        keys = [r.key for r in rules]
        target = select if select in keys else self.replaces if self.replaces in keys else ("", "")
        table.move_cursor(row=keys.index(target))
        self.fill(rules[keys.index(target)])
        self.levels_changed()

    def levels_changed(self) -> None:
        self.query_one("#f-level", Input).suggester = SuggestFromList(self.app.ctx.settings.levels(), case_sensitive=False)
        self.query_one("#f-clevel", Input).suggester = SuggestFromList(self.app.ctx.settings.levels(), case_sensitive=False)

    @on(DataTable.RowHighlighted, "#rule-table")
    def _row(self, event: DataTable.RowHighlighted) -> None:
        key = tuple(str(event.row_key.value).split("\x1f"))
        rule = next((r for r in self.app.ctx.settings.rules() if r.key == key), None)
        if rule is not None and key != self.replaces:
            self.fill(rule)

    def fill(self, rule: MarkupRule) -> None:
        self.replaces = rule.key
        for key, value in (("category", rule.category), ("level", rule.level), ("markup", percent(rule.markup))):
            inp = self.query_one(f"#f-{key}", Input)
            with inp.prevent(Input.Changed):
                inp.value = value
        with self.query_one("#f-face", Select).prevent(Select.Changed):
            self.query_one("#f-face", Select).value = rule.use_face_value
        self.clear_messages(RULE_FIELDS)
        self.preview()

    def new_rule(self) -> None:
        self.replaces = None
        for key in ("category", "level", "markup"):
            self.query_one(f"#f-{key}", Input).value = ""
        self.query_one("#f-face", Select).value = False
        self.query_one("#f-category", Input).focus()

    def draft(self) -> MarkupRule:
        value = lambda key: self.query_one(f"#f-{key}", Input).value  # noqa: E731
        return self.app.ctx.settings.rule_from(value("category"), value("level"), value("markup"),
                                               bool(self.query_one("#f-face", Select).value), self.replaces,
                                               self.categories)

    @on(Input.Changed, "#f-category, #f-level, #f-markup")
    @on(Select.Changed, "#f-face")
    def preview(self) -> None:
        t, out = self.t, self.query_one("#rule-preview", Static)
        self.clear_messages(RULE_FIELDS)
        if self.categories is None:
            out.update(Text(t("rule.loading"), style="dim"))
            return
        try:
            rule = self.draft()
        except KamengError as exc:
            if not self._typing(exc):
                self.field_error(exc, RULE_FIELDS, focus=False)
            out.update(Text(t("rule.preview_wait"), style="dim"))
            return
        settings = self.app.ctx.settings
        rows = settings.preview(rule, self.replaces)
        who = t("rule.preview_level", level=rule.level) if rule.level else t("rule.preview_any")
        head = Text(t("rule.preview", category=rule.category or t("rule.all"), who=who), style="bold")
        # What the rule does in words, worked on a sample cost: the table below shows real products.
        said = Text.assemble((t.show(settings.formula(rule)), "bold yellow"), "\n",
                              (t.show(settings.example(rule, self.replaces)), "dim"))
        table = Table(box=None, show_edge=False, padding=(0, 1), header_style="dim")
        for col, justify in (("name", "left"), ("cost", "right"), ("now", "right"), ("new", "right"),
                             ("profit", "right"), ("by", "left")):
            # Amounts never shrink (Rich would cut them with an ambiguous-width "..." glyph);
            # at 80 columns the name and the reason wrap instead.
            words = col in ("name", "by")
            table.add_column(t(f"rule.pcol.{col}"), justify=justify, no_wrap=not words,
                             overflow="fold" if words else "ignore", max_width=34 if col == "name" else None)
        for r in rows:
            changed = r.after.price != r.before.price
            by = t("rule.by_face") if r.after.face_value else (
                t("rule.by_this") if r.after.rule is not None and r.after.rule.key == rule.key else
                t("rule.by_default") if r.after.rule is None else
                t("rule.by_other", rule="+".join(x for x in r.after.rule.key if x)))
            table.add_row(r.product.name, fmt(r.product.unit_cost, 4), fmt(r.before.price),
                          Text(fmt(r.after.price), style="bold yellow" if changed else ""),
                          fmt(r.after.price - r.product.unit_cost, 4), by)
        out.update(Group(head, said, table if rows else Text(t("rule.preview_empty"), style="dim")))

    def _typing(self, exc: KamengError) -> bool:
        """Still being typed, not wrong yet: an empty markup, a category that some
        category starts with. Saving names them all the same."""
        if exc.field == "markup":
            return not self.query_one("#f-markup", Input).value.strip()
        if exc.field == "category":
            typed = self.query_one("#f-category", Input).value.strip()
            return any(c.startswith(typed) for c in self.categories or ())
        return False

    @on(Button.Pressed, "#rule-save")
    @on(Input.Submitted, "#f-category, #f-level, #f-markup")
    def save_rule(self) -> None:
        settings = self.app.ctx.settings
        try:
            rule = self.draft()
            settings.save_rule(rule, self.replaces)
        except KamengError as exc:
            self.field_error(exc, RULE_FIELDS)
            return
        self.replaces = rule.key
        self.show_rules(select=rule.key)
        self.app.notify(self.t("rule.saved", rule=self._label(rule), markup=percent(rule.markup)))

    def delete_rule(self) -> None:
        if self.replaces is None:
            return
        try:
            self.app.ctx.settings.delete_rule(self.replaces)
        except KamengError as exc:
            self.field_error(exc, RULE_FIELDS)
            return
        self.app.notify(self.t("rule.deleted", rule="+".join(x for x in self.replaces if x)))
        self.replaces = ("", "")
        self.show_rules()

    def _label(self, rule: MarkupRule) -> str:
        return "+".join(x for x in rule.key if x) or self.t("rule.default")

    # --- customers ---------------------------------------------------------------------------------------
    def show_customers(self) -> None:
        customers = self.app.ctx.settings_view.customers
        text = "  ".join(f"{name}={level}" for name, level in customers.items()) or self.t("cust.none")
        self.query_one("#cust-list", Static).update(Text(text, style="" if customers else "dim"))

    @on(Button.Pressed, "#cust-save")
    @on(Input.Submitted, "#f-customer, #f-clevel")
    def save_customer(self) -> None:
        self.clear_messages(CUSTOMER_FIELDS)
        name = self.query_one("#f-customer", Input).value
        level = self.query_one("#f-clevel", Input).value
        try:
            self.app.ctx.settings.set_level(name, level)
        except KamengError as exc:
            exc.field = {"customer": "customer", "level": "clevel"}.get(exc.field or "", "customer")
            self.field_error(exc, CUSTOMER_FIELDS)
            return
        for key in CUSTOMER_FIELDS:
            self.query_one(f"#f-{key}", Input).value = ""
        self.show_customers()
        self.levels_changed()
        self.preview()
        self.app.notify(self.t("cust.saved", name=name.strip(), level=level.strip() or "-"))

    # --- messages -------------------------------------------------------------------------------------------
    def clear_messages(self, keys: tuple[str, ...]) -> None:
        for key in keys:
            self.query_one(f"#msg-{key}", Static).update("")
            self.query_one(f"#f-{key}").remove_class("-invalid")

    def field_error(self, exc: KamengError, keys: tuple[str, ...], focus: bool = True) -> None:
        key = exc.field if exc.field in keys else keys[0]
        self.query_one(f"#msg-{key}", Static).update(Text(self.t.error(exc), style="red"))
        widget = self.query_one(f"#f-{key}")
        widget.add_class("-invalid")
        if focus:
            widget.focus()

