"""The offer choice an order's creating event holds (issue 18): both stores keep it in
the hashed body and return it, `ledger verify` accepts it and notices an edit of it, an
order of a SKU keeps the body it always had; the repeat window counts every SKU of the
order's product (the same top-up via another supplier is still a repeat)."""

from __future__ import annotations

import pytest

from kameng_tui.domain.errors import RepeatOrder
from test_guards import WINDOW
from test_store import T0, intent

CHOICE = {"product_id": "HF-CM-100-ZC",
          "chosen": {"sku": "demo:HF-CM-100", "supplier": "demo", "unit_cost": "98.50"},
          "win": {"code": "after_skip", "params": {"sku": "demo:HF-CM-100", "cost": "98.50",
                                                   "skipped": "refa:R000005", "skipped_cost": "97.90"}},
          "refusal": None,
          "skipped": [{"sku": "refa:R000005", "code": "refused", "params": {"supplier": "refa", "code": "out_of_stock"}}]}


def created_body(led, order_no: str) -> dict:
    return next(e.body for e in led.events(order_no) if e.kind == "created")


def test_the_chosen_offer_is_kept_in_the_hashed_creating_event_on_both_stores(led, backend):
    led.create_intents([intent(1, offer=CHOICE), intent(2)], at=T0)
    assert created_body(led, intent(1).order_no)["offer"] == CHOICE
    assert "offer" not in created_body(led, intent(2).order_no)      # a SKU order's body as before
    assert led.verify().ok
    if backend != "sqlite":
        return
    con = led._conn
    con.execute("DROP TRIGGER IF EXISTS events_no_update")
    edited = created_body(led, intent(1).order_no)
    edited["offer"]["chosen"]["sku"] = "refa:R000005"
    import json
    con.execute("UPDATE events SET body = ? WHERE kind = 'created' AND order_no = ?",
                (json.dumps(edited, ensure_ascii=False, sort_keys=True, separators=(",", ":")), intent(1).order_no))
    assert not led.verify().ok


def test_the_repeat_window_counts_the_other_skus_of_the_product(led):
    led.create_intents([intent(1, sku="refa:R000005", supplier="refa")], at=T0, repeat=WINDOW)
    with pytest.raises(RepeatOrder) as err:
        led.create_intents([intent(2, account=intent(1).account, repeat_skus=("refa:R000005",))], at=T0, repeat=WINDOW)
    assert err.value.previous == intent(1).order_no and "refa:R000005" in str(err.value.msg.params)
    led.create_intents([intent(3, account=intent(1).account)], at=T0, repeat=WINDOW)   # not named: another product
