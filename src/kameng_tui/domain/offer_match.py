"""Offers into products: the rule over a whole catalog, then the manual links (issue 18).

`match_offers` reads every listing once (domain/offer_parse.py caches listings that read
the same) and groups by product id. Links kept in the ledger then correct the rule: a
linked SKU joins the product of the SKU it was linked to; a split SKU (`match unlink`
of a SKU the rule had merged) becomes a product of its own. A link never crosses a
never-merge field both listings state (`link_refusal`): that would send wrong goods.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass, field
from typing import Iterable, Iterator, Mapping, Protocol, Sequence

from kameng_tui.domain.models import Product
from kameng_tui.domain.offer_key import Found, alone_id, extract
from kameng_tui.domain.offer_parse import read_shape
from kameng_tui.messages import Localized, Msg


@dataclass(frozen=True)
class Link:
    """A correction kept in the ledger: `sku` joins `target`'s product, or (target None)
    stands alone although the rule merged it."""

    sku: str
    target: str | None


class Readings(Protocol):
    """What the matching read, by SKU: made here from the listings (`FoundView`), or
    from the readings stored at sync (domain/offer_reading.py)."""

    def __getitem__(self, sku: str) -> Found: ...
    def __contains__(self, sku: object) -> bool: ...
    def __iter__(self) -> Iterator[str]: ...
    def __len__(self) -> int: ...
    def where(self, sure: bool, goods: bool) -> list[Found]: ...


class FoundView(Mapping[str, Found]):
    """sku -> what the rule read, made on demand from the shared readings (a Found per
    SKU for 300,000 SKUs would cost more than the matching itself). Without the rule
    trail: `extract(product)` reads one listing again with it."""

    def __init__(self, shapes: dict[str, Found], rule_ids: dict[str, str]) -> None:
        self._shapes, self._ids = shapes, rule_ids

    def __getitem__(self, sku: str) -> Found:
        s = self._shapes[sku]
        return Found(sku=sku, key=s.key, sure=s.sure, steps=s.steps, reasons=s.reasons, product_id=self._ids[sku],
                     goods=s.goods)

    def __iter__(self) -> Iterator[str]:
        return iter(self._shapes)

    def __len__(self) -> int:
        return len(self._shapes)

    def where(self, sure: bool, goods: bool) -> list[Found]:
        return [self[sku] for sku, s in self._shapes.items() if s.sure == sure and s.goods == goods]


@dataclass
class OfferMatch:
    found: Readings                          # sku -> what the rule read
    product_of: dict[str, str]               # sku -> product id, links applied
    offers: dict[str, list[str]]             # product id -> its skus, in catalog order
    corrected: dict[str, Localized] = field(default_factory=dict)   # sku -> the link step

    @property
    def unsure(self) -> list[Found]:
        """Listings of known goods the rule was unsure of (unknown goods are not listed)."""
        return [f for f in self.found.where(sure=False, goods=True) if f.sku not in self.corrected]

    @property
    def unknown(self) -> list[Found]:
        return [f for f in self.found.where(sure=False, goods=False) if f.sku not in self.corrected]

    def explain(self, p: Product) -> tuple[Localized, ...]:
        """The rule trail of one SKU, then the manual correction that overrides it, if any."""
        step = self.corrected.get(p.sku)
        return extract(p).explain() + (() if step is None else (step,))


def match_offers(products: Iterable[Product], links: Sequence[Link] = ()) -> OfferMatch:
    shapes: dict[str, Found] = {}
    product_of: dict[str, str] = {}
    collecting = gc.isenabled()
    gc.disable()            # hundreds of thousands of small values that live on: no cycles to look for meanwhile
    try:
        for p in products:
            shape = shapes[p.sku] = read_shape(p)
            product_of[p.sku] = shape.product_id if shape.sure else alone_id(p.sku)
    finally:
        if collecting:
            gc.enable()
    found = FoundView(shapes, dict(product_of))
    corrected = apply_links(found, product_of, links)
    offers: dict[str, list[str]] = {}
    for sku, pid in product_of.items():
        offers.setdefault(pid, []).append(sku)
    return OfferMatch(found, product_of, offers, corrected)


def apply_links(found: Readings, product_of: dict[str, str], links: Sequence[Link]) -> dict[str, Localized]:
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
