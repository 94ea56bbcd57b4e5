"""Issue 18: the policy that picks one of a product's offers (domain/offer_choice.py).

Cheapest eligible offer wins; every other offer is ranked with the reason it lost or was
skipped; a pin means only that supplier (refused with its reason, never a fallback); a
re-pick after a pre-intent refusal skips the refused offer and may cost at most
`max_price_rise` more than the cost the user confirmed."""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal

from hypothesis import given, settings, strategies as st

from kameng_tui.domain.offer_choice import Ask, after_refusal, choose, refusal_skip
from kameng_tui.domain.offer_values import Health, Offer, OffersPolicy, SupplierState

D = Decimal
AT = datetime(2026, 12, 7, 8, 0, tzinfo=timezone.utc)
PID = "@WZRY-60"


def offer(supplier: str, cost: str, *, stock: int | None = 100, on_shelf: bool = True, pid: str = PID) -> Offer:
    return Offer(sku=f"{supplier}:{pid[1:]}", supplier=supplier, product_id=pid, unit_cost=D(cost),
                 on_shelf=on_shelf, stock=stock, synced_at=AT)


def state(name: str, balance: str | None = "1000", unsettled: str = "0", health: Health | None = None) -> SupplierState:
    return SupplierState(name=name, balance=None if balance is None else D(balance), unsettled=D(unsettled),
                         health=health or Health())


SUPPLIERS = {n: state(n) for n in ("alpha", "beta", "gamma")}
OFFERS = (offer("beta", "9.90"), offer("alpha", "9.80"), offer("gamma", "10.20"))


def pick(offers=OFFERS, suppliers=None, policy=None, **kw) -> object:
    return choose(Ask(product_id=PID, offers=tuple(offers), **kw), suppliers or SUPPLIERS, policy or OffersPolicy())


def test_the_cheapest_offer_is_chosen_and_every_offer_is_ranked():
    c = pick()
    assert c.chosen is not None and c.chosen.supplier == "alpha"
    assert [r.offer.supplier for r in c.ranked] == ["alpha", "beta", "gamma"]
    assert all(r.skip is None for r in c.ranked)
    assert "beta" in c.why.text("en") and "9.90" in c.why.text("en")
    assert "9.80" in c.why.text("zh")


def test_ties_are_broken_by_stock_then_supplier_name():
    c = pick([offer("beta", "9.80", stock=5), offer("alpha", "9.80", stock=50), offer("gamma", "9.80", stock=50)])
    assert [r.offer.supplier for r in c.ranked] == ["alpha", "gamma", "beta"]
    assert "more stock" not in c.why.text("en") and "name" in c.why.text("en")
    c = pick([offer("beta", "9.80", stock=50), offer("alpha", "9.80", stock=5)])
    assert c.chosen.supplier == "beta" and "stock" in c.why.text("en")


def test_out_of_stock_goes_to_the_next_offer_with_the_reason():
    c = pick([offer("alpha", "9.80", stock=0), offer("beta", "9.90")])
    assert c.chosen.supplier == "beta"
    skip = c.ranked[0].skip
    assert skip is not None and skip.code == "out_of_stock" and skip.params["stock"] == 0
    assert "alpha" in c.why.text("en") and "out of stock" in c.why.text("en")   # why the cheaper one lost


def test_stock_below_the_quantity_is_out_of_stock_and_unknown_stock_is_not():
    c = pick([offer("alpha", "9.80", stock=2), offer("beta", "9.90", stock=None)], quantity=3)
    assert c.chosen.supplier == "beta"
    assert c.ranked[0].skip.params == {"supplier": "alpha", "stock": 2, "need": 3}


def test_off_shelf_is_skipped():
    c = pick([offer("alpha", "9.80", on_shelf=False), offer("beta", "9.90")])
    assert c.chosen.supplier == "beta" and c.ranked[0].skip.code == "off_shelf"


