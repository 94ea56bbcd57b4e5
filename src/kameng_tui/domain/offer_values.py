"""The values the offer choice reads and writes (issue 18): an offer of a product, a
supplier's state at choice time, the `[offers]` policy, and why an offer was skipped.

Kept apart from the catalog's Product and the matching of SKUs into products on
purpose: the choice is a pure function over these small values, so a 1,000-line batch
is chosen in milliseconds and every rule is tested without a ledger or a supplier.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from datetime import datetime
from decimal import Decimal
from typing import Mapping

from kameng_tui.domain.reasons import Reason
from kameng_tui.messages import Msg

ZERO = Decimal(0)
RANKS = ("cost",)
"""How offers may be ranked (`[offers] rank`); cost is the only rank so far."""


@dataclass(frozen=True)
class Offer:
    """One supplier's SKU as an offer of a product (`@WZRY-60`), as last quoted/synced."""

    sku: str                          # "<supplier>:<supplier-product-id>"
    supplier: str
    product_id: str                   # "WZRY-60-ZC" (or "@WZRY-60-ZC": bare_id)
    unit_cost: Decimal
    on_shelf: bool = True
    stock: int | None = None          # None: the supplier does not say (not checked, as at checkout)
    synced_at: datetime | None = None


@dataclass(frozen=True)
class Health:
    """A supplier's health (domain/supplier_health.py): `why` is auth | clock | unknowns."""

    ok: bool = True
    why: str | None = None
    since: datetime | None = None

    @property
    def msg(self) -> Msg:
        return Msg("offer.health.ok") if self.ok else Msg(f"offer.health.{self.why}")


@dataclass(frozen=True)
class SupplierState:
    """A supplier at choice time. `balance` None: unknown (the supplier does not report
    it, or the fetch failed): not checked, as the checkout does not check it either."""

    name: str
    balance: Decimal | None = None
    unsettled: Decimal = ZERO         # what our unsettled orders may still take
    health: Health = Health()

    @property
    def available(self) -> Decimal | None:
        return None if self.balance is None else self.balance - self.unsettled


@dataclass(frozen=True)
class OffersPolicy:
    """`[offers]` (config_offers.py): rank, suppliers never chosen, product id -> the one
    supplier it is ordered from."""

    rank: str = "cost"
    exclude: frozenset[str] = frozenset()
    pins: Mapping[str, str] = field(default_factory=dict)   # bare product id -> supplier

    def __post_init__(self) -> None:
        object.__setattr__(self, "pins", {bare_id(k): v for k, v in self.pins.items()})

    def pin_of(self, product_id: str) -> str | None:
        return self.pins.get(bare_id(product_id))


def bare_id(product_id: str) -> str:
    """A product id as the matching stores it (`WZRY-60-ZC`); people write it with an @
    (`order @WZRY-60-ZC`, `[offers.pin]`), and either spelling means the same product."""
    return product_id.removeprefix("@")


def shown_id(product_id: str) -> str:
    """A product id as people read and type it: `@WZRY-60-ZC`."""
    return "@" + bare_id(product_id)


Param = str | int


@dataclass(frozen=True)
class Skip:
    """Why an offer was not chosen: a stable code and plain parameters (strings and
    integers, amounts as yuan strings), so the creating event can hold it as data.

    excluded{supplier}  pinned_elsewhere{supplier,pin}  no_supplier{supplier}
    off_shelf{supplier}  out_of_stock{supplier,stock,need}  unhealthy{supplier,why}
    balance_short{supplier,need,have}  pricier_than_confirmed{supplier,cost,limit}
    refused{supplier,code}: a refusal before the intent (quote refused and the like)
    """

    code: str
    params: Mapping[str, Param] = field(default_factory=dict)

    @property
    def msg(self) -> Msg:
        p = dict(self.params)
        if self.code == "unhealthy":
            return Msg("offer.skip.unhealthy", supplier=p["supplier"], why=Msg(f"offer.health.{p['why']}"))
        if self.code == "refused":
            reason = Reason(str(p["code"]), {"supplier": p["supplier"]})
            said = Msg(reason.key, supplier=p["supplier"]) if reason.key != "reason.supplier_error" else \
                Msg("reason.supplier_error", supplier=p["supplier"], code=p["code"])
            return Msg("offer.skip.refused", reason=said)
        return Msg(f"offer.skip.{self.code}", **p)


# Reasons that depend on the supplier alone are made once and shared (values: a
# 1,000-line batch over a few suppliers would otherwise build thousands of equal ones).
@lru_cache(maxsize=1024)
def _of_supplier(code: str, supplier: str, extra: tuple[tuple[str, str], ...] = ()) -> Skip:
    return Skip(code, {"supplier": supplier, **dict(extra)})


def excluded(o: Offer) -> Skip:
    return _of_supplier("excluded", o.supplier)


def pinned_elsewhere(o: Offer, pin: str) -> Skip:
    return _of_supplier("pinned_elsewhere", o.supplier, (("pin", pin),))


def no_supplier(o: Offer) -> Skip:
    return _of_supplier("no_supplier", o.supplier)


def off_shelf(o: Offer) -> Skip:
    return _of_supplier("off_shelf", o.supplier)


def out_of_stock(o: Offer, stock: int, need: int) -> Skip:
    return Skip("out_of_stock", {"supplier": o.supplier, "stock": stock, "need": need})


def unhealthy(o: Offer, why: str) -> Skip:
    return _of_supplier("unhealthy", o.supplier, (("why", why),))


def yuan(value: Decimal) -> str:
    """`money.fmt` for an amount of at most 4 places (costs, balances and their sums and
    products by a count): the same text at a third of the time, which a batch whose
    suppliers run dry spends on two amounts per skipped offer."""
    text = f"{value:.4f}"
    return text[:-2] if text.endswith("00") else text


def balance_short(o: Offer, need: Decimal, have: Decimal) -> Skip:
    return Skip("balance_short", {"supplier": o.supplier, "need": yuan(need), "have": yuan(have)})


def pricier_than_confirmed(o: Offer, limit: Decimal) -> Skip:
    return Skip("pricier_than_confirmed", {"supplier": o.supplier, "cost": yuan(o.unit_cost), "limit": yuan(limit)})


def refused(o: Offer, code: str) -> Skip:
    return Skip("refused", {"supplier": o.supplier, "code": code})
