"""Products and offers (issue 18): the matching rule over the cached catalog, corrected
by the links kept in the ledger, for the faces (`catalog match`, `catalog --by-product`,
`match link/unlink`, a product id beside each SKU).

The rule reads a listing when a sync finds it new or changed and its reading is kept in
the catalog cache with the rule's version (ledger/offer_readings.py): the matching is a
group-by over those readings plus the links, and a reading by an older rule is read
again, so the rule and the links apply at every sync, and an id changes only when what
the supplier publishes (or the rule) changes.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from kameng_tui.domain.clock import Clock
from kameng_tui.domain.errors import BadInput, NotFound
from kameng_tui.domain.models import Product
from kameng_tui.domain.offer_errors import LinkRefused, UnknownSku
from kameng_tui.domain.offer_key import Found, alone_id, extract
from kameng_tui.domain.offer_match import Link, OfferMatch, link_refusal
from kameng_tui.domain.offer_reading import match_readings
from kameng_tui.domain.catalog_query import Query
from kameng_tui.ledger.ports import MatchStore
from kameng_tui.messages import Msg
from kameng_tui.services.catalog import CatalogService


@dataclass(frozen=True)
class ProductRow:
    """One product of `catalog --by-product`: its offers, cheapest first."""

    product_id: str
    name: str                       # the cheapest offer's
    offers: tuple[Product, ...]
    sure: bool

    @property
    def best(self) -> Product:
        return self.offers[0]


@dataclass(frozen=True)
class Unlinked:
    kind: str                       # removed (a link or split undone) | split (taken out of a rule's product) | nothing
    product_id: str                 # where the SKU stands now


class OfferService:
    def __init__(self, catalog: CatalogService, links: MatchStore, clock: Clock) -> None:
        self.catalog, self.links, self.clock = catalog, links, clock
        self._match: tuple[tuple[str, tuple[Link, ...]], OfferMatch] | None = None

    # --- reading -------------------------------------------------------------------------
    def match(self) -> OfferMatch:
        """The whole catalog matched (kept until the catalog or the links change)."""
        links = tuple(self.links.offer_links())
        stamp = (self.catalog.cache.version(), links)
        if self._match is None or self._match[0] != stamp:
            self._match = (stamp, match_readings(self.catalog.cache.readings(), links))
        return self._match[1]

    def product_ids(self, products: list[Product]) -> list[str]:
        """These SKUs' product ids without matching the whole catalog (the rule reads
        each listing; a link reads its target's): what `catalog --json` prints."""
        links = {lk.sku: lk.target for lk in self.links.offer_links()}
        out = []
        for p in products:
            if p.sku not in links:
                out.append(extract(p).product_id)
                continue
            target_sku = links[p.sku]
            target = None if target_sku is None else self.catalog.cache.product_by_sku(target_sku)
            if target_sku is None:
                out.append(alone_id(p.sku))
            elif target is None:                 # the target left the catalog: the link does nothing
                out.append(extract(p).product_id)
            else:
                split = target.sku in links and links[target.sku] is None
                out.append(alone_id(target.sku) if split else extract(target).product_id)
        return out

    def resolve(self, sku: str, field: str = "sku") -> Product:
        """A SKU as typed (a bare id where one supplier has it); unknown: did you mean."""
        try:
            return self.catalog.product(sku.strip())
        except NotFound:
            raise UnknownSku(sku.strip(), self.catalog.suggest_skus(sku), field=field) from None

    def explain(self, sku: str) -> tuple[Product, Found, OfferMatch]:
        p = self.resolve(sku)
        return p, extract(p), self.match()

    def unsure(self) -> list[Found]:
        return self.match().unsure

    def products(self, query: Query, limit: int, offset: int = 0) -> tuple[list[ProductRow], int]:
        """Products with an offer matching the query, in the order of their first
        matching offer; each with all its offers (the query narrows products, not offers)."""
        m = self.match()
        index = self.catalog.index()
        result = index.query(query, 0, 0)
        order: dict[str, None] = {}
        for row in result.ordered:
            order.setdefault(m.product_of[index.skus[int(row)]], None)
        ids = list(order)
        rows = []
        for pid in ids[offset:offset + limit]:
            offers = sorted((index.loader(index.row_of[s]) for s in m.offers[pid]), key=_cost)
            rows.append(ProductRow(pid, offers[0].name, tuple(offers), all(m.found[o.sku].sure for o in offers)))
        return rows, len(ids)

    # --- correcting ------------------------------------------------------------------------
    def link(self, sku: str, target: str) -> str:
        """`sku` joins `target`'s product; refused across a never-merge field both state."""
        a, b = self.resolve(sku, "sku"), self.resolve(target, "target")
        if a.sku == b.sku:
            raise BadInput(Msg("err.match.self", sku=a.sku), field="target")
        fa, fb = extract(a), extract(b)
        name = link_refusal(fa, fb)
        if name is not None:
            raise LinkRefused(name, a.sku, b.sku, fa.key.values()[name], fb.key.values()[name])
        self.links.set_offer_link(a.sku, b.sku, at=self.clock.now())
        return self.product_ids([a])[0]

    def unlink(self, sku: str) -> Unlinked:
        """Undo a link or a split; a SKU the rule merged with others is split off; a SKU
        standing alone by the rule has nothing to unlink (nothing written)."""
        p = self.resolve(sku)
        if self.links.remove_offer_link(p.sku, at=self.clock.now()) is not None:
            return Unlinked("removed", self.product_ids([p])[0])
        m = self.match()
        if len(m.offers.get(m.product_of[p.sku], ())) > 1:
            self.links.set_offer_link(p.sku, None, at=self.clock.now())
            return Unlinked("split", alone_id(p.sku))
        return Unlinked("nothing", m.product_of[p.sku])


def _cost(p: Product) -> tuple[Decimal, str]:
    return p.unit_cost, p.sku
