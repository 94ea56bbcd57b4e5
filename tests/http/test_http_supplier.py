"""The HTTP adapter against the reference server as a real process on 127.0.0.1."""

from __future__ import annotations

from decimal import Decimal

import pytest

from kit import base_env, run_cli
from refkit import KEY_ID, SECRET, START_BALANCE, client_env
from kameng_tui.domain.reasons import reason_text
from kameng_tui.domain.errors import (
    AuthFailed, ConfigError, DuplicateOrderNo, OffShelf, OutcomeUnknown, PriceChanged, SecretsUnavailable,
)
from kameng_tui.domain.states import OrderState
from kameng_tui.services.checkout import OrderInput
from kameng_tui.suppliers.base import PlaceRequest, RemoteState
from kameng_tui.suppliers.http import HttpSupplier


def sup(url: str, secret: str = SECRET, **kw) -> HttpSupplier:
    return HttpSupplier("ref", url, KEY_ID, secret, deadline_s=kw.pop("deadline_s", 3.0), read_s=1.0, **kw)


async def test_balance_catalog_paging_etag_and_quote(hctx, ref):
    s = hctx.suppliers.get("ref")
    assert await s.balance() == START_BALANCE
    report = await hctx.catalog.sync("ref")
    assert report.errors == {} and report.counts["ref"] == 2000
    before = len([r for r in ref.requests() if r["path"] == "/v1/catalog"])
    page = await s.list_catalog(None)                   # cached page + ETag -> 304
    assert len(page.items) == 500
    last = [r for r in ref.requests() if r["path"] == "/v1/catalog"][before:]
    assert [r["status"] for r in last] == [304]
    q = await s.quote("HF-CM-100")
    assert q.product.sku == "ref:HF-CM-100" and isinstance(q.unit_cost, Decimal)
    with pytest.raises(OffShelf):
        await s.quote("NO-SUCH")


async def test_orders_through_checkout_card_and_direct(hctx, ref):
    card = await hctx.checkout.place(OrderInput(sku="ref:SW-000", fields={"account": "13800138000"}, quantity=2), wait_s=5)
    assert card.order.state is OrderState.SUCCEEDED and card.order.delivered_qty == 2
    from kameng_tui.services.cards import reveal_cards

    assert len(reveal_cards(hctx, card.order, True)) == 2
    direct = await hctx.checkout.place(OrderInput(sku="ref:HF-CM-10", fields={"account": "13800138000"}), wait_s=5)
    assert direct.order.state is OrderState.SUCCEEDED
    server = ref.orders()
    for o in (card.order, direct.order):
        got = hctx.ledger.get(o.order_no)
        assert server[o.order_no]["net"] == got.charged - got.refunded
    assert ref.creates() == {card.order.order_no: 1, direct.order.order_no: 1}


async def test_idempotent_create_and_409_on_a_different_body(ref):
    s = sup(ref.url)
    try:
        req = PlaceRequest("KMTEST000000000000000001", "HF-CM-10", 1, {"account": "13800138000"})
        first = await s.place_order(req)
        again = await s.place_order(req)
        assert first.supplier_order_no == again.supplier_order_no and first.charged == again.charged
        assert ref.balance() == START_BALANCE - first.charged
        with pytest.raises(DuplicateOrderNo):
            await s.place_order(PlaceRequest("KMTEST000000000000000001", "HF-CM-10", 1, {"account": "13900139000"}))
        with pytest.raises(PriceChanged):
            await s.place_order(PlaceRequest("KMTEST000000000000000002", "HF-CM-10", 1, {"account": "13800138000"},
                                             max_unit_cost=Decimal("0.0100")))
        with pytest.raises(OffShelf):
            await s.place_order(PlaceRequest("KMTEST000000000000000003", "NOPE", 1, {"account": "13800138000"}))
        assert (await s.query_order("KMTEST000000000000000002")).state is RemoteState.NOT_FOUND
        assert ref.balance() == START_BALANCE - first.charged
    finally:
        await s.aclose()


async def test_wrong_secret_reads_fail_auth_and_a_create_is_unknown(ref):
    s = sup(ref.url, secret="not-the-secret")
    try:
        with pytest.raises(AuthFailed) as err:
            await s.balance()
        assert "not-the-secret" not in str(err.value.message) + err.value.message_en
        with pytest.raises(OutcomeUnknown):      # the 401 is signed with a secret we can't check: unsure
            await s.place_order(PlaceRequest("KMTEST000000000000000009", "HF-CM-10", 1, {"account": "13800138000"}))
    finally:
        await s.aclose()
    assert ref.creates() == {}


