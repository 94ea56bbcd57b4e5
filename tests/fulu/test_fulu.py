"""The Fulu adapter: signing to the byte, card decryption vectors, and end to end
against a local fake gateway (real HTTP on 127.0.0.1) through the order services."""

from __future__ import annotations

import hashlib
import time
from datetime import datetime, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from fake_gateway import APP_KEY, SECRET
from kameng_tui.domain.reasons import reason_text, stored
from kameng_tui.domain.errors import AuthFailed
from kameng_tui.domain.states import OrderState
from kameng_tui.services.checkout import OrderInput
from kameng_tui.suppliers.fulu.cards import decrypt
from kameng_tui.suppliers.fulu.sign import check_callback, compact, envelope, sign

ENV = {"app_key": "ak", "method": "fulu.user.info.get", "timestamp": "2026-11-25 12:00:00", "version": "2.0",
       "format": "json", "charset": "utf-8", "sign_type": "md5", "app_auth_token": "", "biz_content": "{}"}
DIRECT = {"account": "demo", "region": "电信区", "server": "一服"}
SORTED = (' """""""""""""""""""""""""""""""""""",,,,,,,,---....000000111222225568:::::::::::_____aaaaaaabccddeeeeeeeeee'
          'ffffgghhhiiiiijkkklmmmmmnnnnnnnooooooopppppprrrrssssssttttttttttttuuuuuvyyz{{}}')


def test_sign_is_md5_of_the_sorted_characters_plus_secret():
    assert "".join(sorted(compact(ENV))) == SORTED
    assert sign(ENV, SECRET) == hashlib.md5((SORTED + SECRET).encode("utf-8")).hexdigest()
    # Python's default separators sign something else
    import json

    assert "".join(sorted(json.dumps(ENV))) != SORTED


def test_published_callback_vector():
    raw = ('{"order_id":"19102237851777002017","charge_finish_time":"2019-10-22 20:17:57","customer_order_no":"123456",'
           '"order_status":"success","recharge_description":"充值成功","product_id":"10000489","price":"50.0000",'
           '"buy_num":"1","operator_serial_number":"--","sign":"35d1c3403c42d2df58ed4e37991deee3"}')
    assert check_callback(raw, SECRET)
    assert not check_callback(raw.replace("50.0000", "60.0000"), SECRET)


@pytest.mark.parametrize("cipher,plain", [
    ("Gu8k2+8wDXH3zpNv5MIFjZDTK0m1kvm99iBAKIWwQTo=", "CD1000590202001040006363045"),
    ("12nCp6X/nALmrvr1erxK+D4L8n/kqz/RItKWUfvZrCU=", "CD1000250201906121742434441"),
    ("9HeOgdv+NpLihh2+5Gm0Mj4L8n/kqz/RItKWUfvZrCU=", "CP1000250201906121742434441"),
])
def test_published_card_vectors(cipher, plain):
    assert decrypt(cipher, SECRET).reveal() == plain


