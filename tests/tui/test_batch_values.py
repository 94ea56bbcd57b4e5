"""Grid rows reach the batch service as values: what a cell holds is what the order
keeps (a comma, a quote, a line separator), and a cell the ledger cannot keep is
refused on its own line, never cut short or pushed onto a line that does not exist."""

from __future__ import annotations

from kameng_tui.domain.batch_rows import GRID_COLUMNS, Row
from kameng_tui.domain.history import HistoryFilter
from kameng_tui.domain.states import OrderState

from conftest import SIZE, settle
from test_batch_screen import confirm_and_finish, open_batch


def row(sku: str, account: str, note: str = "", ref: str = "", customer: str = "") -> Row:
    cells = {"sku": sku, "account": account, "quantity": "1", "customer": customer, "ref": ref, "note": note}
    return Row(cells=tuple(cells.get(c, "") for c in GRID_COLUMNS))


NOTES = ['他说"好的",谢谢', "上午\u2028下午", '"整格引号"']


async def test_cells_with_commas_quotes_and_line_separators_reach_the_orders_as_typed(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_batch(app, pilot)
        rows = [row("demo:HF-CM-10", f"1380013800{i}", note=n, ref=f'R,"{i}"', customer=f"张,三{i}")
                for i, n in enumerate(NOTES)]
        screen.grid.load(rows)
        screen.check_rows()
        await settle(app, pilot)
        assert screen.checked.bad == [] and len(screen.checked.good) == 3
        await pilot.press("f5")
        await pilot.pause()
        await confirm_and_finish(app, pilot)
        done = app.root.ledger.history(HistoryFilter(), limit=10).items
        assert all(o.state is OrderState.SUCCEEDED for o in done)
        assert sorted(o.note for o in done) == sorted(NOTES)
        assert sorted(o.ref or "" for o in done) == sorted(f'R,"{i}"' for i in range(3))
        assert sorted(o.customer or "" for o in done) == sorted(f"张,三{i}" for i in range(3))


async def test_a_control_character_in_a_cell_is_refused_on_its_own_line(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_batch(app, pilot)
        screen.grid.load([row("demo:HF-CM-10", "13800138000"), row("demo:HF-CM-20", "13800138001", note="x\x85y")])
        screen.check_rows()
        await settle(app, pilot)
        assert screen.checked.bad == [1]
        assert "控制字符" in screen.checked.rows[1].message
        assert screen.checked.rows[0].ok
