"""Every key binding, by id: the one list behind the footer, help, palette and keymap.

Users remap by id in config.toml (`[keymap] "catalog.order" = "o,enter"`); docs/keys.md
lists the ids. Printable keys are ordinary (non-priority) bindings, so a focused text
field consumes them first: digits switch screens only when no field has focus.
"""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding


@dataclass(frozen=True)
class Key:
    id: str
    keys: str
    action: str
    zh: str
    en: str
    show: bool = True
    priority: bool = False


APP_KEYS = (
    Key("app.catalog", "1,f2", "switch_mode('catalog')", "目录", "Catalog"),
    Key("app.batch", "2,f3", "switch_mode('batch')", "批量", "Batch"),
    Key("app.history", "3,f4", "switch_mode('history')", "订单", "History"),
    Key("app.settings", "4,f5", "switch_mode('settings')", "设置", "Settings"),
    Key("app.help", "question_mark,f1", "help", "帮助", "Help"),
    Key("app.palette", "ctrl+p", "command_palette", "命令", "Commands", show=False),
    Key("app.quit", "q,ctrl+q", "quit", "退出", "Quit"),
)

CATALOG_KEYS = (
    Key("catalog.search", "slash", "focus_search", "搜索", "Search"),
    Key("catalog.order", "o", "order", "下单", "Order"),
    Key("catalog.reorder", "a", "reorder", "再来一单", "Again"),
    Key("catalog.sort", "s", "cycle_sort", "排序", "Sort"),
    Key("catalog.reverse", "S", "reverse_sort", "倒序", "Reverse", show=False),
    Key("catalog.filters", "f", "focus_filters", "筛选", "Filters", show=False),
    Key("catalog.table", "t", "focus_table", "列表", "List", show=False),
    Key("catalog.escape", "escape", "escape", "取消/清除筛选", "Cancel / clear filters", show=False),
)

HISTORY_KEYS = (
    Key("history.search", "slash", "focus_search", "搜索", "Search"),
    Key("history.reorder", "a", "reorder", "再来一单", "Again"),
    Key("history.today", "T", "preset('today')", "今天", "Today", show=False),
    Key("history.preset", "p", "next_preset", "日期", "Dates"),
    Key("history.status", "z", "next_status", "状态", "State"),
    Key("history.claims", "c", "toggle_claims", "赔付", "Claims"),
    Key("history.export", "e", "export", "导出", "Export"),
    Key("history.reveal", "r", "reveal", "显示卡密", "Reveal", show=False),
    Key("history.copy", "y", "copy", "复制卡密", "Copy", show=False),
    Key("history.escape", "escape", "escape", "取消/清除筛选", "Cancel / clear filters", show=False),
)

CHECKOUT_KEYS = (
    Key("checkout.place", "enter", "place", "下单", "Place order"),
    Key("checkout.close", "escape", "close", "关闭", "Close"),
    Key("checkout.help", "f1", "app.help", "帮助", "Help", show=False),
    Key("card.reveal", "r,ctrl+r", "reveal", "显示卡密", "Reveal cards"),
    Key("card.copy", "y,ctrl+y", "copy", "复制卡密", "Copy cards"),
)

BATCH_KEYS = (
    Key("batch.run", "f5,ctrl+r", "run", "下单", "Run"),
    Key("batch.paste", "ctrl+v", "paste", "粘贴", "Paste", show=False),
    Key("batch.duplicate", "ctrl+d", "duplicate", "复制行", "Duplicate line"),
    Key("batch.delete", "ctrl+k", "delete", "删除行", "Delete line"),
    Key("batch.undo", "ctrl+z", "undo", "撤销", "Undo"),
    Key("batch.pick", "ctrl+o", "pick", "选择区服等", "Pick region/server", show=False),
    Key("batch.retry", "ctrl+t", "retry", "重下失败行", "Retry failed", show=False),
    Key("batch.new", "ctrl+n", "new", "新批次", "New batch", show=False),
    Key("batch.grid", "enter", "focus_grid", "回到表格", "Back to the grid", show=False),
)

GRID_KEYS = (
    Key("grid.down", "down", "down", "下一行", "Down", show=False),
    Key("grid.up", "up", "up", "上一行", "Up", show=False),
    Key("grid.left", "left", "left", "左", "Left", show=False),
    Key("grid.right", "right", "right", "右", "Right", show=False),
    Key("grid.next", "tab", "next", "下一格", "Next cell", show=False),
    Key("grid.prev", "shift+tab", "prev", "上一格", "Previous cell", show=False),
    Key("grid.enter", "enter", "enter", "确定并下移", "Commit and move down", show=False),
    Key("grid.edit", "f2", "edit", "编辑单元格", "Edit cell", show=False),
    Key("grid.cancel", "escape", "cancel", "取消编辑/离开表格", "Cancel edit / leave grid", show=False),
    Key("grid.clear", "delete", "clear", "清空单元格", "Clear cell", show=False),
    Key("grid.backspace", "backspace", "backspace", "退格", "Backspace", show=False),
)

SETTINGS_KEYS = (
    Key("settings.new", "a", "new", "添加", "Add"),
    Key("settings.delete", "d", "delete", "删除", "Delete"),
    Key("settings.test", "t", "test", "测试连接", "Test"),
    Key("settings.sync", "s", "sync", "同步目录", "Sync"),
    Key("settings.menu", "escape", "menu", "回到菜单", "Back to the menu", show=False),
)

LIST_KEYS = (
    Key("list.down", "down,j", "cursor_down", "下一行", "Down", show=False),
    Key("list.up", "up,k", "cursor_up", "上一行", "Up", show=False),
    Key("list.page_down", "pagedown", "page_down", "下一页", "Page down", show=False),
    Key("list.page_up", "pageup", "page_up", "上一页", "Page up", show=False),
    Key("list.first", "home,g", "first", "第一行", "First", show=False),
    Key("list.last", "end,G", "last", "最后一行", "Last", show=False),
    Key("list.select", "enter,space", "select", "选择", "Select", show=False),
)

SCOPES = {"app": APP_KEYS, "catalog": CATALOG_KEYS, "history": HISTORY_KEYS, "checkout": CHECKOUT_KEYS,
          "batch": BATCH_KEYS, "grid": GRID_KEYS, "settings": SETTINGS_KEYS, "list": LIST_KEYS}


def bindings(keys: tuple[Key, ...], lang: str = "zh") -> list[Binding]:
    return [Binding(k.keys, k.action, k.en if lang == "en" else k.zh, show=k.show, priority=k.priority, id=k.id,
                    tooltip=k.en) for k in keys]


def all_keys() -> list[Key]:
    return [k for keys in SCOPES.values() for k in keys]
