"""`e` in history: export what the list shows. Asks for the format and the place, with
a default a reseller can take with one Enter: ~/kameng-exports/订单-<business date>.csv.
A place that cannot be written is said here, in the dialog, with nothing left on disk
(the service writes whole files or none); the file's headers and states are in the UI
language, the ledger anchor beside the orders (services/export.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Select, Static
from textual.worker import Worker, WorkerState

from kameng_tui.domain.errors import KamengError
from kameng_tui.domain.history import HistoryFilter
from kameng_tui.services.export import FORMATS, anchor_path
from kameng_tui.tui.text import Texts

FORMAT_LABELS = {"csv": "CSV", "xlsx": "XLSX (Excel)", "json": "JSON"}
EXPORT_DIR = "kameng-exports"


@dataclass(frozen=True)
class Exported:
    """What the dialog wrote: the history screen says it."""

    rows: int
    path: Path
    anchor: Path | None

    def said(self, t: Texts) -> str:
        if self.anchor is None:
            return t("export.done", n=self.rows, path=str(self.path))
        return t("export.done_anchor", n=self.rows, path=str(self.path), anchor=self.anchor.name)


def default_place(stem: str, day: date, fmt_name: str, home: Path | None = None) -> Path:
    """~/kameng-exports/<stem>-<day>.<fmt>, numbered -2, -3 ... past a name already taken."""
    folder = (home or Path.home()) / EXPORT_DIR
    path = folder / f"{stem}-{day.isoformat()}.{fmt_name}"
    n = 2
    while path.exists() or anchor_path(path).exists():
        path = folder / f"{stem}-{day.isoformat()}-{n}.{fmt_name}"
        n += 1
    return path


class ExportScreen(ModalScreen[Exported | None]):
    """Dismissed with what was written, or None (Esc)."""

    BINDINGS = [Binding("escape", "cancel", show=False)]

    def __init__(self, flt: HistoryFilter, count: int, day: date) -> None:
        super().__init__()
        self.flt, self.count, self.day = flt, count, day
        self._replace: Path | None = None
        """A file the user was told exists: Enter again on the same name replaces it."""
        self._busy = False

    def compose(self) -> ComposeResult:
        t = Texts(self.app.lang)
        with Vertical(id="export-box"):
            yield Static(Text(t("export.title", n=self.count), style="bold"))
            yield Static(t("export.format"))
            yield Select([(FORMAT_LABELS[f], f) for f in FORMATS], value="csv", allow_blank=False, id="export-format")
            yield Static(t("export.path"))
            yield Input(str(default_place(t("export.file_stem"), self.day, "csv")), id="export-path")
            yield Static("", id="export-error", classes="field-error")
            yield Static(t("export.keys"), id="export-keys")

    def on_mount(self) -> None:
        self.query_one("#export-path", Input).focus()

    @on(Select.Changed, "#export-format")
    def _format_changed(self, event: Select.Changed) -> None:
        """The file name follows the format when its extension is one of ours."""
        box = self.query_one("#export-path", Input)
        path = Path(box.value)
        if path.suffix.lower().lstrip(".") in FORMATS and isinstance(event.value, str):
            box.value = str(path.with_suffix("." + event.value))
        self._error("")

    @on(Input.Changed, "#export-path")
    def _path_changed(self) -> None:
        self._replace = None
        self._error("")

    @on(Input.Submitted, "#export-path")
    def _submitted(self) -> None:
        self.action_export()

    def action_export(self) -> None:
        from kameng_tui.services.export import export

        if self._busy:
            return
        t = Texts(self.app.lang)
        raw = self.query_one("#export-path", Input).value.strip()
        if not raw:
            self._error(t("export.no_name"))
            return
        chosen = self.query_one("#export-format", Select).value
        fmt_name = chosen if isinstance(chosen, str) else "csv"
        dest = Path(raw).expanduser()
        if dest.suffix.lower().lstrip(".") in FORMATS:
            fmt_name = dest.suffix.lower().lstrip(".")          # the name says which: x.json is JSON
        elif not dest.suffix:
            dest = dest.with_name(f"{dest.name}.{fmt_name}")
        if dest.is_file() and self._replace != dest:
            self._replace = dest
            self._error(t("export.exists", path=str(dest)), style="yellow")
            return
        self._busy = True
        self._error(t("export.writing"), style="dim")
        ctx, lang = self.app.ctx, self.app.lang

        def write() -> Exported:      # a thread: the disk never holds up the screen
            rows = export(ctx.exporter, self.flt, fmt_name, dest, lang=lang, labels=lang, create_dir=True)
            return Exported(rows, dest, anchor_path(dest) if fmt_name == "csv" else None)

        self.run_worker(write, thread=True, group="export", exit_on_error=False)

    @on(Worker.StateChanged)
    def _written(self, event: Worker.StateChanged) -> None:
        if event.worker.group != "export" or event.state not in (WorkerState.SUCCESS, WorkerState.ERROR):
            return
        self._busy = False
        if event.state is WorkerState.SUCCESS and isinstance(event.worker.result, Exported):
            self.dismiss(event.worker.result)
            return
        error = event.worker.error
        if not isinstance(error, KamengError):
            raise error if error is not None else RuntimeError("export worker")   # a bug: the app's handler logs it
        self._error(Texts(self.app.lang).error(error))

    def _error(self, message: str, style: str = "bold red") -> None:
        self.query_one("#export-error", Static).update(Text(message, style=style))

    def action_cancel(self) -> None:
        if not self._busy:             # a file being written is finished, then said
            self.dismiss(None)
