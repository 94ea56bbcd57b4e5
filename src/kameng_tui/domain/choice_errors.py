"""The refusals of `order @ID` when no offer can be taken (issue 18), as typed errors so
the wiring only raises what the choice says: nothing eligible is bad input (exit 2,
nothing recorded, each offer listed with why it was skipped); the next offer after a
refusal costing more than `max_price_rise` above the confirmed cost stops the CLI
(exit 1, naming the offer and its cost), where the TUI asks again.
"""

from __future__ import annotations

from decimal import Decimal

from kameng_tui.domain.errors import BadInput, KamengError
from kameng_tui.domain.offer_choice import Choice
from kameng_tui.messages import Joined, Localized


def _listed(choice: Choice) -> Localized:
    parts: list[Localized | str] = [choice.why]
    for line in choice.skip_lines():
        parts += ["\n  ", line]
    return Joined(parts, sep=None)


class NoEligibleOffer(BadInput):
    """No offer of the product can be ordered (none at all, none eligible, or the pinned
    one not eligible); `skipped`: every offer with its reason, as data."""

    code = "no_eligible_offer"

    def __init__(self, choice: Choice) -> None:
        super().__init__(_listed(choice), field="product")
        self.product_id = choice.product_id
        self.skipped = choice.record()["skipped"]

    def details(self) -> dict[str, object]:
        return {"product_id": self.product_id, "skipped": self.skipped}


class NextOfferPricier(KamengError):
    """After a refusal before the intent, the next offer costs more than the confirmed
    cost plus `max_price_rise`: nothing recorded; the CLI stops here."""

    code = "next_offer_pricier"
    exit_code = 1

    def __init__(self, choice: Choice) -> None:
        assert choice.over_cap is not None
        super().__init__(_listed(choice), field="price")
        self.sku = choice.over_cap.sku
        self.unit_cost: Decimal = choice.over_cap.unit_cost

    def details(self) -> dict[str, object]:
        return {"sku": self.sku, "unit_cost": str(self.unit_cost)}


def refusal_of(choice: Choice) -> KamengError:
    """The error for a choice without an offer."""
    return NextOfferPricier(choice) if choice.over_cap is not None else NoEligibleOffer(choice)
