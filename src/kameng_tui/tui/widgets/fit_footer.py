"""A footer that shows only the keys that fit whole.

Textual's Footer lays its keys in one row and docks the command-palette key on the
right, on top of them: at 80 columns in Chinese the row runs under it, and where a key
underneath ends inside a double-width character of the palette's label, the compositor
blanks that character ("^p   令"); keys past the edge are cut mid-label. This one hides
every key that would not fit whole, keeping help and quit (the way to everything else)
before the others, in their usual order. Public API only: keys are found by their CSS
type name and hidden with `display`.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual.widget import Widget
from textual.widgets import Footer

FIRST = ("help", "app.help", "quit", "app.quit")      # kept before the others when room is short


def needed(key: Widget) -> int:
    """Cells a footer key takes: its label (with the label's own padding), its gutter
    (padding and border) and its margins."""
    label = key.render()
    width = cell_len(label.plain if hasattr(label, "plain") else str(label))
    margin = key.styles.margin
    return width + key.styles.gutter.width + margin.left + margin.right


class FitFooter(Footer):
    def on_resize(self) -> None:
        self.call_after_refresh(self.fit_keys)

    async def recompose(self) -> None:
        await super().recompose()
        self.call_after_refresh(self.fit_keys)

    def on_mount(self) -> None:      # Textual calls Footer's own on_mount as well (MRO dispatch)
        self.call_after_refresh(self.fit_keys)

    def fit_keys(self) -> None:
        """Show what fits in the footer's width: the palette key, help and quit first,
        then the others in their order; the screen-switching keys all or none."""
        keys = list(self.query("FooterKey"))
        if not keys:
            return
        room = self.size.width
        palette = [k for k in keys if k.has_class("-command-palette")]
        rest = [k for k in keys if not k.has_class("-command-palette")]
        units: list[list[Widget]] = [[k] for k in palette]
        units += [[k] for k in rest if action_of(k) in FIRST]
        modes = [k for k in rest if action_of(k).startswith("switch_mode")]
        for k in rest:
            if action_of(k) in FIRST or k in modes:
                if k is (modes[0] if modes else None):
                    units.append(modes)
                continue
            units.append([k])
        show: set[int] = set()
        for unit in units:
            n = sum(needed(k) for k in unit)
            if n <= room:
                show.update(id(k) for k in unit)
                room -= n
        for k in keys:
            k.display = id(k) in show


def action_of(key: Widget) -> str:
    return str(getattr(key, "action", ""))
