"""What a catalog query is, and the names of its facets: apart from the index (numpy),
so the command line can build its parser and name facets without loading it."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Mapping

from kameng_tui.domain.accounts import CARRIER_KEYS
from kameng_tui.domain.field_names import CARRIER_ATTRIBUTE, Named, attribute_label
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
    """A facet's name for people: ours from the catalog, an attribute's name as the supplier
    wrote it (in en ours where we know the attribute: domain/field_names.py)."""
    if name == DELIVERY_FACET:
        return Msg("facet.delivery")
    if name == TAG_FACET:
        return Msg("facet.tags")
    return attribute_label(name)


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
    elif facet == CARRIER_ATTRIBUTE and value in CARRIER_KEYS:
        return Named(value, CARRIER_KEYS[value])         # 移动 in zh, China Mobile in en
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


@dataclass(frozen=True)
class Filter:
    """One active filter, as a chip shows it and Backspace takes it away.

    kind: category (value = path), facet (facet = attribute / DELIVERY_FACET / TAG_FACET),
    supplier (value = name), price (value = "min-max", either side may be empty)."""

    kind: str
    facet: str = ""
    value: str = ""


def _price_value(q: Query) -> str:
    return f"{'' if q.price_min is None else q.price_min}-{'' if q.price_max is None else q.price_max}"


def active_filters(q: Query, previous: tuple[Filter, ...] = ()) -> tuple[Filter, ...]:
    """The query's filters (not its search text, which has its own field): those in
    `previous` first, in that order, then the new ones, so the last chip is the last
    filter added and Backspace takes back what was just done."""
    found: list[Filter] = []
    if q.category:
        found.append(Filter("category", value=q.category))
    for name in sorted(q.attrs):
        found += [Filter("facet", name, v) for v in sorted(q.attrs[name])]
    found += [Filter("facet", DELIVERY_FACET, v) for v in sorted(q.delivery)]
    found += [Filter("facet", TAG_FACET, v) for v in sorted(q.tags)]
    found += [Filter("supplier", value=s) for s in sorted(q.suppliers)]
    if q.price_min is not None or q.price_max is not None:
        found.append(Filter("price", value=_price_value(q)))
    present = set(found)
    kept = [f for f in previous if f in present]
    seen = set(kept)
    return tuple(kept + [f for f in found if f not in seen])


def without_filter(q: Query, f: Filter) -> Query:
    """The query with one filter taken away (search text and sort untouched)."""
    if f.kind == "category":
        return replace(q, category="")
    if f.kind == "supplier":
        return replace(q, suppliers=q.suppliers - {f.value})
    if f.kind == "price":
        return replace(q, price_min=None, price_max=None)
    if f.facet == DELIVERY_FACET:
        return replace(q, delivery=q.delivery - {f.value})
    if f.facet == TAG_FACET:
        return replace(q, tags=q.tags - {f.value})
    attrs = dict(q.attrs)
    left = frozenset(attrs.get(f.facet, frozenset())) - {f.value}
    if left:
        attrs[f.facet] = left
    else:
        attrs.pop(f.facet, None)
    return replace(q, attrs=attrs)


def without_filters(q: Query) -> Query:
    """Every filter away; the search text and the sort stay."""
    return Query(text=q.text, sort=q.sort, descending=q.descending)
