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
    "reason.with_supplier_text", "reason.with_detail",
    # `anomaly` events: the key is anomaly.<code> (domain/reply_check.py, services/engine.py)
    "anomaly.overcharged", "anomaly.delivered_out_of_range", "anomaly.nothing_delivered", "anomaly.other_product",
    "anomaly.other_quantity", "anomaly.extra_cards", "anomaly.refund_above_charge", "anomaly.final_contradicted",
    "anomaly.processing_not_found", "anomaly.pending_found", "anomaly.balance_drift",
)
ADAPTER_PREFIXES = ("err.http.", "err.supplier.", "err.demo.", "err.fulu.")
ADAPTERS = (
    # a supplier's refusal keeps its adapter's message as the reason's `detail`
    # (domain/reasons.py Reason.of_refusal): every message our adapters raise errors with
    "err.demo.insufficient_balance", "err.demo.missing", "err.demo.no_product", "err.demo.not_on_sale",
    "err.demo.out_of_stock", "err.demo.phone", "err.demo.price", "err.demo.qq", "err.demo.quantity",
    "err.demo.reply_lost", "err.fulu.bad_result", "err.fulu.bad_sign", "err.fulu.balance", "err.fulu.card_decrypt",
    "err.fulu.catalog_before_order", "err.fulu.connect", "err.fulu.no_product", "err.fulu.no_reply",
    "err.fulu.no_secret", "err.fulu.not_https", "err.fulu.order_state", "err.fulu.refused", "err.fulu.refused.auth",
    "err.fulu.refused.balance", "err.fulu.refused.shelf", "err.fulu.refused.stock", "err.fulu.refused.unknown_code",
    "err.fulu.unreadable", "err.http.auth", "err.http.auth_said", "err.http.balance_off_spec",
    "err.http.catalog_off_spec", "err.http.clock_skew", "err.http.connect", "err.http.connection_lost",
    "err.http.deadline", "err.http.hook_event", "err.http.hook_not_json", "err.http.hook_off_spec",
    "err.http.hook_signature", "err.http.key_refused_order", "err.http.list_off_spec", "err.http.not_https",
    "err.http.order_off_spec", "err.http.other_order", "err.http.query_404", "err.http.quote_off_spec",
    "err.http.rate_limited", "err.http.secret_refused", "err.http.secret_refused_order", "err.http.unknown_key",
    "err.http.unknown_key_order", "err.http.unreadable", "err.http.untrusted", "err.supplier.encoding",
    "err.supplier.missing_option", "err.supplier.no_product", "err.supplier.no_secret_http",
    "err.supplier.option_negative", "err.supplier.option_not_number", "err.supplier.says", "err.supplier.says_http",
    "err.supplier.too_large", "err.supplier.unclean_id", "err.supplier.unknown_kind", "err.supplier.broken_plugin",
)


def test_every_frozen_key_renders_in_every_language():
    missing = [(key, lang) for key in FROZEN + ADAPTERS for lang in LANGS if not template(key, lang)]
    assert missing == []


def test_a_frozen_key_is_in_the_catalog_or_an_alias_of_one():
    for key in FROZEN + ADAPTERS:
        assert key in CATALOG or ALIASES.get(key) in CATALOG, key


def test_a_new_adapter_message_is_listed_as_frozen():
    """It may end up in an event as a refusal's detail: list it above when adding it."""
    assert sorted(k for k in CATALOG if k.startswith(ADAPTER_PREFIXES)) == sorted(ADAPTERS)


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
