"""Issue 16, point 4: errors are typed classes with fields, `code` a class attribute;
no handler dispatches on a code string, and a pre-check (nothing recorded, exit 2) is
a different class from the supplier's refusal of the same thing (exit 1)."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

from kameng_tui.domain import errors as E
from kameng_tui.messages import Msg
from kameng_tui.services.checkout import OrderInput
from tests.engine.test_checkout import PHONE, a_product

SRC = Path(__file__).resolve().parents[2] / "src" / "kameng_tui"
CODE_BY_STRING = re.compile(r"""getattr\(\s*\w+\s*,\s*["']code["']""")
CODE_SET_ON_INSTANCE = re.compile(r"""\b(err|exc|error|e)\.code\s*=[^=]""")
CODE_COMPARED = re.compile(r"""\b(err|exc|error)\.code\s*(==|!=|in\b)""")


def test_no_handler_matches_or_sets_an_error_code_by_string():
    found = []
    for path in SRC.rglob("*.py"):
        for no, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if CODE_BY_STRING.search(line) or CODE_SET_ON_INSTANCE.search(line) or CODE_COMPARED.search(line):
                found.append(f"{path.relative_to(SRC)}:{no}: {line.strip()}")
    assert found == []


def test_every_error_code_is_a_class_attribute_and_no_instance_overrides_it():
    classes = [c for c in vars(E).values() if isinstance(c, type) and issubclass(c, E.KamengError)]
    assert len(classes) > 30
    for cls in classes:
        assert re.fullmatch(r"[a-z_]+", cls.code), cls


@pytest.mark.parametrize("pre, refusal", [
    ("PriceRose", "PriceChanged"), ("StockShort", "OutOfStock"), ("NotOnSale", "OffShelf"),
    ("AccountInvalid", "BadAccount"), ("BalanceShort", "InsufficientBalance")])
def test_a_pre_check_and_the_suppliers_refusal_are_two_classes(pre, refusal):
    """Same code for scripts; a pre-check is bad input (exit 2, nothing recorded), the
    refusal is the supplier's answer to a sent order (exit 1); each docstring names the other."""
    pre_cls, refusal_cls = getattr(E, pre), getattr(E, refusal)
    assert pre_cls.code == refusal_cls.code
    assert issubclass(pre_cls, E.BadInput) and not issubclass(pre_cls, E.SupplierError)
    assert issubclass(refusal_cls, E.SupplierError) and not issubclass(refusal_cls, E.BadInput)
    assert (pre_cls.exit_code, refusal_cls.exit_code) == (2, 1)
    assert refusal in (pre_cls.__doc__ or "") and pre in (refusal_cls.__doc__ or "")
    assert "Pre-check" in (pre_cls.__doc__ or "") and "Supplier refusal" in (refusal_cls.__doc__ or "")


async def test_a_price_rise_before_ordering_is_a_price_rose_with_both_prices(ctx):
    product = await a_product(ctx, "direct")
    seen = product.unit_cost - Decimal("5")
    with pytest.raises(E.PriceRose) as err:
        await ctx.checkout.place(OrderInput(sku=product.sku, fields={"account": PHONE}, seen_unit_cost=seen))
    assert (err.value.old, err.value.new) == (seen, product.unit_cost)
    assert err.value.code == "price_changed" and err.value.exit_code == 2 and err.value.field == "price"
    assert ctx.ledger.history(__import__("kameng_tui.domain.history", fromlist=["x"]).HistoryFilter()).items == ()


async def test_an_unknown_order_to_resume_is_typed_and_names_it(ctx):
    with pytest.raises(E.NoSuchOrder) as err:
        await ctx.checkout.resume("KM000000000000NOSUCHORDER")
    assert err.value.order_no == "KM000000000000NOSUCHORDER"
    assert (err.value.code, err.value.field, err.value.exit_code) == ("not_found", "order_no", 2)


def test_a_failed_quote_keeps_the_suppliers_code_as_a_class_attribute():
    cause = E.SupplierUnavailable(Msg("err.demo.reply_lost"))
    err = E.QuoteFailed.of(cause, Msg("err.checkout.quote", sku="demo:X", reason=cause.msg), field="sku", line=3)
    assert isinstance(err, E.QuoteFailed) and isinstance(err, E.BadInput) and err.cause is cause
    assert err.code == type(err).code == "supplier_unavailable" and err.exit_code == 2
    assert (err.field, err.line) == ("sku", 3)
    again = E.QuoteFailed.of(E.SupplierUnavailable(Msg("err.demo.reply_lost")), Msg("err.demo.reply_lost"))
    assert type(again) is type(err)                       # one class per supplier error class
    assert E.QuoteFailed.of(E.OffShelf(Msg("err.demo.reply_lost")), Msg("x")).code == "off_shelf"