def test_timestamp_is_beijing_time_on_a_utc_machine(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    try:
        env = envelope("ak", "fulu.user.info.get", {}, SECRET, datetime(2026, 11, 25, 4, 5, 6, tzinfo=timezone.utc))
        assert env["timestamp"] == "2026-11-25 12:05:06"
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()


async def test_catalog_balance_and_sync(fctx):
    sup = fctx.suppliers.get("fulu")
    assert await sup.balance() == Decimal("100.0000")
    report = await fctx.catalog.sync("fulu")
    assert report.errors == {} and report.counts["fulu"] == 3 + 8
    card = fctx.catalog.product("fulu:10000587")
    assert card.delivery.value == "card" and card.unit_cost == Decimal("9.8000")
    assert fctx.catalog.product("fulu:10000600").stock == 0


async def test_card_direct_and_mobile_orders_settle_by_polling(fctx, gateway):
    now_bj = datetime.now(ZoneInfo("Asia/Shanghai"))
    card = await fctx.checkout.place(OrderInput(sku="fulu:10000587", fields={"account": "13800138000"}, quantity=2), wait_s=8)
    assert card.order.state is OrderState.SUCCEEDED and card.order.charged == Decimal("19.6000")
    from kameng_tui.services.cards import reveal_cards

    cards = reveal_cards(fctx, card.order, True)
    assert [c["password"][:4] for c in cards] == ["PWD-", "PWD-"]
    from kameng_tui.domain.errors import BadInput

    with pytest.raises(BadInput) as err:          # the template asks for 区 and 服
        await fctx.checkout.place(OrderInput(sku="fulu:10000586", fields={"account": "demo"}), wait_s=8)
    assert err.value.field in ("region", "server")
    with pytest.raises(BadInput):                 # 三服 is not a server of 电信区
        await fctx.checkout.place(OrderInput(sku="fulu:10000586", fields={"account": "demo", "region": "电信区",
                                                                          "server": "三服"}), wait_s=8)
    direct = await fctx.checkout.place(OrderInput(sku="fulu:10000586", fields={
        "account": "demo", "region": "电信区", "server": "二服"}), wait_s=8)
    assert direct.order.state is OrderState.SUCCEEDED
    sent = next(b for m, b in gateway.state.requests if m == "fulu.order.direct.add")
    assert (sent["charge_game_name"], sent["charge_game_region"], sent["charge_game_srv"]) == ("测试游戏", "电信区", "二服")
    mobile = await fctx.checkout.place(OrderInput(sku="fulu:mobile-10", fields={"account": "15972368779"}), wait_s=8)
    assert mobile.order.state is OrderState.SUCCEEDED
    failing = await fctx.checkout.place(OrderInput(sku="fulu:mobile-10", fields={"account": "13971553804"}), wait_s=8)
    assert failing.order.state is OrderState.FAILED and stored(failing.order.reason)["supplier_text"] == "号码错误"
    stamp = datetime.strptime(gateway.state.timestamps[-1], "%Y-%m-%d %H:%M:%S").replace(tzinfo=ZoneInfo("Asia/Shanghai"))
    assert abs((stamp - now_bj).total_seconds()) < 30          # Beijing time although TZ=UTC
    assert gateway.state.requests[-2][0] == "fulu.order.mobile.add" or any(
        m == "fulu.order.mobile.add" for m, _ in gateway.state.requests)


async def test_dropped_reply_after_accept_is_unknown_then_settled_by_query(fctx, gateway):
    gateway.state.knobs.drop_after_accept = True
    placed = await fctx.checkout.place(OrderInput(sku="fulu:10000586", fields=DIRECT))
    assert placed.order.state is OrderState.UNKNOWN
    gateway.state.knobs.drop_after_accept = False
    gateway.state.knobs.processing_queries = 0
    report = await fctx.reconcile.run("fulu")
    assert placed.order.order_no in report.settled
    assert fctx.ledger.get(placed.order.order_no).state is OrderState.SUCCEEDED
    assert gateway.adds(placed.order.order_no) == 1


async def test_unrecognized_code_never_fails_and_not_found_is_never_resent(fctx, gateway):
    gateway.state.knobs.unknown_code = True
    placed = await fctx.checkout.place(OrderInput(sku="fulu:10000586", fields=DIRECT))
    assert placed.order.state is OrderState.UNKNOWN
    gateway.state.knobs.unknown_code = False
    gateway.state.orders.clear()            # the gateway now says "not found"
    await fctx.reconcile.run("fulu")
    after = fctx.ledger.get(placed.order.order_no)
    assert after.state is OrderState.UNKNOWN and gateway.adds(placed.order.order_no) == 1


async def test_out_of_stock_is_a_definitive_failure(fctx, gateway):
    from kameng_tui.domain.errors import BadInput

    with pytest.raises(BadInput) as err:          # the catalog says 断货: refused before any intent
        await fctx.checkout.place(OrderInput(sku="fulu:10000600", fields={"account": "demo"}))
    assert err.value.code == "out_of_stock"
    gateway_said = await fctx.engine.send(await _intent(fctx, "fulu:10000586", DIRECT, stock_out=gateway))
    assert gateway_said.state is OrderState.FAILED and "out_of_stock" in gateway_said.reason
    assert gateway_said.charged == 0


@pytest.mark.parametrize("knob", ["garbage", "bad_reply_sign"])
async def test_garbage_and_badly_signed_replies_are_unknown(fctx, gateway, knob):
    early = await _intent(fctx, "fulu:10000586", DIRECT)
    setattr(gateway.state.knobs, knob, True)
    # the adapter's own read before the add fails: nothing was sent, the order waits unsent
    assert (await fctx.engine.send(early)).state is OrderState.PENDING and gateway.adds(early) == 0
    setattr(gateway.state.knobs, knob, False)
    await fctx.suppliers.get("fulu").list_catalog()
    order_no = await _intent(fctx, "fulu:10000587", {"account": "13800138000"})
    setattr(gateway.state.knobs, knob, True)
    after = await fctx.engine.send(order_no)
    assert after.state is OrderState.UNKNOWN and gateway.adds(order_no) == 1


async def _intent(fctx, sku, fields, stock_out=None):
    """Record an intent as checkout does (validated, quoted), so the adapter's own
    reply is what decides; `stock_out` makes the gateway run out after the quote."""
    p = await fctx.checkout.prepare(OrderInput(sku=sku, fields=fields), check_balance=False)
    if stock_out is not None:
        next(x for x in stock_out.products if x["product_id"] == int(p.product.product_id))["stock_status"] = "断货"
    intent = fctx.checkout.new_intent(p)
    fctx.ledger.create_intents([intent], at=fctx.clock.now())
    return intent.order_no


async def test_wrong_secret_is_a_clear_auth_error(home, env, gateway):
    from kameng_tui.suppliers.fulu import FuluSupplier

    sup = FuluSupplier.from_config("fulu", {"app_key": APP_KEY, "base_url": gateway.url}, "f" * 32, env)
    with pytest.raises(AuthFailed) as err:
        await sup.balance()
    assert "签名" in err.value.message and "f" * 32 not in err.value.message
    await sup.aclose()


def test_missing_secret_names_the_fix(env):
    from kameng_tui.domain.errors import SecretsUnavailable
    from kameng_tui.suppliers.fulu import FuluSupplier

    with pytest.raises(SecretsUnavailable) as err:
        FuluSupplier.from_config("fulu", {"app_key": "k"}, None, env)
    assert "KAMENG_TUI_SECRET_FULU" in err.value.message


def test_cli_add_order_and_the_secret_never_lands_anywhere(cli, home, gateway):
    extra = {"KAMENG_TUI_LOGGING_LEVEL": "DEBUG", "TZ": "UTC"}          # a machine on UTC
    before_bj = datetime.now(ZoneInfo("Asia/Shanghai")).replace(tzinfo=None)
    assert cli("secrets", "use-file", extra_env=extra).code == 0           # headless: the explicit opt-in
    added = cli("supplier", "add", "fulu", "--kind", "fulu", "--app-key", APP_KEY, "--base-url", gateway.url,
                "--secret-stdin", "--json", stdin=SECRET + "\n", extra_env=extra)
    assert added.code == 0 and added.json["secret_stored"], added.stdout + added.stderr
    tested = cli("supplier", "test", "fulu", "--json", extra_env=extra).json["items"][0]
    assert tested["reachable"] and tested["balance"] == "100.00"
    placed = cli("order", "fulu:mobile-10", "--account", "15972368779", "--yes", "--wait", "8", "--json", extra_env=extra)
    assert placed.json["order"]["state"] == "succeeded", placed.stdout
    card = cli("order", "fulu:10000587", "--account", "13800138000", "--yes", "--wait", "8", "--json", extra_env=extra)
    assert card.json["order"]["state"] == "succeeded"
    shown = cli("show", card.json["order"]["order_no"], "--reveal", "--json", extra_env=extra).json
    assert shown["cards"][0]["password"].startswith("PWD-")
    assert SECRET not in (home / "config" / "config.toml").read_text(encoding="utf-8")
    for p in home.rglob("*"):
        if p.is_file() and "secrets" not in p.parts:
            assert SECRET.encode() not in p.read_bytes(), p
    stamps = [datetime.strptime(t, "%Y-%m-%d %H:%M:%S") for t in gateway.state.timestamps]
    assert stamps and all(abs((t - before_bj).total_seconds()) < 120 for t in stamps)   # Beijing, not UTC
    wrong = cli("supplier", "test", "fulu", "--json", extra_env={"KAMENG_TUI_SECRET_FULU": "f" * 32})
    assert wrong.code == 2 and "签名" in wrong.json["error"]["items"][0]["error"]


# --- supplier text is untrusted (issue 14, point 5) ----------------------------------------------

CONTROL_CHARS = ("\x1b", "\x07", "\u202e", "\u200b")


async def test_evil_names_reasons_and_cards_are_stored_clean_and_flagged(fctx, gateway):
    gateway.products[0]["product_name"] = "\x1b[2J\x1b]0;owned\x07\u202e测试卡密" + "长" * 200
    gateway.state.knobs.evil = True
    gateway.state.knobs.processing_queries = 0
    report = await fctx.catalog.sync("fulu")
    assert report.errors == {}
    name = fctx.catalog.product("fulu:10000587").name
    assert name.startswith("[2J]0;owned测试卡密") and len(name) == 120 and name.endswith("..")
    card = await fctx.checkout.place(OrderInput(sku="fulu:10000587", fields={"account": "13800138000"}), wait_s=8)
    assert card.order.state is OrderState.SUCCEEDED
    assert not any(ch in card.order.product_name for ch in CONTROL_CHARS)
    from kameng_tui.services.cards import reveal_cards

    cards = reveal_cards(fctx, card.order, True)
    assert cards and all(c["password"].startswith("]52;c;ZXZpbA==PWD-") and c["expires"] == "2027-12-31]52;c;ZXZpbA==" for c in cards)
    flagged = sorted((e.body["params"]["index"], e.body["params"]["field"]) for e in fctx.ledger.events(card.order.order_no)
                     if e.kind == "anomaly" and e.body.get("code") == "card_field_altered")
    assert flagged == [(0, "expires"), (0, "password")]
    failing = await fctx.checkout.place(OrderInput(sku="fulu:mobile-10", fields={"account": "13971553804"}), wait_s=8)
    assert failing.order.state is OrderState.FAILED and stored(failing.order.reason)["supplier_text"] == "]52;c;ZXZpbA==号码错误"


async def test_an_oversize_or_compressed_reply_to_an_add_leaves_the_order_unknown(fctx, gateway):
    await fctx.catalog.sync("fulu")
    gateway.state.knobs.pad_kib = 1100
    placed = await fctx.checkout.place(OrderInput(sku="fulu:mobile-10", fields={"account": "15972368779"}))
    assert placed.order.state is OrderState.UNKNOWN and "1 MiB" in (reason_text(placed.order.reason, "zh") or "")
    assert gateway.adds(placed.order.order_no) == 1          # it was taken: in doubt is right
    gateway.state.knobs.pad_kib = 0
    gateway.state.knobs.gzip = True
    placed = await fctx.checkout.place(OrderInput(sku="fulu:mobile-20", fields={"account": "15972368779"}))
    assert placed.order.state is OrderState.UNKNOWN and "Content-Encoding" in (reason_text(placed.order.reason, "zh") or "")
