"""The batch entry grid: a spreadsheet of rows drawn with the Line API.

Printable keys type into the cell under the cursor (typing replaces it, ctrl+e edits it,
Backspace clears it): digits, `?` and `q` too, so while the grid has focus the footer
leaves out the app's printable keys (`check_consume_key`) and F-keys switch screens.
Enter commits and moves down, Tab right, arrows move; a paste of several lines or
tab-separated cells becomes rows. The grid owns the rows and the undo
stack; the screen tells it each row's check result and order state. How it is drawn
(column widths, one line as a Strip) is in widgets/batch_grid_draw.py.
"""

from __future__ import annotations

from typing import Callable

from rich.text import Text
from textual import events
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from kameng_tui.domain.batch_input import unclosed_quote_line
from kameng_tui.domain.batch_rows import GRID_COLUMNS, Row, split_rows
from kameng_tui.tui.keys import GRID_KEYS, bindings
from kameng_tui.tui.textual_compat import install_bindings
from kameng_tui.tui.typed_keys import takes_as_text
from kameng_tui.tui.widgets.batch_grid_draw import FIELD_COLUMN, cursor_at, grid_line, status_width

__all__ = ("BatchGrid", "FIELD_COLUMN")

class BatchGrid(ScrollView, can_focus=True):
    COMPONENT_CLASSES = {"batch-grid--header", "batch-grid--cursor", "batch-grid--edit", "batch-grid--bad"}
    DEFAULT_CSS = """
    BatchGrid { background: $surface; }
    BatchGrid > .batch-grid--header { color: $text-muted; text-style: bold; }
    BatchGrid > .batch-grid--cursor { background: $accent 40%; }
    BatchGrid:focus > .batch-grid--cursor { background: $accent; color: $text; }
    BatchGrid > .batch-grid--edit { background: $warning 60%; color: $text; }
    BatchGrid > .batch-grid--bad { color: $error; }
    """

    class Changed(Message):
        """The rows changed (an edit committed, a paste, a delete, an undo)."""

    class Editing(Message):
        """The text of the cell being edited changed."""

        def __init__(self, column: str, text: str) -> None:
            super().__init__()
            self.column = column
            self.text = text

    class Moved(Message):
        """The cursor moved to another row or column."""

    class Refused(Message):
        def __init__(self, row: int) -> None:
            super().__init__()
            self.row = row

    class PasteRefused(Message):
        """A paste whose line `line` opens a quote it never closes: nothing was pasted."""

        def __init__(self, line: int) -> None:
            super().__init__()
            self.line = line

    def __init__(self, labels: dict[str, str], *, lang: str = "zh", id: str | None = None) -> None:
        super().__init__(id=id)
        install_bindings(self, bindings(GRID_KEYS, lang))
        self.labels = labels
        self.rows: list[Row] = [Row()]
        self.row = 0
        self.col = 0
        self.editing = False
        self.buf = ""
        self.undo_stack: list[tuple[tuple[Row, ...], int, int]] = []
        self.notes: dict[int, Text] = {}          # row -> status text (reason, product, order state)
        self.bad_field: dict[int, str | None] = {}  # row -> the column to paint red
        self.locked: Callable[[int], bool] = lambda i: False
        self.retry: Callable[[int], Row | None] = lambda i: None
        self.is_sku: Callable[[str], bool] = lambda text: True
        self.suggestions: list[tuple[str, str]] = []    # (sku, label) for the SKU being typed
        self.suggested_for = ""
        """The text the suggestions were found for (they come from a worker, a keystroke late)."""
        self.pick = 0
        self.tab_from: int | None = None

    # --- rows ------------------------------------------------------------------------------------
    def load(self, rows: list[Row]) -> None:
        self.rows = list(rows)
        self.undo_stack.clear()
        self._tail()
        self.row = min(self.row, len(self.rows) - 1)
        self._resize()

    def _tail(self) -> None:
        if not self.rows or not self.rows[-1].blank or self.rows[-1].order_no:
            self.rows.append(Row())

    def _push(self) -> None:
        self.undo_stack.append((tuple(self.rows), self.row, self.col))
        del self.undo_stack[:-200]

    def _changed(self) -> None:
        self._tail()
        self._resize()
        self.refresh()
        self.post_message(self.Changed())

    def _resize(self) -> None:
        self.virtual_size = Size(self.size.width, len(self.rows) + 1)
        self.refresh()

    @property
    def column(self) -> str:
        return GRID_COLUMNS[self.col]

    # --- editing -------------------------------------------------------------------------------------
    def may_edit(self) -> bool:
        """False (and the screen told why) on a line that is already an order."""
        if self.locked(self.row):
            self.post_message(self.Refused(self.row))
            return False
        return True

    def set_cell(self, i: int, column: str, value: str) -> None:
        """A cell filled by a picker: one undo step; a failed line becomes a new order, as when typed."""
        col = GRID_COLUMNS.index(column)
        row = self.rows[i]
        replacement = self.retry(i) or row
        if replacement.cells[col] != value or replacement is not row:
            self._push()
            self.rows[i] = replacement.with_cell(col, value)
            self._changed()

    def start_edit(self, text: str | None = None) -> None:
        if not self.may_edit():
            return
        self.editing = True
        self.buf = self.rows[self.row].cells[self.col] if text is None else text
        self.pick = 0
        self._edited()

    def _edited(self) -> None:
        self.refresh()
        self._place_cursor()
        self.post_message(self.Editing(self.column, self.buf))

    def suggest(self, text: str, found: list[tuple[str, str]]) -> None:
        """The SKUs found for `text` (Enter or Tab takes the one picked, while the cell
        still holds that text)."""
        self.suggested_for, self.suggestions = text, found

    def commit(self) -> None:
        if not self.editing:
            return
        self.editing = False
        value = self.buf.strip()
        if (self.column == "sku" and value and self.suggestions and self.suggested_for == self.buf
                and not self.is_sku(value)):
            value = self.suggestions[min(self.pick, len(self.suggestions) - 1)][0]
        self.suggestions = []
        row = self.rows[self.row]
        replacement = self.retry(self.row) or row
        if replacement.cells[self.col] != value or replacement is not row:
            self._push()
            self.rows[self.row] = replacement.with_cell(self.col, value)
            self._changed()
        self.refresh()

    def cancel_edit(self) -> None:
        self.editing = False
        self.suggestions = []
        self.refresh()
        self.post_message(self.Editing(self.column, ""))

    def check_consume_key(self, key: str, character: str | None) -> bool:
        """Every printable key types into the cell: no binding on one is offered here."""
        return takes_as_text(key, character)

    def on_key(self, event: events.Key) -> None:
        if event.is_printable and event.character:
            event.stop()
            event.prevent_default()
            if self.editing:
                self.buf += event.character
                self._edited()
            else:
                self.start_edit(event.character)

    def on_paste(self, event: events.Paste) -> None:
        event.stop()
        event.prevent_default()
        text = event.text.replace("\r\n", "\n").replace("\r", "\n")     # terminals and tmux paste CR line ends
        whole_lines = "\n" in text.strip() or "\t" in text or text.endswith("\n") or (
            self.column == "sku" and not self.editing and len(text.split()) >= 2)   # a copied line: rows
        if not whole_lines:
            if self.editing:
                self.buf += text.strip()
                self._edited()
            else:
                self.start_edit(text.strip())
            return
        self.paste_rows(text)

    def paste_rows(self, text: str) -> int:
        open_at = unclosed_quote_line(text)
        if open_at is not None:            # csv would read every line after it as one cell
            self.post_message(self.PasteRefused(open_at))
            return 0
        new = split_rows(text)
        if not new:
            return 0
        self.editing = False
        self._push()
        at = self.row if self.rows[self.row].blank else self.row + 1
        while at < len(self.rows) and self.rows[at].blank and at == len(self.rows) - 1:
            self.rows.pop(at)
        self.rows[at:at] = new
        self.row = at
        self._changed()
        return len(new)

    # --- the screen's row actions ------------------------------------------------------------------------
    def duplicate(self) -> None:
        if self.rows[self.row].blank:
            return
        self.commit()
        self._push()
        src = self.rows[self.row]
        self.rows.insert(self.row + 1, Row(cells=src.cells))
        self.move(self.row + 1, self.col)
        self._changed()

    def delete(self) -> None:
        if self.rows[self.row].blank and self.row == len(self.rows) - 1:
            return
        if not self.may_edit():
            return
        self.editing = False
        self._push()
        self.rows.pop(self.row)
        self.row = min(self.row, max(0, len(self.rows) - 1))
        self._changed()

    def replace_rows(self, new: dict[int, Row]) -> None:
        """Several rows changed at once (one undo step)."""
        self._push()
        for i, row in new.items():
            self.rows[i] = row
        self._changed()

    def undo(self) -> bool:
        if self.editing:
            self.cancel_edit()
            return True
        if not self.undo_stack:
            return False
        rows, self.row, self.col = self.undo_stack.pop()
        self.rows = list(rows)
        self._changed()
        return True

    # --- moving ------------------------------------------------------------------------------------------
    def move(self, row: int, col: int) -> None:
        old = (self.row, self.col)
        self.row = max(0, min(row, len(self.rows) - 1))
        self.col = max(0, min(col, len(GRID_COLUMNS) - 1))
        if (self.row, self.col) != old:
            self.post_message(self.Moved())
        top, height = self.scroll_offset.y, max(1, self.size.height - 1)
        if self.row < top:
            self.scroll_to(y=self.row, animate=False, immediate=True)
        elif self.row >= top + height:
            self.scroll_to(y=self.row - height + 1, animate=False, immediate=True)
        self.refresh()

    def action_down(self) -> None:
        if self.editing and self.column == "sku" and self.suggestions:
            self.pick = min(self.pick + 1, len(self.suggestions) - 1)
            self._edited()
            return
        self.commit()
        self.move(self.row + 1, self.col)

    def action_up(self) -> None:
        if self.editing and self.column == "sku" and self.suggestions:
            self.pick = max(self.pick - 1, 0)
            self._edited()
            return
        self.commit()
        self.move(self.row - 1, self.col)

    def action_left(self) -> None:
        self.commit()
        self.move(self.row, self.col - 1)

    def action_right(self) -> None:
        self.commit()
        self.move(self.row, self.col + 1)

    def action_next(self) -> None:
        self.commit()
        if self.tab_from is None:
            self.tab_from = self.col
        if self.col == len(GRID_COLUMNS) - 1:
            self.move(self.row + 1, 0)
        else:
            self.move(self.row, self.col + 1)

    def action_prev(self) -> None:
        self.commit()
        if self.col == 0:
            self.move(self.row - 1, len(GRID_COLUMNS) - 1)
        else:
            self.move(self.row, self.col - 1)

    def action_enter(self) -> None:
        """Enter commits and moves down, back to the column where a run of Tabs began."""
        self.commit()
        col = self.col if self.tab_from is None else self.tab_from
        self.tab_from = None
        self.move(self.row + 1, col)

    def action_edit(self) -> None:
        if not self.editing:
            self.start_edit()

    def action_cancel(self) -> None:
        if self.editing:
            self.cancel_edit()
        else:
            self.screen.set_focus(None)

    def action_clear(self) -> None:
        if self.editing:
            self.buf = ""
            self._edited()
        elif self.rows[self.row].cells[self.col] and self.may_edit():
            self.start_edit("")
            self.commit()

    def action_backspace(self) -> None:
        if self.editing:
            self.buf = self.buf[:-1]
            self._edited()
        else:
            self.start_edit("")

    # --- drawing ------------------------------------------------------------------------------------------
    def _place_cursor(self) -> None:
        """The terminal cursor on the edited cell, so an IME shows its candidates there."""
        if self.editing:
            self.app.cursor_position = cursor_at(self)

    def render_line(self, y: int) -> Strip:
        return grid_line(self, y)

    def status_width(self) -> int:
        """Cells the state/reason column has at the grid's present width."""
        return status_width(self.scrollable_content_region.width)

    def on_resize(self) -> None:
        self._resize()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.commit()
        self.refresh()
