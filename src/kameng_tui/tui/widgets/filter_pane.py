"""The filter pane: category tree, then the facets of the current selection with live
counts. A list of plain entries drawn by the Line API; the screen owns the query."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Hashable, Mapping

from rich.segment import Segment
from rich.style import Style
from textual.message import Message

from kameng_tui.domain.catalog_index import Result
from kameng_tui.domain.catalog_query import DELIVERY_FACET, TAG_FACET, Query, facet_label, facet_value_label
from kameng_tui.tui.text import Texts
from kameng_tui.tui.widgets.virtual_list import VirtualList, cell

HEADER = Style(bold=True, underline=True)
BOLD = Style(bold=True)
DIM = Style(dim=True)
# Attribute names as the demo and Fulu catalogs write them (data), in the order shown.
FACET_ORDER = ("周期", "等级", "运营商", "面值", "机型", "颜色", "材质", "口味", DELIVERY_FACET, TAG_FACET)
PERIOD_ORDER = {"月": 1, "季": 2, "年": 3}       # values of the 周期 attribute
YUAN = "元"                                        # the unit in face values such as 100元


@dataclass(frozen=True)
class Entry:
    kind: str            # category | header | value
    label: str
    value: str = ""      # category path, or facet value
    facet: str = ""
    count: int = 0
    depth: int = 0
    on: bool = False


class FilterPane(VirtualList):
    class Toggled(Message):
        def __init__(self, entry: Entry) -> None:
            super().__init__()
            self.entry = entry

    def __init__(self, *, lang: str = "zh", id: str | None = None) -> None:
        super().__init__(lang=lang, id=id)
        self.t = Texts(lang)
        self.entries: list[Entry] = []

    def show(self, query: Query, result: Result) -> None:
        """New counts: the cursor stays on the entry it was on (a value toggled a row
        further down moves with its facet), and never rests on a header."""
        here = self.entries[self.cursor] if 0 <= self.cursor < len(self.entries) else None
        self.entries = build_entries(query, result, self.t)
        if here is not None:
            same = (here.kind, here.facet, here.value)
            self.cursor = next((i for i, e in enumerate(self.entries) if (e.kind, e.facet, e.value) == same),
                               self.cursor)
        self.cursor = self._landing(min(self.cursor, len(self.entries) - 1), 1)
        self.data_changed(keep_cursor=True)

    def _landing(self, row: int, step: int) -> int:
        """The nearest row from `row` that is not a header, looking `step`-wards first."""
        for direction in (step, -step):
            r = row
            while 0 <= r < len(self.entries):
                if self.entries[r].kind != "header":
                    return r
                r += direction
        return max(0, row)

    def move_cursor(self, row: int) -> None:
        n = len(self.entries)
        if n:
            step = 1 if row >= self.cursor else -1
            row = self._landing(max(0, min(row, n - 1)), step)
        super().move_cursor(row)

    def row_count(self) -> int:
        return len(self.entries)

    def row_key(self, row: int) -> Hashable:
        return self.entries[row]

    def render_row(self, row: int, width: int) -> list[Segment]:
        e = self.entries[row]
        count = f"{e.count}"
        if e.kind == "header":
            return [Segment(cell(e.label, width), HEADER)]
        mark = ("[x] " if e.on else "[ ] ") if e.kind == "value" else ("> " if e.on else "  ")
        left = "  " * e.depth + mark + e.label
        room = max(1, width - len(count) - 1)
        return [Segment(cell(left, room), BOLD if e.on else None), Segment(" " + count, DIM)]

    def action_select(self) -> None:
        if self.entries and self.entries[self.cursor].kind != "header":
            self.post_message(self.Toggled(self.entries[self.cursor]))


def build_entries(query: Query, result: Result, t: Texts) -> list[Entry]:
    out: list[Entry] = [Entry("header", t("filter.category"))]
    out.append(Entry("category", t("filter.all"), "", count=sum(c for p, c in result.categories.items() if "/" not in p),
                     on=not query.category))
    _category_tree(out, query, result.categories, "", 0)
    if query.category and query.category not in result.categories:
        out.append(Entry("category", query.category.rsplit("/", 1)[-1], query.category, count=0, on=True))
    facets: Mapping[str, Mapping[str, int]] = result.facets
    names = [n for n in FACET_ORDER if n in facets] + sorted(n for n in facets if n not in FACET_ORDER)
    for name in names:
        chosen = _chosen(query, name)
        values = {v: c for v, c in facets[name].items() if c > 0 or v in chosen}
        if len(values) < 2 and not chosen:
            continue
        out.append(Entry("header", t.show(facet_label(name))))
        for value, count in sorted(values.items(), key=lambda vc: _value_order(vc[0])):
            out.append(Entry("value", t.show(facet_value_label(name, value)), value, facet=name, count=count,
                             on=value in chosen))
    return out


def _category_tree(out: list[Entry], query: Query, categories: Mapping[str, int], prefix: str, depth: int) -> None:
    """The top level, and the children along the selected path (a drill-down tree). A
    module function, not a closure calling itself: that would be a reference cycle, left
    for the cyclic GC at every keystroke."""
    level = prefix.count("/") + 1 if prefix else 0
    children = sorted(((p, c) for p, c in categories.items()
                       if p.count("/") == level and (not prefix or p.startswith(prefix + "/"))),
                      key=lambda pc: (-pc[1], pc[0]))
    selected = query.category.split("/") if query.category else []
    for path, count in children:
        out.append(Entry("category", path.rsplit("/", 1)[-1], path, count=count, depth=depth,
                         on=query.category == path))
        if selected and "/".join(selected[: depth + 1]) == path:
            _category_tree(out, query, categories, path, depth + 1)


def _chosen(query: Query, facet: str) -> frozenset[str]:
    if facet == DELIVERY_FACET:
        return query.delivery
    if facet == TAG_FACET:
        return query.tags
    return frozenset(query.attrs.get(facet, frozenset()))


def _value_order(value: str) -> tuple[int, float, str]:
    """Numbers by size (面值 10, 50, 100), then 月/季/年, then by text."""
    digits = "".join(ch for ch in value if ch.isdigit() or ch == ".")
    try:
        return (0, float(digits), value) if digits and value.replace(digits, "").strip() in ("", YUAN) \
            else (1, PERIOD_ORDER.get(value, 9), value)
    except ValueError:
        return (1, 9, value)
