"""A keyboard list that renders only the lines on screen (Textual's Line API).

The data never lives in the widget: a subclass answers `row_count` and renders one
row on demand, so 100,000 rows cost what 40 cost. A rendered row is cached by
(row key, width, selected) and the cache is dropped when the data changes.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Hashable

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.events import Click
from textual.geometry import Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from kameng_tui.tui.keys import LIST_KEYS, bindings
from kameng_tui.tui.textual_compat import install_bindings


class VirtualList(ScrollView, can_focus=True):
    COMPONENT_CLASSES = {"virtual-list--cursor", "virtual-list--header"}
    DEFAULT_CSS = """
    VirtualList { background: $surface; }
    VirtualList > .virtual-list--cursor { background: $accent 40%; }
    VirtualList:focus > .virtual-list--cursor { background: $accent; color: $text; }
    VirtualList > .virtual-list--header { color: $text-muted; text-style: bold; }
    """

    class Highlighted(Message):
        def __init__(self, widget: "VirtualList", row: int) -> None:
            super().__init__()
            self.widget = widget
            self.row = row

        @property
        def control(self) -> "VirtualList":
            return self.widget

    class Selected(Highlighted):
        pass

    header_lines = 0
    empty_text = ""
    """Said in the list's own lines, word-wrapped, while it has no rows: where the rows would
    be, and without a layout pass (a message line above the list would move it)."""

    def __init__(self, *, lang: str = "zh", id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.lang = lang
        install_bindings(self, bindings(LIST_KEYS, lang))
        self.cursor = 0
        self._cache: OrderedDict[Hashable, Strip] = OrderedDict()
        self._empty: tuple[tuple[str, int], list[Strip]] = (("", 0), [])
        self._width: tuple[Hashable, int] = (None, 0)
        self._base: dict[bool, Style] = {}      # has_focus -> the widget's own style, until its CSS changes

    # --- what subclasses provide ----------------------------------------------------------
    def row_count(self) -> int:
        raise NotImplementedError

    def row_key(self, row: int) -> Hashable:
        """What a rendered row depends on: rows with equal keys share a cached strip,
        across queries too (typing "w" then "wz" re-renders only rows not seen yet)."""
        return row

    def render_row(self, row: int, width: int) -> list[Segment]:
        raise NotImplementedError

    def render_header(self, width: int) -> list[Segment]:
        return []

    # --- data changes -------------------------------------------------------------------------
    def data_changed(self, keep_cursor: bool = False) -> None:
        """The rows changed: recount, clamp the cursor, redraw what is visible."""
        n = self.row_count()
        if not keep_cursor:
            self.cursor = 0
            self.scroll_to(y=0, animate=False, immediate=True)
        self.cursor = max(0, min(self.cursor, n - 1))
        self._set_rows(n)
        self.refresh()
        self.post_message(self.Highlighted(self, self.cursor))

    def _set_rows(self, n: int) -> None:
        """A new row count without a layout pass of the whole screen (which setting
        `virtual_size` asks for): only a scrollbar that appears or goes needs one."""
        size = Size(self.size.width, n + self.header_lines)
        if size == self.virtual_size:
            return
        had_bar = self.show_vertical_scrollbar
        self.set_reactive(ScrollView.virtual_size, size)
        self._scroll_update(size)
        if self.show_vertical_scrollbar != had_bar:
            self.refresh(layout=True)

    def on_resize(self) -> None:
        self._cache.clear()
        self.virtual_size = Size(self.size.width, self.row_count() + self.header_lines)

    # --- rendering ------------------------------------------------------------------------------
    def line_width(self) -> int:
        """The cells a line takes: measured again only when the size or the scrollbar
        changed (every line of every frame asks, and measuring walks the widget's region)."""
        key = (self.outer_size, self.show_vertical_scrollbar, self.show_horizontal_scrollbar)
        if self._width[0] != key:
            self._width = (key, self.scrollable_content_region.width)
        return self._width[1]

    def base_style(self) -> Style:
        """The widget's Rich style (DOMNode.rich_style walks every ancestor's CSS), kept
        until Textual says the CSS changed."""
        focus = self.has_focus
        style = self._base.get(focus)
        if style is None:
            style = self._base[focus] = self.rich_style
        return style

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._base = {}
        self._width = (None, 0)
        self._cache.clear()
        self._empty = (("", 0), [])

    def render_line(self, y: int) -> Strip:
        width = self.line_width()
        if y < self.header_lines:
            return self._strip(self.render_header(width), width, self.get_component_rich_style("virtual-list--header"))
        row = self.scroll_offset.y + y - self.header_lines
        if row < 0 or row >= self.row_count():
            if self.empty_text and not self.row_count():
                lines = self._empty_lines(width)
                if 0 <= y - self.header_lines < len(lines):
                    return lines[y - self.header_lines]
            return Strip.blank(width, self.base_style())
        selected = row == self.cursor
        key = (self.row_key(row), width, selected, self.has_focus)
        strip = self._cache.get(key)
        if strip is None:
            style = self.get_component_rich_style("virtual-list--cursor") if selected else None
            strip = self._strip(self.render_row(row, width), width, style)
            self._cache[key] = strip
            if len(self._cache) > 512:
                self._cache.popitem(last=False)
        return strip

    def _empty_lines(self, width: int) -> list[Strip]:
        key = (self.empty_text, width)
        if self._empty[0] != key:
            console = self.app.console
            lines = Text(self.empty_text).wrap(console, max(1, width - 2))
            self._empty = (key, [self._strip([Segment(" "), *line.render(console)], width, None) for line in lines])
        return self._empty[1]

    def _strip(self, segments: list[Segment], width: int, style: Style | None) -> Strip:
        """The row's segments cut or padded to `width` and styled, as one Strip (Strip's own
        crop_extend and apply_style would make three, each with its caches)."""
        base = self.base_style()
        if style is not None:
            base += style
        line = Segment.adjust_line_length(segments, width)
        return Strip(list(Segment.apply_style(line, base)), width)

    # --- the cursor ---------------------------------------------------------------------------
    @property
    def page_rows(self) -> int:
        return max(1, self.size.height - self.header_lines)

    def move_cursor(self, row: int) -> None:
        n = self.row_count()
        if n == 0:
            return
        row = max(0, min(row, n - 1))
        old, self.cursor = self.cursor, row
        top = self.scroll_offset.y
        if row < top:
            self.scroll_to(y=row, animate=False, immediate=True)
        elif row >= top + self.page_rows:
            self.scroll_to(y=row - self.page_rows + 1, animate=False, immediate=True)
        if old != row:
            self.refresh()
            self.post_message(self.Highlighted(self, row))

    def action_cursor_down(self) -> None:
        self.move_cursor(self.cursor + 1)

    def action_cursor_up(self) -> None:
        self.move_cursor(self.cursor - 1)

    def action_page_down(self) -> None:
        self.move_cursor(self.cursor + self.page_rows)

    def action_page_up(self) -> None:
        self.move_cursor(self.cursor - self.page_rows)

    def action_first(self) -> None:
        self.move_cursor(0)

    def action_last(self) -> None:
        self.move_cursor(self.row_count() - 1)

    def action_select(self) -> None:
        if self.row_count():
            self.post_message(self.Selected(self, self.cursor))

    def on_click(self, event: Click) -> None:
        row = self.scroll_offset.y + event.y - self.header_lines
        if 0 <= row < self.row_count():
            self.move_cursor(row)
            if event.chain >= 2:
                self.action_select()

    def on_focus(self) -> None:
        self.refresh()

    def on_blur(self) -> None:
        self.refresh()


def cell(text: str, width: int, align: str = "left") -> str:
    """`text` cut or padded to exactly `width` terminal cells (CJK counts two)."""
    from rich.cells import cell_len, set_cell_size

    if cell_len(text) > width:
        return set_cell_size(text, width)
    pad = " " * (width - cell_len(text))
    return pad + text if align == "right" else text + pad



