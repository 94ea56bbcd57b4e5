"""The pieces the settings panels share: section titles, their tables, form fields."""

from __future__ import annotations

from rich.text import Text
from textual.containers import Vertical
from textual.widgets import DataTable, Select, Static



def section_title(text: str) -> Static:
    return Static(Text(text, style="bold"), classes="section-title")


def section_table(table_id: str, columns: dict[str, str], **kw) -> DataTable:
    """A row-cursor table with `columns` as {key: header}."""
    table: DataTable = DataTable(id=table_id, cursor_type="row", **kw)
    for key, header in columns.items():
        table.add_column(header, key=key)
    return table


def field_cell(widget, key: str, label: str | None = None) -> Vertical:
    """A form field with its label in its top border and its message under it."""
    if label:
        widget.border_title = label
    return Vertical(widget, Static("", id=f"msg-{key}", classes="field-msg"), classes="cell", id=f"cell-{key}")


def label_selects(container) -> None:
    """A Select draws its border on its SelectCurrent child: the label goes there."""
    for select in container.query(Select):
        if select.border_title:
            select.query_one("SelectCurrent").border_title = select.border_title
