"""What a catalog query is, and the names of its facets: apart from the index (numpy),
so the command line can build its parser and name facets without loading it."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Mapping

from kameng_tui.domain.models import Delivery
from kameng_tui.domain.tags import tag_code
from kameng_tui.messages import Localized, Msg, Plain

SORTS = ("default", "price", "discount", "stock", "sales")
# Our own facets' names, beside the attribute names the catalog brings (周期, 运营商 ...):
# keys of Result.facets and of `catalog facets --json`, kept as they always were.
# People read facet_label() / facet_value_label() instead.
DELIVERY_FACET = "发货方式"
TAG_FACET = "标签"


def facet_label(name: str) -> Localized:
    """A facet's name for people: ours from the catalog, an attribute's name (data) as it is."""
    if name == DELIVERY_FACET:
        return Msg("facet.delivery")
    if name == TAG_FACET:
        return Msg("facet.tags")
    return Plain(name)


def facet_value_label(facet: str, value: str) -> Localized:
    """A facet value for people: delivery kinds and tags from the catalog, attribute values as they are."""
    if facet == DELIVERY_FACET:
        found = Delivery.from_facet(value)
        if found is not None:
            return found.label
    elif facet == TAG_FACET:
        code = tag_code(value)
        if code is not None:
            return Msg(f"tag.{code}")
    return Plain(value)


@dataclass(frozen=True)
class Query:
    text: str = ""
    category: str = ""                                   # path prefix: "游戏/腾讯"
    attrs: Mapping[str, frozenset[str]] = field(default_factory=dict)   # OR within, AND across
    delivery: frozenset[str] = frozenset()
    suppliers: frozenset[str] = frozenset()
    tags: frozenset[str] = frozenset()
    price_min: Decimal | None = None
    price_max: Decimal | None = None
    sort: str = "default"
    descending: bool = False