async def test_clock_skew_leaves_the_order_pending_with_the_offset(hctx, ref, monkeypatch):
    import time as real_time

    from kameng_tui.suppliers.http import protocol

    class Skewed:
        @staticmethod
        def time():
            return real_time.time() + 1000

    s = hctx.suppliers.get("ref")
    quote, bal = await s.quote("HF-CM-10"), await s.balance()

    async def fixed_quote(*a, **k):
        return quote

    async def fixed_balance():
        return bal

    monkeypatch.setattr(s, "quote", fixed_quote)
    monkeypatch.setattr(s, "balance", fixed_balance)
    monkeypatch.setattr(protocol, "time", Skewed)       # the clock goes wrong between quote and send
    placed = await hctx.checkout.place(OrderInput(sku="ref:HF-CM-10", fields={"account": "13800138000"}))
    assert placed.order.state is OrderState.PENDING
    assert "时钟偏差 +1000 秒" in reason_text(placed.order.reason, "zh")
    monkeypatch.undo()
    resumed = await hctx.checkout.resume(placed.order.order_no, wait_s=5)
    assert resumed.state is OrderState.SUCCEEDED
    assert ref.creates() == {placed.order.order_no: 1}


async def test_a_balance_refused_for_our_clock_says_so_not_offline(hctx, ref, monkeypatch):
    """The fix for a refused clock is this machine's time, not the key in settings and
    not waiting for the network: the balance view tells the three apart."""
    import time as real_time

    from kameng_tui.suppliers.http import protocol

    class Skewed:
        @staticmethod
        def time():
            return real_time.time() + 1000

    live = await hctx.balances.view("ref")
    assert live.live and live.error is None and not live.refused
    monkeypatch.setattr(protocol, "time", Skewed)
    view = await hctx.balances.view("ref")
    assert not view.live and view.error == "clock" and view.refused
    assert view.amount == live.amount                    # the last snapshot, still shown
    monkeypatch.undo()
    ref.stop()
    gone = await hctx.balances.view("ref")
    assert gone.error == "unreachable" and not gone.refused


async def test_connect_refused_is_nothing_sent(home):
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    from kameng_tui.bootstrap import build_context

    ctx = build_context(client_env(home, f"http://127.0.0.1:{port}", deadline_s="2"))
    try:
        s = ctx.suppliers.get("ref")
        from kameng_tui.domain.errors import SupplierUnavailable

        with pytest.raises(SupplierUnavailable):
            await s.place_order(PlaceRequest("KMTEST000000000000000010", "HF-CM-10", 1, {"account": "13800138000"}))
    finally:
        await ctx.aclose()
        ctx.close()


def test_config_rules():
    with pytest.raises(ConfigError):
        HttpSupplier.from_config("x", {"base_url": "http://example.com", "key_id": "k"}, "s", {})
    with pytest.raises(ConfigError):
        HttpSupplier.from_config("x", {"base_url": "https://example.com"}, "s", {})
    with pytest.raises(SecretsUnavailable):
        HttpSupplier.from_config("x", {"base_url": "https://example.com", "key_id": "k"}, None, {})
    with pytest.raises(ConfigError):
        HttpSupplier.from_config("x", {"base_url": "https://example.com", "key_id": "k", "deadline_s": "soon"}, "s", {})
    s = HttpSupplier.from_config("x", {"base_url": "http://127.0.0.1:9/km", "key_id": "k"}, "s", {})
    assert s.describe().capabilities.idempotent_create and "s" not in repr(s).replace("base_url", "").replace("key_id", "")


def test_cli_add_order_and_no_secret_anywhere(ref, home, tmp_path):
    env = base_env(home, KAMENG_TUI_SECRET_REF=SECRET, KAMENG_TUI_LOGGING_LEVEL="DEBUG")
    bad = run_cli(env, "supplier", "add", "ref", "--kind", "http", "--base-url", "http://example.com", "--key-id", KEY_ID, "--json")
    assert bad.code == 2 and "https" in bad.json["error"]["message"] and "Traceback" not in bad.stderr
    missing = run_cli(env, "supplier", "add", "ref", "--kind", "http", "--json")
    assert missing.code == 2 and "--base-url" in missing.json["error"]["message"]
    added = run_cli(env, "supplier", "add", "ref", "--kind", "http", "--base-url", ref.url, "--key-id", KEY_ID, "--json")
    assert added.code == 0, added.stdout + added.stderr
    test = run_cli(env, "supplier", "test", "ref", "--json")
    assert test.code == 0 and test.json["items"][0]["reachable"], test.stdout
    order = run_cli(env, "order", "ref:HF-CM-10", "--account", "13800138000", "--yes", "--json", "--wait", "5")
    assert order.code == 0, order.stdout + order.stderr
    assert order.json["order"]["state"] == "succeeded"
    wrong = run_cli({**env, "KAMENG_TUI_SECRET_REF": "wrong"}, "balance", "--json")
    assert "Traceback" not in wrong.stderr
    blobs = [order.stdout, order.stderr, test.stdout, wrong.stdout, wrong.stderr]
    for path in home.rglob("*"):
        if path.is_file():
            blobs.append(path.read_bytes().decode("utf-8", "replace"))
    assert not any(SECRET in b for b in blobs)
