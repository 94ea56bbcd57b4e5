"""Offers into products: the rule over a whole catalog, then the manual links (issue 18).

`match_offers` reads every listing once (domain/offer_parse.py caches listings that read
the same) and groups by product id. Links kept in the ledger then correct the rule: a
linked SKU joins the product of the SKU it was linked to; a split SKU (`match unlink`
of a SKU the rule had merged) becomes a product of its own. A link never crosses a
never-merge field both listings state (`link_refusal`): that would send wrong goods.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping, Sequence

from kameng_tui.domain.models import Product
from kameng_tui.domain.offer_key import Found, alone_id, extract
from kameng_tui.messages import Localized, Msg


@dataclass(frozen=True)
class Link:
    """A correction kept in the ledger: `sku` joins `target`'s product, or (target None)
    stands alone although the rule merged it."""

    sku: str
    target: str | None


@dataclass
class OfferMatch:
    found: dict[str, Found]                  # sku -> what the rule read
    product_of: dict[str, str]               # sku -> product id, links applied
    offers: dict[str, list[str]]             # product id -> its skus, in catalog order
    corrected: dict[str, Localized] = field(default_factory=dict)   # sku -> the link step

    @property
    def unsure(self) -> list[Found]:
        """Listings of known goods the rule was unsure of (unknown goods are not listed)."""
        return [f for f in self.found.values() if not f.sure and f.goods and f.sku not in self.corrected]

    @property
    def unknown(self) -> list[Found]:
        return [f for f in self.found.values() if not f.goods and f.sku not in self.corrected]

    def explain(self, sku: str) -> tuple[Localized, ...]:
        """The rule trail of one SKU, then the manual correction that overrides it, if any."""
        step = self.corrected.get(sku)
        return self.found[sku].explain() + (() if step is None else (step,))


def match_offers(products: Iterable[Product], links: Sequence[Link] = ()) -> OfferMatch:
    found: dict[str, Found] = {}
    product_of: dict[str, str] = {}
    for p in products:
        f = extract(p)
        found[p.sku] = f
        product_of[p.sku] = f.product_id
    corrected = _apply(found, product_of, links)
    offers: dict[str, list[str]] = {}
    for sku, pid in product_of.items():
        offers.setdefault(pid, []).append(sku)
    return OfferMatch(found, product_of, offers, corrected)


def _apply(found: Mapping[str, Found], product_of: dict[str, str], links: Sequence[Link]) -> dict[str, Localized]:
    """Splits first, then links (a link to a split SKU joins it where it now stands);
    links to SKUs no longer in the catalog are kept in the ledger but do nothing."""
    corrected: dict[str, Localized] = {}
    for link in links:
        if link.target is None and link.sku in found:
            pid = alone_id(link.sku)
            product_of[link.sku] = pid
            corrected[link.sku] = Msg("offer.step.split", id=pid)
    split = dict(product_of)                 # a link joins its target's own product, one level
    for link in links:
        if link.target is not None and link.sku in found and link.target in found:
            pid = split[link.target]
            product_of[link.sku] = pid
            corrected[link.sku] = Msg("offer.step.linked", target=link.target, id=pid)
    return corrected


def link_refusal(a: Found, b: Found) -> str | None:
    """The never-merge field two listings both state and disagree on, or None."""
    return a.key.differs(b.key)
