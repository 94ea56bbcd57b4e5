"""The 演示 mark on the demo's products and orders beside a real supplier (issue 15): one
look for the list rows, the detail pane and the checkout title, 4 cells in zh and en."""

from __future__ import annotations

from rich.style import Style
from rich.text import Text

from kameng_tui.tui.text import Texts
from kameng_tui.tui.widgets.virtual_list import cell

DEMO_STYLE = Style.parse("bold white on magenta")
CELLS = 4                  # 演示 / Demo; the mark and a space take 5 cells from the name


def chip(t: Texts) -> str:
    """The mark as a list cell, exactly CELLS wide."""
    return cell(t("demo.mark"), CELLS)


def marked(t: Texts, text: Text) -> Text:
    """`text` after the mark (a title, a product's name)."""
    return Text.assemble((chip(t), DEMO_STYLE), " ", text)
