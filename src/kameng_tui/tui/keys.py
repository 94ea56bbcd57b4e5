"""Every key binding, by id: the one list behind the footer, help, palette and keymap.

Users remap by id in config.toml (`[keymap] "catalog.order" = "o,enter"`); docs/keys.md
lists the ids. Printable keys are ordinary (non-priority) bindings, so a focused text
field consumes them first: digits switch screens only when no field has focus.

The keys that move focus into a text field are priority bindings (a focused text field
still consumes them: Textual filters the priority chain by `check_consume_key` too). An
ordinary binding runs only after its key has bubbled from the focused list back up to
the app, and whatever a fast typist sent meanwhile went to the list: `/wzry` on a busy
machine searched for "ry". A priority binding moves focus before the next key is read.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding

from kameng_tui.messages import text


@dataclass(frozen=True)
class Key:
    """One binding; its label is the catalog's `key.<id>` (messages/keys.py)."""

    id: str
    keys: str
    action: str
    show: bool = True
    priority: bool = False

    def label(self, lang: str = "zh") -> str:
        return text(f"key.{self.id}", lang)

    @property
    def zh(self) -> str:
        return self.label("zh")

    @property
    def en(self) -> str:
        return self.label("en")


APP_KEYS = (
    Key("app.catalog", "1,f2", "switch_mode('catalog')"),
    Key("app.batch", "2,f3", "switch_mode('batch')"),
    Key("app.history", "3,f4", "switch_mode('history')"),
    Key("app.settings", "4,f5", "switch_mode('settings')"),
    Key("app.help", "question_mark,f1", "help"),
    Key("app.palette", "ctrl+p", "command_palette", show=False),
    Key("app.data_key", "f6", "data_key", show=False),      # the header names it while no data key is there
    Key("app.quit", "q,ctrl+q", "quit"),
)

CATALOG_KEYS = (
    Key("catalog.search", "slash", "focus_search", priority=True),
    Key("catalog.order", "o", "order"),
    Key("catalog.reorder", "a", "reorder"),
    Key("catalog.sort", "s", "cycle_sort"),
    Key("catalog.reverse", "S", "reverse_sort", show=False),
    Key("catalog.filters", "f", "toggle_filters", show=False),   # show / focus / fold the filter pane
    Key("catalog.detail", "i", "toggle_detail", show=False),     # show / fold the detail pane
    Key("catalog.table", "t", "focus_table", show=False),
    Key("catalog.escape", "escape", "escape", show=False),
    # Backspace in the empty search field does the same (SearchInput); the chips line names both
    Key("catalog.unfilter", "backspace", "remove_last_filter", show=False),
    Key("catalog.clear_filters", "x", "clear_filters", show=False),
)

HISTORY_KEYS = (
    Key("history.search", "slash", "focus_search", priority=True),
    Key("history.reorder", "a", "reorder"),
    # shown only on a row it re-orders; elsewhere the key (its twin, tui/history_next_offer.py) says why
    Key("history.next_offer", "n", "next_offer"),
    Key("history.today", "T", "preset('today')", show=False),
    Key("history.preset", "p", "next_preset"),
    Key("history.dates", "d", "focus_dates", show=False, priority=True),       # named on the date line when 自定义 is on
    Key("history.status", "z", "next_status"),
    Key("history.claims", "c", "toggle_claims"),
    Key("history.export", "e", "export"),
    Key("history.resume", "s", "resume_order", show=False),    # named on a pending order's detail pane
    Key("history.cancel", "x", "cancel_order", show=False),
    Key("history.reveal", "r", "reveal", show=False),
    Key("history.copy", "y", "copy", show=False),
    Key("history.detail", "i", "toggle_detail"),          # the detail pane folds below 100 columns
    Key("history.escape", "escape", "escape", show=False),
)

CHECKOUT_KEYS = (
    Key("checkout.place", "enter", "place"),
    Key("checkout.close", "escape", "close"),
    Key("checkout.help", "f1", "app.help", show=False),
    Key("checkout.data_key", "f6", "app.data_key", show=False),   # a modal: the app's F6 does not reach here
    Key("card.reveal", "r,ctrl+r", "reveal"),
    Key("card.copy", "y,ctrl+y", "copy"),
)

BATCH_KEYS = (
    Key("batch.run", "f5,ctrl+r", "run"),
    Key("batch.paste", "ctrl+v", "paste", show=False),
    Key("batch.duplicate", "ctrl+d", "duplicate"),
    Key("batch.delete", "ctrl+k", "delete"),
    Key("batch.undo", "ctrl+z", "undo"),
    Key("batch.pick", "ctrl+o", "pick", show=False),
    Key("batch.retry", "ctrl+t", "retry", show=False),
    Key("batch.new", "ctrl+n", "new", show=False),
    Key("batch.grid", "enter", "focus_grid", show=False),
)

GRID_KEYS = (
    Key("grid.down", "down", "down", show=False),
    Key("grid.up", "up", "up", show=False),
    Key("grid.left", "left", "left", show=False),
    Key("grid.right", "right", "right", show=False),
    Key("grid.next", "tab", "next", show=False),
    Key("grid.prev", "shift+tab", "prev", show=False),
    Key("grid.enter", "enter", "enter", show=False),
    Key("grid.edit", "ctrl+e", "edit", show=False),   # not F2: F2 is the catalog everywhere
    Key("grid.cancel", "escape", "cancel", show=False),
    Key("grid.clear", "delete", "clear", show=False),
    Key("grid.backspace", "backspace", "backspace", show=False),
)

SETTINGS_KEYS = (
    Key("settings.new", "a", "new"),
    Key("settings.delete", "d", "delete"),
    Key("settings.test", "t", "test"),
    Key("settings.sync", "s", "sync"),
    Key("settings.secret", "k", "secret"),
    Key("settings.menu", "escape", "menu", show=False),
)

LIST_KEYS = (
    Key("list.down", "down,j", "cursor_down", show=False),
    Key("list.up", "up,k", "cursor_up", show=False),
    Key("list.page_down", "pagedown", "page_down", show=False),
    Key("list.page_up", "pageup", "page_up", show=False),
    Key("list.first", "home,g", "first", show=False),
    Key("list.last", "end,G", "last", show=False),
    Key("list.select", "enter,space", "select", show=False),
)

SCOPES = {"app": APP_KEYS, "catalog": CATALOG_KEYS, "history": HISTORY_KEYS, "checkout": CHECKOUT_KEYS,
          "batch": BATCH_KEYS, "grid": GRID_KEYS, "settings": SETTINGS_KEYS, "list": LIST_KEYS}


def bindings(keys: tuple[Key, ...], lang: str = "zh") -> list[Binding]:
    return [Binding(k.keys, k.action, k.label(lang), show=k.show, priority=k.priority, id=k.id,
                    tooltip=k.en) for k in keys]


def all_keys() -> list[Key]:
    return [k for keys in SCOPES.values() for k in keys]
