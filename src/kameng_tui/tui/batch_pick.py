"""Choices picked from a list for a batch row (大区, then 服务器 ...), written into its
"other fields" cell as key=value."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kameng_tui.domain.accounts import choice_options, first_unchosen
from kameng_tui.domain.batch_rows import parse_extra, set_extra
from kameng_tui.domain.field_names import field_named
from kameng_tui.domain.models import AccountField, Product
from kameng_tui.messages import Plain

if TYPE_CHECKING:  # pragma: no cover
    from kameng_tui.tui.screens.batch import BatchScreen


def start(screen: "BatchScreen") -> None:
    """The choices of the row under the cursor, the first one not chosen yet first."""
    grid = screen.grid
    grid.commit()
    i = grid.row
    sku = screen.row_sku(i)
    if not screen.choice_lookup.is_known(sku):
        screen.choice_lookup.when_known(sku, lambda: start(screen) if screen.grid.row == i else None)
        return
    found = screen.choices(i)
    if found is None:
        screen.notify(screen.t("batch.pick_none"), severity="warning")
        return
    if not grid.may_edit():
        return
    product, fields = found
    values, _ = parse_extra(grid.rows[i].get("extra"))
    pick(screen, i, product, first_unchosen(fields, values) or fields[0], fields)


def pick(screen: "BatchScreen", i: int, product: Product, field: AccountField, fields: tuple[AccountField, ...]) -> None:
    """Pick `field` of row i from a list; then the next unchosen one (大区, then 服务器)."""
    from kameng_tui.tui.screens.batch_dialogs import PickScreen

    row = screen.grid.rows[i]
    values, _ = parse_extra(row.get("extra"))
    title = screen.t("batch.pick_title", row=i + 1, name=product.name, field=field_named(field))
    parent = product.field(field.depends_on) if field.depends_on and field.option_tree else None
    if parent is not None and values.get(parent.key) in field.option_tree:
        title += screen.t("batch.pick_parent", label=Plain(parent.label, parent.key), value=values[parent.key])

    def picked(value: str | None) -> None:
        screen.set_focus(screen.grid)
        if value is None or i >= len(screen.grid.rows) or screen.grid.rows[i].get("sku") != row.get("sku"):
            return
        screen.grid.set_cell(i, "extra", set_extra(screen.grid.rows[i].get("extra"), field.key, value))
        now, _ = parse_extra(screen.grid.rows[i].get("extra"))
        nxt = first_unchosen(fields, now)
        if nxt is not None and nxt is not field:         # 大区 chosen: on to 服务器
            pick(screen, i, product, nxt, fields)

    screen.app.push_screen(PickScreen(title, choice_options(field, values), values.get(field.key)), picked)