def test_balance_short_after_unsettled_orders_goes_to_the_next():
    suppliers = dict(SUPPLIERS, alpha=state("alpha", balance="30", unsettled="15"))
    c = pick(suppliers=suppliers, quantity=2)        # 2 x 9.80 = 19.60 > 30 - 15
    assert c.chosen.supplier == "beta"
    skip = c.ranked[0].skip
    assert skip.code == "balance_short" and skip.params == {"supplier": "alpha", "need": "19.60", "have": "15.00"}
    assert "15.00" in skip.msg.text("en") and "19.60" in skip.msg.text("zh")


def test_an_unknown_balance_is_not_checked_as_at_checkout():
    c = pick(suppliers=dict(SUPPLIERS, alpha=state("alpha", balance=None)))
    assert c.chosen.supplier == "alpha"


def test_an_unhealthy_supplier_is_skipped_with_why():
    sick = Health(ok=False, why="auth", since=AT)
    c = pick(suppliers=dict(SUPPLIERS, alpha=state("alpha", health=sick)))
    assert c.chosen.supplier == "beta"
    assert c.ranked[0].skip.code == "unhealthy" and c.ranked[0].skip.params["why"] == "auth"
    assert "key" in c.ranked[0].skip.msg.text("en")


def test_excluded_suppliers_are_skipped():
    c = pick(policy=OffersPolicy(exclude=frozenset({"alpha"})))
    assert c.chosen.supplier == "beta" and c.ranked[0].skip.code == "excluded"


def test_an_offer_of_a_supplier_not_configured_is_skipped():
    c = pick(suppliers={"beta": state("beta")})
    assert c.chosen.supplier == "beta"
    assert {r.offer.supplier: r.skip.code for r in c.ranked if r.skip} == {"alpha": "no_supplier", "gamma": "no_supplier"}


def test_a_pin_is_honoured_even_when_another_is_cheaper():
    c = pick(policy=OffersPolicy(pins={PID: "gamma"}))
    assert c.chosen.supplier == "gamma" and c.pinned == "gamma"
    assert {r.offer.supplier: r.skip.code for r in c.ranked if r.skip} == {"alpha": "pinned_elsewhere",
                                                                          "beta": "pinned_elsewhere"}
    assert "gamma" in c.why.text("en")
    assert pick(policy=OffersPolicy(pins={PID[1:]: "gamma"})).chosen.supplier == "gamma"   # with or without @


def test_a_pinned_supplier_that_is_ineligible_refuses_the_order_never_a_fallback():
    c = pick([offer("alpha", "9.80"), offer("gamma", "10.20", stock=0)], policy=OffersPolicy(pins={PID: "gamma"}))
    assert c.chosen is None
    assert c.pin_skip is not None and c.pin_skip.code == "out_of_stock"
    en = c.why.text("en")
    assert "gamma" in en and "out of stock" in en and "pinned" in en


def test_a_pin_to_a_supplier_without_an_offer_refuses():
    c = pick([offer("alpha", "9.80")], policy=OffersPolicy(pins={PID: "gamma"}))
    assert c.chosen is None and "gamma" in c.why.text("en")


def test_order_supplier_sku_pins_that_offer():
    c = pick(sku="gamma:WZRY-60")
    assert c.chosen.supplier == "gamma"
    c = pick([offer("alpha", "9.80"), offer("gamma", "10.20", on_shelf=False)], sku="gamma:WZRY-60")
    assert c.chosen is None and c.pin_skip.code == "off_shelf"


def test_an_explicit_sku_stands_above_pins_and_exclusions_but_not_eligibility():
    policy = OffersPolicy(exclude=frozenset({"alpha"}), pins={PID: "gamma"})
    c = pick(sku="alpha:WZRY-60", policy=policy)
    assert c.chosen.supplier == "alpha" and c.pinned == "alpha:WZRY-60"
    c = pick(sku="alpha:WZRY-60", policy=policy, suppliers=dict(SUPPLIERS, alpha=state("alpha", balance="1")))
    assert c.chosen is None and c.pin_skip.code == "balance_short"
    assert "alpha:WZRY-60" in c.why.text("en") and "balance" in c.why.text("en")


