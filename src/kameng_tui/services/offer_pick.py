"""Which offer an order buys (issue 18, "Choice"), from local data, for the checkout.

`order @ID` asks for a product: its offers are the cached SKUs the matching put in it
(the demo beside a real supplier stands apart, as on the catalog screen: it is never
sold, so never chosen); `order SUPPLIER:SKU` of a product of several offers pins that
offer (an explicit SKU stands above `[offers.pin]` and `exclude`, not above
eligibility). The suppliers' states are the catalog screen's (OfferBoard): the last
balance less what our unsettled orders may take, and the health our calls recorded.

A refusal before the intent (the fresh quote refused, out of stock, the live balance
short by our own check) is turned into the refused offer's skip reason here, so the
next choice skips it and says why (`skip_for`). Nothing here records or sends.

The same lookups key the guards on the product: `product_key` (the ref fingerprint)
and `siblings` (the repeat window), so the same top-up via another supplier is the
same order.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Callable

from kameng_tui.domain import offer_values as v
from kameng_tui.domain.errors import BalanceShort, KamengError, NotOnSale, QuoteFailed, StockShort
from kameng_tui.domain.models import SaleStatus
from kameng_tui.domain.offer_choice import Ask, Choice, after_refusal, choose, skip_with
from kameng_tui.domain.offer_values import Offer, bare_id, shown_id

if TYPE_CHECKING:
    from kameng_tui.services.offer_board import OfferBoard
    from kameng_tui.services.offers import OfferService

PRE_INTENT_REFUSALS = (StockShort, NotOnSale, QuoteFailed, BalanceShort)
"""What the checkout raises before the intent that another offer may not meet."""


def is_product_id(target: str) -> bool:
    """`@WZRY-60-ZC` names a product; anything else a SKU (a bare id keeps its meaning)."""
    return target.strip().startswith("@")


class OfferPicker:
    """Built with the service graph; the catalog (numpy, the cache) is opened only when
    an order first asks, through the factories."""

    def __init__(self, offers: Callable[[], "OfferService"], board: Callable[[], "OfferBoard"],
                 supplier_names: Callable[[], list[str]]) -> None:
        self._offers, self._board, self._names = offers, board, supplier_names

    def _several(self) -> bool:
        """More than one supplier configured: only then can a SKU have an offer elsewhere.
        A shop of one supplier orders its SKUs as before, without opening the catalog."""
        return len(self._names()) > 1

    @property
    def offers(self) -> "OfferService":
        return self._offers()

    @property
    def board(self) -> "OfferBoard":
        return self._board()

    # --- the product of a SKU, and its offers -------------------------------------------
    def _real_skus(self, product_id: str) -> list[str]:
        """The product's offers that may be sold: a demo SKU beside a real supplier stands
        apart (its own row on the catalog screen, never chosen)."""
        view = self.offers.catalog.suppliers.view()
        skus = list(self.offers.match().offers.get(bare_id(product_id), ()))
        real = [s for s in skus if not view.is_demo(s.split(":", 1)[0])]
        return skus if not real else real

    def product_of(self, sku: str) -> str | None:
        """The matched product id of a cached SKU (bare), None when the catalog does not
        hold it (never synced) or one supplier is configured: then the SKU is its own
        key, as before offers."""
        if not self._several():
            return None
        return self.offers.match().product_of.get(sku.strip())

    def product_key(self, sku: str) -> str | None:
        """What the ref fingerprint keys on for this SKU: `@` + its product id."""
        pid = self.product_of(sku)
        return None if pid is None else shown_id(pid)

    def siblings(self, sku: str) -> tuple[str, ...]:
        """Every SKU of the same product (this one included): what the repeat window
        compares, so the same goods to the same account via another supplier repeat."""
        pid = self.product_of(sku)
        if pid is None:
            return (sku,)
        return tuple(sorted(set(self.offers.match().offers.get(pid, ())) | {sku}))

    def target_for(self, sku: str) -> str:
        """What the TUI orders for a row's SKU (the catalog's `o`, 再来一单): its product
        (`@ID`, the policy chooses) when the SKU is one of the product's several offers,
        else the SKU as before."""
        pid = self.product_of(sku)
        if pid is None:
            return sku
        skus = self._real_skus(pid)
        return shown_id(pid) if len(skus) > 1 and sku in skus else sku

    def skus_of(self, product_id: str) -> tuple[str, ...]:
        return tuple(self._real_skus(product_id))

    # --- the ask and the choice -----------------------------------------------------------
    def ask_for(self, target: str, quantity: int, *, max_price_rise: Decimal) -> Ask | None:
        """The choice to make for `order TARGET`, None when there is none to make (a SKU
        outside the catalog, a demo SKU beside a real supplier, or a product of one offer):
        the checkout then orders the SKU as it always did."""
        text = target.strip()
        if is_product_id(text):
            product = bare_id(text)
            return Ask(product, self._offers_of(product, self._real_skus(product)), max(int(quantity), 1),
                       max_price_rise=max_price_rise)
        pid = self.product_of(text)
        if pid is None:
            return None
        skus = self._real_skus(pid)
        if len(skus) < 2 or text not in skus:
            return None
        return Ask(pid, self._offers_of(pid, skus), max(int(quantity), 1), sku=text, max_price_rise=max_price_rise)

    def _offers_of(self, pid: str, skus: list[str]) -> tuple[Offer, ...]:
        cache = self.offers.catalog.cache
        out = []
        for sku in skus:
            p = cache.product_by_sku(sku)
            if p is None:
                continue
            out.append(Offer(sku, p.supplier, pid, p.unit_cost, p.sale_status is SaleStatus.ON, p.stock,
                             cache.last_sync(p.supplier)))
        return tuple(out)

    def choose(self, ask: Ask) -> Choice:
        return choose(ask, self.board.supplier_states(), self.offers.catalog.config.offers)

    @staticmethod
    def next_ask(ask: Ask, refused: Offer, exc: KamengError, confirmed_cost: Decimal | None) -> Ask:
        """The ask for the next offer after `refused` was refused before the intent: the
        live balance short by our own check keeps its figures; any other refusal is
        `refused` with its shared code (out_of_stock, off_shelf, the quote's cause)."""
        if isinstance(exc, BalanceShort):
            return skip_with(ask, refused, v.balance_short(refused, exc.needed, exc.available),
                             confirmed_cost=confirmed_cost)
        return after_refusal(ask, refused, exc.code, confirmed_cost=confirmed_cost)
