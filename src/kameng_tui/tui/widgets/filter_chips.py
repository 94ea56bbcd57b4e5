"""The active filters as chips on one line above the catalog list.

They stay visible when the filter pane is folded away (narrow terminals) or scrolled,
so a short list is never a mystery. The newest chip is the last one, the one Backspace
takes back; when the line is too narrow the key hint goes first, then the oldest chips
(counted as "+N").
"""

from __future__ import annotations

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual.widget import Widget

from kameng_tui.domain.catalog_query import Filter, facet_label, facet_value_label
from kameng_tui.tui.text import Texts

CHIP = Style(bold=True, reverse=True)
DIM = Style(dim=True)


def filter_text(f: Filter, t: Texts) -> str:
    """One filter as people read it: 运营商=联通, 分类=游戏/腾讯, 价格区间=10-100元."""
    if f.kind == "category":
        return f"{t('filter.category')}={f.value}"
    if f.kind == "supplier":
        return f"{t('filters.supplier')}={f.value}"
    if f.kind == "price":
        lo, _, hi = f.value.partition("-")
        if lo and hi:
            price = t("filters.price_between", lo=lo, hi=hi)
        elif lo:
            price = t("filters.price_from", lo=lo)
        else:
            price = t("filters.price_to", hi=hi)
        return f"{t('filter.price')}={price}"
    return f"{t.show(facet_label(f.facet))}={t.show(facet_value_label(f.facet, f.value))}"


def chips_line(filters: tuple[Filter, ...], t: Texts, width: int) -> Text:
    """The chips fitted to `width` cells. Dropped in this order until it fits: the key
    hint, the oldest chips (counted as "+N"), the title; the newest chip, the one
    Backspace takes, stays (cut at the edge when nothing else is left)."""
    labels = [f" {filter_text(f, t)} " for f in filters]

    def build(title: bool, hidden: int, with_hint: bool) -> Text:
        line = Text(t("filters.title") if title else "", no_wrap=True, overflow="crop")
        if hidden:
            line.append(t("filters.more", n=hidden) + " ", DIM)
        for label in labels[hidden:]:
            line.append(label, CHIP)
            line.append(" ")
        if with_hint:
            line.append(" " + t("filters.keys"), DIM)
        return line

    tries = [build(True, 0, True)] + [build(True, k, False) for k in range(len(labels))]
    tries.append(build(False, max(0, len(labels) - 1), False))
    for line in tries:
        if cell_len(line.plain.rstrip()) <= width:
            return line
    return tries[-1]


class FilterChips(Widget):
    """One line, always there (it says so while no filter is on): a line that came and went
    with the first filter would move the list, and a layout pass redraws every pane."""

    DEFAULT_CSS = "FilterChips { height: 1; padding: 0 1; }"

    def __init__(self, *, lang: str = "zh", id: str | None = None) -> None:
        super().__init__(id=id)
        self.t = Texts(lang)
        self.filters: tuple[Filter, ...] = ()

    def show(self, filters: tuple[Filter, ...]) -> None:
        if filters != self.filters:
            self.filters = filters
            self.refresh()

    def render(self) -> Text:
        if not self.filters:
            return Text(self.t("filters.none"), DIM, no_wrap=True, overflow="crop")
        return chips_line(self.filters, self.t, max(1, self.content_region.width or self.size.width))
