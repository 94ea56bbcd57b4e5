"""Message keys held by hash-chained events are frozen (issue 16, point 5): an event is
never rewritten, so a key it holds must render for ever. FROZEN lists every key an
event may hold or imply; removing or renaming one without an alias
(messages/aliases.py) fails here."""

from __future__ import annotations

from kameng_tui.domain import reasons
from kameng_tui.messages import CATALOG, LANGS, template
from kameng_tui.messages.aliases import ALIASES

FROZEN = (
    # an order's reason (domain/reasons.py), and the frame it is shown in
    "reason.adapter_error", "reason.no_reply", "reason.cancelled_before_send", "reason.cancelled_waiting",
    "reason.supplier_not_ready", "reason.supplier_failed", "reason.charged_not_stated",
    "reason.not_found_at_supplier", "reason.cancelled",
    "reason.supplier_error", "reason.insufficient_balance", "reason.out_of_stock", "reason.off_shelf",
    "reason.bad_account", "reason.price_changed", "reason.duplicate_order_no", "reason.rate_limited",
    "reason.auth_failed", "reason.clock_skew", "reason.outcome_unknown", "reason.supplier_unavailable",
    "reason.with_supplier_text",
    # `anomaly` events: the key is anomaly.<code> (domain/reply_check.py, services/engine.py)
    "anomaly.overcharged", "anomaly.delivered_out_of_range", "anomaly.nothing_delivered", "anomaly.other_product",
    "anomaly.other_quantity", "anomaly.extra_cards", "anomaly.refund_above_charge", "anomaly.final_contradicted",
    "anomaly.processing_not_found", "anomaly.pending_found", "anomaly.balance_drift",
)


def test_every_frozen_key_renders_in_every_language():
    missing = [(key, lang) for key in FROZEN for lang in LANGS if not template(key, lang)]
    assert missing == []


def test_a_frozen_key_is_in_the_catalog_or_an_alias_of_one():
    for key in FROZEN:
        assert key in CATALOG or ALIASES.get(key) in CATALOG, key


def test_every_key_a_new_reason_may_hold_is_frozen():
    assert set(reasons.KEYS) <= set(FROZEN)
    assert {reasons.Reason(code).key for code in reasons.ENGINE_CODES + reasons.SUPPLIER_CODES} <= set(FROZEN)
    assert reasons.Reason("someones_own_code").key == "reason.supplier_error"


def test_a_renamed_key_still_renders_through_its_alias(monkeypatch):
    from kameng_tui.messages import lookup

    pair = CATALOG["reason.out_of_stock"]
    monkeypatch.delitem(lookup.CATALOG, "reason.out_of_stock")
    monkeypatch.setitem(lookup.CATALOG, "reason.stock_out", pair)
    assert lookup.template("reason.out_of_stock", "en") is None
    monkeypatch.setitem(ALIASES, "reason.out_of_stock", "reason.stock_out")
    assert lookup.template("reason.out_of_stock", "en") == pair[1]
