"""Issue 18: a batch spreads over offers by the same rule and never overdraws a supplier;
its confirmation shows the split per supplier (domain/offer_split.py)."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

from hypothesis import given, settings, strategies as st

from kameng_tui.domain.offer_split import BatchLine, split_batch
from kameng_tui.domain.offer_values import Offer, OffersPolicy, SupplierState

D = Decimal
AT = datetime(2026, 12, 7, 8, 0, tzinfo=timezone.utc)


def offer(supplier: str, pid: str, cost: str, stock: int | None = None) -> Offer:
    return Offer(sku=f"{supplier}:{pid[1:]}", supplier=supplier, product_id=pid, unit_cost=D(cost), stock=stock,
                 synced_at=AT)


OFFERS = {"@A": (offer("alpha", "@A", "10"), offer("beta", "@A", "10.50"), offer("gamma", "@A", "11")),
          "@B": (offer("beta", "@B", "5"),)}


def suppliers(alpha: str | None = "25", beta: str | None = "100", gamma: str | None = "100") -> dict[str, SupplierState]:
    return {n: SupplierState(name=n, balance=None if b is None else D(b)) for n, b in
            (("alpha", alpha), ("beta", beta), ("gamma", gamma))}


def test_lines_spill_to_the_next_offer_when_the_cheapest_supplier_runs_dry():
    lines = [BatchLine(line=i, product_id="@A", quantity=1) for i in range(1, 5)]
    split = split_batch(lines, OFFERS, suppliers(), OffersPolicy())
    assert [c.chosen.supplier for _, c in split.lines] == ["alpha", "alpha", "beta", "beta"]
    third = split.lines[2][1]
    assert third.ranked[0].skip.code == "balance_short"
    assert third.ranked[0].skip.params == {"supplier": "alpha", "need": "10.00", "have": "5.00"}
    shares = {s.supplier: s for s in split.shares}
    assert (shares["alpha"].lines, shares["alpha"].cost, shares["alpha"].left) == (2, D("20"), D("5"))
    assert (shares["beta"].lines, shares["beta"].cost) == (2, D("21.00"))
    assert [s.supplier for s in split.shares] == ["alpha", "beta"]
    assert "alpha" in split.shares[0].msg.text("en") and "20.00" in split.shares[0].msg.text("zh")


def test_lines_with_no_eligible_offer_keep_their_reasons():
    lines = [BatchLine(1, "@B", 30), BatchLine(2, "@C", 1)]          # 150 > beta's 100; @C has no offer
    split = split_batch(lines, OFFERS, suppliers(), OffersPolicy())
    assert [line.line for line, _ in split.refused] == [1, 2]
    assert split.refused[0][1].ranked[0].skip.code == "balance_short"
    assert split.shares == ()


def test_stock_is_shared_between_lines_of_one_offer():
    offers = {"@A": (offer("alpha", "@A", "10", stock=3), offer("beta", "@A", "11", stock=10))}
    split = split_batch([BatchLine(1, "@A", 2), BatchLine(2, "@A", 2)], offers, suppliers("1000"), OffersPolicy())
    assert [c.chosen.supplier for _, c in split.lines] == ["alpha", "beta"]
    assert split.lines[1][1].ranked[0].skip.params == {"supplier": "alpha", "stock": 1, "need": 2}


def test_the_split_is_deterministic():
    lines = [BatchLine(i, "@A" if i % 3 else "@B", 1 + i % 2) for i in range(1, 40)]
    a = split_batch(lines, OFFERS, suppliers(), OffersPolicy())
    b = split_batch(lines, OFFERS, suppliers(), OffersPolicy())
    assert a == b


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["@A", "@B"]), st.integers(1, 5)), max_size=40),
       st.decimals(min_value=D("0"), max_value=D("80"), places=2),
       st.decimals(min_value=D("0"), max_value=D("80"), places=2),
       st.decimals(min_value=D("0"), max_value=D("10"), places=2))
def test_the_split_never_overdraws_a_supplier(spec, alpha, beta, unsettled):
    sups = {n: SupplierState(name=n, balance=b, unsettled=unsettled) for n, b in
            (("alpha", alpha), ("beta", beta), ("gamma", D("30")))}
    lines = [BatchLine(i, pid, q) for i, (pid, q) in enumerate(spec, start=1)]
    split = split_batch(lines, OFFERS, sups, OffersPolicy())
    spent: dict[str, Decimal] = {}
    for line, choice in split.lines:
        spent[choice.chosen.supplier] = spent.get(choice.chosen.supplier, D(0)) + choice.chosen.unit_cost * line.quantity
    for name, cost in spent.items():
        assert cost <= sups[name].available
    assert {s.supplier: s.cost for s in split.shares} == spent
    assert len(split.lines) + len(split.refused) == len(lines)