def test_no_offer_at_all_and_none_eligible_say_why_each_was_skipped():
    c = pick([])
    assert c.chosen is None and PID in c.why.text("en")
    c = pick([offer("alpha", "9.80", stock=0), offer("beta", "9.90", on_shelf=False)])
    assert c.chosen is None
    lines = [m.text("en") for m in c.skip_lines()]
    assert len(lines) == 2 and "alpha:WZRY-60" in lines[0] and "out of stock" in lines[0] and "beta" in lines[1]


def test_a_refusal_before_the_intent_picks_the_next_offer_with_the_refusal_as_reason():
    ask = Ask(product_id=PID, offers=OFFERS)
    first = choose(ask, SUPPLIERS, OffersPolicy())
    assert first.chosen.supplier == "alpha"
    again = after_refusal(ask, first.chosen, "out_of_stock", confirmed_cost=first.chosen.unit_cost)
    second = choose(again, SUPPLIERS, OffersPolicy())
    assert second.chosen.supplier == "beta"
    skip = second.ranked[0].skip
    assert skip.code == "refused" and skip.params == {"supplier": "alpha", "code": "out_of_stock"}
    assert "alpha" in second.why.text("en") and "out of stock" in second.why.text("en")


def test_the_next_offer_may_cost_at_most_max_price_rise_more_than_confirmed():
    offers = (offer("alpha", "9.80"), offer("beta", "10.30"), offer("gamma", "10.31"))
    ask = Ask(product_id=PID, offers=offers, max_price_rise=D("0.50"))
    ask = after_refusal(ask, offers[0], "out_of_stock", confirmed_cost=D("9.80"))
    c = choose(ask, SUPPLIERS, OffersPolicy())
    assert c.chosen.supplier == "beta"                                   # 10.30 = 9.80 + 0.50: allowed
    ask = after_refusal(ask, offers[1], "insufficient_balance", confirmed_cost=D("9.80"))
    c = choose(ask, SUPPLIERS, OffersPolicy())
    assert c.chosen is None
    assert c.over_cap is not None and c.over_cap.supplier == "gamma"     # the CLI names it and its cost
    skip = c.ranked[2].skip
    assert skip.code == "pricier_than_confirmed" and skip.params == {"supplier": "gamma", "cost": "10.31",
                                                                     "limit": "10.30"}
    assert "gamma" in c.why.text("en") and "10.31" in c.why.text("en")


def test_refusal_codes_map_onto_reasons():
    o = offer("alpha", "9.80")
    assert refusal_skip(o, "price_changed").params == {"supplier": "alpha", "code": "price_changed"}
    assert "price" in refusal_skip(o, "price_changed").msg.text("en")
    assert refusal_skip(o, "some_plugin_code").msg.text("en")              # an unknown code still renders


def test_the_record_holds_the_chosen_offer_and_reasons_as_codes_and_parameters():
    c = pick([offer("alpha", "9.80", stock=0), offer("beta", "9.90"), offer("gamma", "10.20")])
    rec = c.record()
    assert rec["chosen"] == {"sku": "beta:WZRY-60", "supplier": "beta", "unit_cost": "9.90"}
    assert rec["win"]["code"] == "after_skip"
    assert rec["skipped"] == [{"sku": "alpha:WZRY-60", "code": "out_of_stock",
                               "params": {"supplier": "alpha", "stock": 0, "need": 1}}]
    assert all(isinstance(v, (str, int)) for s in rec["skipped"] for v in s["params"].values())


