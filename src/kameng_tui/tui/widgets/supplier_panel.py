"""Suppliers on the settings screen: the list with reachability, balance and last
sync; add (checked and reached before anything is saved), test, remove, sync with
progress. All IO runs in workers through SupplierAdmin; this widget only renders."""

from __future__ import annotations

from functools import cached_property
from typing import Awaitable, Callable
from zoneinfo import ZoneInfo

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, DataTable, Input, Select, Static

from kameng_tui.domain.errors import KamengError, SecretsUnavailable
from kameng_tui.domain.money import fmt
from kameng_tui.messages import render
from kameng_tui.services.supplier_admin import KEY_OPTION, NewSupplier, SupplierStatus
from kameng_tui.tui.text import Texts
from kameng_tui.tui.widgets.settings_form import field_cell, label_selects, section_table, section_title
from kameng_tui.tui.widgets.supplier_fields import FormFields, form_fields

BAR = 30


def progress_bar(done: int, total: int | None) -> str:
    """[#######.......] in ASCII: Textual's ProgressBar draws ambiguous-width bars."""
    if not total:
        return f"[{'#' * (done % (BAR + 1)):<{BAR}}]"
    filled = min(BAR, done * BAR // max(total, 1))
    return f"[{'#' * filled}{'.' * (BAR - filled)}]"


class SupplierPanel(Vertical):
    def __init__(self, lang: str, zone: str, **kw) -> None:
        super().__init__(**kw)
        self.t = Texts(lang)
        self.lang = lang
        self.zone = ZoneInfo(zone)
        self.busy = False

    @cached_property
    def fields(self) -> FormFields:
        """The form's fields, from what the usable kinds declare (a broken plugin offers none)."""
        from kameng_tui.suppliers.registry import plugins

        return form_fields({p.kind: p.factory for p in plugins() if p.factory is not None}, "http")

    def _field_cell(self, key: str) -> Vertical:
        secret = self.fields.secret(key)
        hint = self.t("sup.secret_hint") if secret else ("https://..." if key.endswith("url") else "")
        return field_cell(Input(placeholder=hint, id=f"f-{key}", password=secret), key)

    def compose(self) -> ComposeResult:
        t = self.t
        yield section_title(t("sup.title"))
        keys = ("name", "kind", "url", "state", "balance", "synced", "products", "secret")
        yield section_table("sup-table", {key: t(f"sup.col.{key}") for key in keys}, zebra_stripes=False)
        yield Static("", id="sup-progress")
        yield Static("", id="sup-msg")
        yield section_title(t("sup.add_title"))
        kinds = [(k, k) for k in self.fields.by_kind]
        first, *rest = self.fields.keys or ("",)
        with Horizontal(classes="form-row"):
            yield field_cell(Select(kinds, id="f-kind", value="http" if ("http", "http") in kinds else kinds[0][0],
                                    allow_blank=False), "kind", t("sup.kind"))
            yield field_cell(Input(placeholder=t("sup.name_hint"), id="f-name", max_length=32), "name", t("sup.name"))
            if first:
                yield self._field_cell(first)
        with Horizontal(classes="form-row"):
            for key in rest:
                yield self._field_cell(key)
            yield Button(t("sup.add"), id="sup-add", variant="primary")
        yield Static(t("sup.hint"), classes="hint")

    def on_mount(self) -> None:
        label_selects(self)
        self._kind_changed()
        self.run_worker(self.reload(), group="sup-list", exit_on_error=False)

    async def reload(self, select: str | None = None) -> None:
        """The list from the ledger and the secret store, off the UI thread: a locked
        keyring may take seconds to answer where each secret lives."""
        import asyncio

        self.show(await asyncio.to_thread(self.app.ctx.supplier_admin.statuses), select)

    # --- the list ------------------------------------------------------------------------------------
    def show(self, statuses: list[SupplierStatus], select: str | None = None) -> None:
        t = self.t
        table = self.query_one("#sup-table", DataTable)
        names = [s.name for s in statuses]
        keep = names.index(select) if select in names else table.cursor_row
        table.clear()
        for s in statuses:
            view = self.app.balances.get(s.name)             # start-up balances count as a test
            reachable = s.reachable if s.reachable is not None else (view.live if view is not None else None)
            if reachable is None:
                state = Text(t("sup.untested"), style="dim")
            elif reachable:
                state = Text(t("sup.reachable"), style="green")
            elif s.refused:
                state = Text(t("sup.refused"), style="bold red")
            else:
                state = Text(t("sup.unreachable"), style="bold red")
            balance = "-" if s.balance is None else fmt(s.balance)
            synced = "-" if s.last_sync is None else f"{s.last_sync.astimezone(self.zone):%m-%d %H:%M}"
            secret = "-" if s.kind == "demo" else t(f"sup.secret_{s.secret_source or 'none'}")
            table.add_row(s.name, s.kind, s.url or "-", state, balance, synced, str(s.products), secret, key=s.name)
        if statuses:
            table.move_cursor(row=min(max(keep, 0), len(statuses) - 1))

    def selected(self) -> str | None:
        table = self.query_one("#sup-table", DataTable)
        if not table.row_count:
            return None
        return str(table.coordinate_to_cell_key((table.cursor_row, 0)).row_key.value)

    def message(self, text: str, style: str = "") -> None:
        self.query_one("#sup-msg", Static).update(Text(text, style=style))

    # --- test, sync, remove ------------------------------------------------------------------------
    def test(self) -> None:
        name = self.selected()
        if name is None:
            return
        self.message(self.t("sup.testing", name=name), "yellow")
        self.run_worker(self._test(name), group="sup-test", exclusive=True, exit_on_error=False)

    async def _test(self, name: str) -> None:
        admin = self.app.ctx.supplier_admin
        st = await admin.test(name)
        await self.reload()
        if st.reachable:
            self.message(self.t("sup.test_ok", name=name, balance=fmt(st.balance) if st.balance is not None else "-"), "green")
        else:
            key = "sup.test_refused" if st.refused else "sup.test_failed"
            self.message(self.t(key, name=name, error=st.error.text(self.lang) if st.error else ""), "bold red")
        self.app.suppliers_changed()

    def sync(self) -> None:
        name = self.selected()
        if name is None or self.busy:
            return
        self.busy = True
        self.message("")
        self.query_one("#sup-progress", Static).update(self.t("sup.sync_start", name=name))
        self.run_worker(self._sync(name), group="sup-sync", exit_on_error=False)

    async def _sync(self, name: str) -> None:
        t, admin = self.t, self.app.ctx.supplier_admin
        bar = self.query_one("#sup-progress", Static)

        def progress(supplier: str, seen: int, total: int | None) -> None:
            of = f"{seen}/{total}" if total else str(seen)
            bar.update(Text(f"{progress_bar(seen, total)} {of}  {t('sup.syncing', name=supplier)}", style="yellow"))

        try:
            report = await admin.sync(name, progress)
        finally:
            self.busy = False
        if name in report.errors:
            bar.update(Text(t("sup.sync_failed", name=name, error=report.errors[name]), style="bold red"))
        else:
            n = report.counts.get(name, 0)
            bar.update(Text(f"{progress_bar(n, n)} {n}/{n}  " + t("sup.sync_done", name=name, n=n,
                            new=report.new.get(name, 0), changed=report.price_changes.get(name, 0)), style="green"))
        await self.reload()
        self.app.suppliers_changed()      # the header's balances asked again: a sync that worked after a
        self.app.catalog_changed()        # secret was fixed must not leave it saying 未存密钥

    def ask_secret(self) -> None:
        """`k`: store or replace the selected supplier's secret (add refuses a name that exists)."""
        from kameng_tui.tui.screens.secret_entry import SecretEntry

        name = self.selected()
        if name is None:
            return

        def entered(secret: str | None) -> None:
            if secret:
                self.run_worker(self._store_secret(name, secret), group="sup-secret", exclusive=True,
                                exit_on_error=False)

        self.app.push_screen(SecretEntry(self.t("sup.secret_title", name=name)), entered)

    async def _store_secret(self, name: str, secret: str) -> None:
        import asyncio

        try:                             # in a thread: a locked keyring may take seconds
            await asyncio.to_thread(self.app.ctx.supplier_admin.set_secret, name, secret)
        except SecretsUnavailable:       # no usable keyring: offer the key file, as adding does
            self._offer_key_file(lambda: self._store_secret(name, secret))
            return
        except KamengError as exc:
            self.message(exc.text(self.lang), "bold red")
            return
        await self.reload(select=name)
        self.message(self.t("sup.secret_stored", name=name), "green")
        self.app.suppliers_changed()      # the header asks the balance again

    def remove(self) -> None:
        name = self.selected()
        if name is None:
            return
        from kameng_tui.tui.screens.confirm import ConfirmScreen

        def answer(yes: bool | None) -> None:
            if yes:
                self.run_worker(self._remove(name), group="sup-remove", exit_on_error=False)

        self.app.push_screen(ConfirmScreen(self.t("sup.remove_ask", name=name)), answer)

    async def _remove(self, name: str) -> None:
        admin = self.app.ctx.supplier_admin
        try:
            await admin.remove(name)
        except KamengError as exc:
            self.message(exc.text(self.lang), "bold red")
            return
        await self.reload()
        self.message(self.t("sup.removed", name=name), "green")
        self.app.suppliers_changed()
        self.app.catalog_changed()

    # --- add ----------------------------------------------------------------------------------------
    @on(Select.Changed, "#f-kind")
    def _kind_changed(self) -> None:
        declared = self.fields.of(self.kind())
        for key in self.fields.keys:
            self.query_one(f"#cell-{key}").display = key in declared
            if key in declared:
                self.query_one(f"#f-{key}", Input).border_title = render(declared[key].label, self.lang)

    def kind(self) -> str:
        return str(self.query_one("#f-kind", Select).value)

    def form(self) -> NewSupplier:
        """The declared fields' values: the URL and the kind's key in their own places
        (SupplierAdmin checks them), the others as options."""
        kind = self.kind()
        values = {key: self.query_one(f"#f-{key}", Input).value for key in self.fields.of(kind)}
        secret = next((values.pop(k) for k, f in self.fields.of(kind).items() if f.secret), "")
        values = {k: v.strip() for k, v in values.items() if v.strip()}
        key_id = values.pop(KEY_OPTION[kind], "") if kind in KEY_OPTION else ""
        return NewSupplier(kind=kind, name=self.query_one("#f-name", Input).value.strip(),
                           base_url=values.pop("base_url", ""), key_id=key_id, secret=secret, options=values)

    def _shown(self, key: str | None) -> str:
        """The form's key of an error's field (SupplierAdmin says `key_id` for every kind's key)."""
        kind = self.kind()
        if key == "key_id" and kind in KEY_OPTION:
            key = KEY_OPTION[kind]
        return key if key in self.fields.keys or key in ("kind", "name") else "name"

    def clear_messages(self) -> None:
        for key in ("kind", "name", *self.fields.keys):
            self.query_one(f"#msg-{key}", Static).update("")
            self.query_one(f"#f-{key}").remove_class("-invalid")

    def field_error(self, exc: KamengError) -> None:
        key = self._shown(exc.field)
        self.query_one(f"#msg-{key}", Static).update(Text(exc.text(self.lang), style="red"))
        widget = self.query_one(f"#f-{key}")
        widget.add_class("-invalid")
        widget.focus()

    @on(Button.Pressed, "#sup-add")
    @on(Input.Submitted, "#f-name, .cell Input")
    def add(self) -> None:
        if self.busy:
            return
        self.busy = True
        self.clear_messages()
        self.message(self.t("sup.adding"), "yellow")
        self.run_worker(self._add(self.form()), group="sup-add", exit_on_error=False)

    async def _add(self, new: NewSupplier) -> None:
        admin = self.app.ctx.supplier_admin
        try:
            balance = await admin.add(new)
        except SecretsUnavailable as exc:
            self.field_error(exc)
            self.message("")

            def again() -> Awaitable[None]:
                self.busy = True
                return self._add(new)

            self._offer_key_file(again)
            return
        except KamengError as exc:
            self.field_error(exc)
            self.message("")
            return
        finally:
            self.busy = False
        self.clear_messages()
        for key in ("name", *self.fields.keys):
            self.query_one(f"#f-{key}", Input).value = ""
        await self.reload(select=new.name)
        self.query_one("#sup-table", DataTable).focus()
        self.message(self.t("sup.added", name=new.name, balance=fmt(balance) if balance is not None else "-"), "green")
        self.app.suppliers_changed()
        self._offer_disable_demo(new.name)

    def _offer_disable_demo(self, added: str) -> None:
        """A real supplier beside the demo: offer to turn the demo off (kept in config.toml,
        `enabled = false`), so nobody sells a demo card; kept, its rows read 演示."""
        from kameng_tui.tui.screens.confirm import ConfirmScreen

        demos = self.app.ctx.supplier_admin.demos_to_offer()
        if not demos:
            return

        def answer(yes: bool | None) -> None:
            if yes:
                self.run_worker(self._disable_demos(), group="sup-demo", exit_on_error=False)

        self.app.push_screen(ConfirmScreen(self.t("settings.disable_demo", name=added, names=", ".join(demos))), answer)

    async def _disable_demos(self) -> None:
        try:
            names = await self.app.ctx.supplier_admin.disable_demos()
        except KamengError as exc:
            self.message(exc.text(self.lang), "bold red")
            return
        selected = self.selected()
        await self.reload(select=selected)
        self.message(self.t("settings.demo_disabled", names=", ".join(names)), "green")
        self.app.suppliers_changed()
        self.app.catalog_changed()

    def _offer_key_file(self, again: Callable[[], Awaitable[None]]) -> None:
        """No usable keyring: the explicit opt-in (a 0600 key file), never a silent fallback;
        yes runs `again` (the add, or the secret's storing) with the file in use."""
        from kameng_tui.tui.screens.confirm import ConfirmScreen

        secrets = self.app.ctx.supplier_admin
        st = secrets.backend_status()

        def answer(yes: bool | None) -> None:
            if yes:
                try:
                    path = secrets.use_file()
                except KamengError as exc:
                    self.message(exc.text(self.lang), "bold red")
                    return
                self.message(self.t("sup.key_file_on", path=str(path)), "yellow")
                self.app.refresh_data_key()       # the file holds the data key too: the header's notice goes
                self.run_worker(again(), group="sup-again", exit_on_error=False)

        self.app.push_screen(ConfirmScreen(self.t("sup.key_file_ask", backend=f"{st.kind}: {st.name}",
                                                  path=str(secrets.key_file))), answer)
