"""Issue 16, point 5: an order's reason is data in its event (a code, a message key,
parameters, the supplier's own words), rendered in the reader's language by every face;
a ledger written before (prose reasons) still verifies and shows them as written."""

from __future__ import annotations

from kameng_tui.domain.errors import OutOfStock
from kameng_tui.domain.states import OrderState
from kameng_tui.ledger.store import Transition
from kameng_tui.messages import Msg
from kameng_tui.services.checkout import OrderInput
from tests.engine.test_checkout import PHONE, a_product

ZH = "供应商 demo 缺货：demo: 库存不足"
EN = "out of stock at supplier demo: demo: 库存不足"


async def refused_order(ctx, monkeypatch) -> str:
    product = await a_product(ctx, "direct")

    async def refused(request):
        raise OutOfStock(Msg("err.supplier.says", name="demo", said="库存不足"))

    monkeypatch.setattr(ctx.suppliers.get("demo"), "place_order", refused)
    order = (await ctx.checkout.place(OrderInput(sku=product.sku, fields={"account": PHONE}), wait_s=5)).order
    assert order.state is OrderState.FAILED
    return order.order_no


async def test_a_refusal_is_written_as_a_code_a_key_and_params(ctx, monkeypatch):
    no = await refused_order(ctx, monkeypatch)
    failed = [e for e in ctx.ledger.events(no) if e.kind == "failed"][-1]
    assert failed.body["reason"] == {"code": "out_of_stock", "key": "reason.out_of_stock",
                                     "params": {"supplier": "demo", "detail": {
                                         "key": "err.supplier.says", "params": {"name": "demo", "said": "库存不足"}}},
                                     "supplier_text": "库存不足"}
    assert ctx.ledger.verify().ok


async def test_the_same_ledger_reads_in_zh_and_in_en(ctx, monkeypatch, cli):
    no = await refused_order(ctx, monkeypatch)
    await ctx.aclose()
    ctx.close()
    zh = cli("--lang", "zh", "show", no, "--json")
    en = cli("--lang", "en", "show", no, "--json")
    assert zh.code == en.code == 0, zh.stderr + en.stderr
    assert zh.json["order"]["reason"] == ZH and en.json["order"]["reason"] == EN
    assert zh.json["order"]["reason_code"] == en.json["order"]["reason_code"] == "out_of_stock"
    human = cli("--lang", "en", "show", no)
    assert EN in human.stdout.replace("\n", ""), human.stdout
    listed = cli("--lang", "en", "history", "--json")
    assert [o["reason"] for o in listed.json["items"] if o["order_no"] == no] == [EN]
    assert cli("ledger", "verify").code == 0


async def test_a_ledger_with_prose_reasons_still_verifies_and_shows_them_as_written(ctx, cli):
    """What main wrote before issue 16: the reason as one string in the event."""
    prepared = await ctx.checkout.prepare(OrderInput(sku="demo:HF-CM-10", fields={"account": PHONE}))
    no = ctx.checkout.commit_intent(prepared)
    now = ctx.clock.now()
    ctx.ledger.transition(no, OrderState.PENDING, OrderState.SUBMITTED, at=now)
    old = "out_of_stock: 演示供应商：库存不足"
    ctx.ledger.transition(no, OrderState.SUBMITTED, OrderState.FAILED, Transition(reason=old), at=now)
    await ctx.aclose()
    ctx.close()
    assert cli("ledger", "verify").code == 0
    for lang in ("zh", "en"):
        shown = cli("--lang", lang, "show", no, "--json").json["order"]
        assert (shown["reason"], shown["reason_code"]) == (old, None)


async def test_awkward_supplier_words_keep_the_projection_verifiable(ctx):
    """Quotes, backslashes, slashes and a decomposed accent in the supplier's words: the
    projection's JSON text is what SQLite rebuilds from the event (`ledger verify`)."""
    from kameng_tui.domain.reasons import Reason, reason_text

    prepared = await ctx.checkout.prepare(OrderInput(sku="demo:HF-CM-10", fields={"account": PHONE}))
    no = ctx.checkout.commit_intent(prepared)
    now = ctx.clock.now()
    said = 'say "no" \\ a/b cafe\u0301 {x}'
    ctx.ledger.transition(no, OrderState.PENDING, OrderState.SUBMITTED, at=now)
    ctx.ledger.transition(no, OrderState.SUBMITTED, OrderState.FAILED,
                          Transition(reason=Reason("bad_account", {"supplier": "demo"}, said).body()), at=now)
    report = ctx.ledger.verify()
    assert report.ok, report.problems
    assert reason_text(ctx.ledger.get(no).reason, "en") == 'supplier demo rejects the account (supplier: say "no" \\ a/b café {x})'