def test_messages_use_only_ascii_and_cjk():
    c = pick([offer("alpha", "9.80", stock=0), offer("beta", "9.90")])
    for lang in ("zh", "en"):
        for text in [c.why.text(lang)] + [m.text(lang) for m in c.skip_lines()]:
            assert not any(ch in text for ch in "\u2026\u00b7\u2014\u2605\u2022"), text


costs = st.decimals(min_value=D("0.01"), max_value=D("500"), places=2)
offer_specs = st.lists(st.tuples(st.sampled_from(["alpha", "beta", "gamma", "delta"]), costs,
                                 st.one_of(st.none(), st.integers(0, 5)), st.booleans()),
                       min_size=0, max_size=8, unique_by=lambda t: t[0])


@settings(max_examples=200, deadline=None)
@given(offer_specs, st.integers(1, 4), st.dictionaries(st.sampled_from(["alpha", "beta", "gamma", "delta"]),
                                                      st.decimals(min_value=D("0"), max_value=D("1000"), places=2)))
def test_the_chosen_offer_is_never_pricier_than_an_eligible_one(specs, quantity, balances):
    offers = [offer(s, str(c), stock=stock, on_shelf=shelf) for s, c, stock, shelf in specs]
    suppliers = {n: state(n, str(balances[n]) if n in balances else None) for n in ("alpha", "beta", "gamma", "delta")}
    c = pick(offers, suppliers=suppliers, quantity=quantity)
    eligible = [r.offer for r in c.ranked if r.skip is None]
    assert len(c.ranked) == len(offers)
    if c.chosen is None:
        assert not eligible
    else:
        assert c.chosen in eligible and all(c.chosen.unit_cost <= o.unit_cost for o in eligible)
        assert c.chosen.stock is None or c.chosen.stock >= quantity
        have = suppliers[c.chosen.supplier].available
        assert have is None or c.chosen.unit_cost * quantity <= have


@given(st.decimals(min_value=D("-100000"), max_value=D("100000"), places=4))
def test_amounts_in_reasons_read_as_everywhere_else(amount):
    from kameng_tui.domain.money import fmt
    from kameng_tui.domain.offer_values import yuan

    assert yuan(amount) == fmt(amount)


def test_no_choice_becomes_exit_2_listing_each_offer_or_exit_1_naming_the_pricier_one():
    from kameng_tui.domain.choice_errors import refusal_of

    c = pick([offer("alpha", "9.80", stock=0), offer("beta", "9.90", on_shelf=False)])
    err = refusal_of(c)
    assert err.exit_code == 2 and err.code == "no_eligible_offer"
    en = err.text("en").splitlines()
    assert len(en) == 3 and "alpha:WZRY-60" in en[1] and "out of stock" in en[1] and "off shelf" in en[2]
    assert [s["code"] for s in err.details()["skipped"]] == ["out_of_stock", "off_shelf"]
    offers = (offer("alpha", "9.80"), offer("beta", "10.90"))
    ask = after_refusal(Ask(product_id=PID, offers=offers), offers[0], "out_of_stock", confirmed_cost=D("9.80"))
    err = refusal_of(choose(ask, SUPPLIERS, OffersPolicy()))
    assert err.exit_code == 1 and err.details() == {"sku": "beta:WZRY-60", "unit_cost": "10.90"}
    assert "beta:WZRY-60" in err.text("zh") and "10.90" in err.text("zh")


@settings(max_examples=100, deadline=None)
@given(offer_specs, st.randoms(use_true_random=False))
def test_the_choice_does_not_depend_on_the_order_offers_arrive_in(specs, rnd):
    offers = [offer(s, str(c), stock=stock, on_shelf=shelf) for s, c, stock, shelf in specs]
    shuffled = list(offers)
    rnd.shuffle(shuffled)
    suppliers = {n: state(n) for n in ("alpha", "beta", "gamma", "delta")}
    assert pick(offers, suppliers=suppliers) == pick(shuffled, suppliers=suppliers)
