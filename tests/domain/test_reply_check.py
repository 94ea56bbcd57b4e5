"""The reply checker: what the supplier says against what we asked, as values."""

from __future__ import annotations

from decimal import Decimal

from kameng_tui.domain.models import Card, SecretText
from kameng_tui.domain.reply_check import Asked, check_reply
from kameng_tui.messages import text
from kameng_tui.suppliers.base import OrderResult, RemoteState

ASKED = Asked(product_id="HF-CM-10", quantity=2, max_unit_cost=Decimal("10.4198"))


def said(**kw) -> OrderResult:
    base = dict(client_order_no="KM1", state=RemoteState.SUCCEEDED, charged=Decimal("19.8396"), delivered_qty=2,
                raw={"product_id": "HF-CM-10", "quantity": 2})
    base.update(kw)
    return OrderResult(**base)


def codes(result: OrderResult) -> list[str]:
    return [v.code for v in check_reply(ASKED, result)]


def test_an_honest_reply_has_no_violation():
    assert codes(said()) == []
    assert codes(said(charged=Decimal("20.8396"))) == []                 # exactly quantity x max_unit_cost
    assert codes(said(state=RemoteState.FAILED, charged=Decimal("0"), delivered_qty=0)) == []
    assert codes(said(state=RemoteState.PROCESSING, charged=None, delivered_qty=0, raw={})) == []


def test_each_lie_is_named():
    assert codes(said(charged=Decimal("20.8397"))) == ["overcharged"]
    assert codes(said(delivered_qty=3)) == ["delivered_out_of_range"]
    assert codes(said(delivered_qty=-1)) == ["delivered_out_of_range"]
    assert codes(said(delivered_qty=0)) == ["nothing_delivered"]
    assert codes(said(raw={"product_id": "OTHER", "quantity": 2})) == ["other_product"]
    assert codes(said(raw={"product_id": "HF-CM-10", "quantity": 1})) == ["other_quantity"]
    cards = tuple(Card(number=str(i), password=SecretText("p")) for i in range(3))
    assert codes(said(cards=cards)) == ["extra_cards"]
    assert codes(said(refunded=Decimal("19.8397"))) == ["refund_above_charge"]


def test_the_reason_is_a_catalog_message_with_money_as_yuan():
    (v,) = check_reply(ASKED, said(charged=Decimal("999")))
    assert v.params == {"charged": "999.00", "limit": "20.8396"}
    assert text(f"anomaly.{v.code}", "en", **v.params) == "charged 999.00 above the limit 20.8396"
    assert "999.00" in text(f"anomaly.{v.code}", "zh", **v.params)
