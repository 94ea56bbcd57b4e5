"""Offer readings kept in the catalog cache (migration 6; domain/offer_reading.py says
why): read at sync when a listing is new, changed in what the rule reads, or read by an
older rule version; read again at the matching for rows an older version left.

Local SQLite like the rest of the catalog cache, also beside a PostgreSQL team ledger.
"""

from __future__ import annotations

import sqlite3
from typing import Any, Sequence

from kameng_tui.domain import offer_parse
from kameng_tui.domain.models import Product
from kameng_tui.domain.offer_key import alone_id
from kameng_tui.domain.offer_reading import encode, flags, inputs_of

# What a stored row holds of what the rule reads (the rest is in the reading's inputs).
CURRENT = ("SELECT sku, name, delivery, face, attrs, offer_id, offer_flags, offer_reading, offer_rule FROM catalog "
           "WHERE sku IN ({})")
STALE = "SELECT id, data FROM catalog WHERE offer_rule != ?"
REFRESH = ("UPDATE catalog SET offer_id = ?, offer_flags = ?, offer_reading = ?, offer_rule = ? "
           "WHERE id = ? AND offer_rule != ?")
ALL = "SELECT sku, offer_id, offer_flags, offer_reading, id FROM catalog ORDER BY id"

Reading = tuple[str, int, str]          # product id, flags, text


def inputs(p: Product) -> str:
    """What the rule reads beyond the catalog table's own columns (name, delivery, face,
    attrs): the category's parts and the main account field's rule."""
    rule = offer_parse.main_rule(p)
    return "\x1f".join(p.category) + "\x1d" + ("" if rule is None else rule.value)


def read(p: Product) -> Reading:
    """The rule's reading of one listing, as stored (without the trail)."""
    found = offer_parse.read_shape(p)
    return (found.product_id if found.sure else alone_id(p.sku)), flags(found), encode(found, inputs(p))


def stored(c: sqlite3.Connection, skus: Sequence[str]) -> dict[str, tuple[Any, ...]]:
    """The stored rows of a page's SKUs, in a few queries (one a SKU cost more than a
    reading's worth on a first sync)."""
    out: dict[str, tuple[Any, ...]] = {}
    for i in range(0, len(skus), 500):
        chunk = skus[i:i + 500]
        out.update((r[0], r[1:]) for r in c.execute(CURRENT.format(",".join("?" * len(chunk))), chunk))
    return out


def kept(row: tuple[Any, ...] | None, p: Product, face: int | None, attrs: str) -> Reading | None:
    """The stored reading of `p` when still good for it: same words read, same rule version."""
    if row is None or row[7] != offer_parse.RULE_VERSION or row[6] is None:
        return None
    name, delivery, old_face, old_attrs, pid, bits, text, _ = row
    if name != p.name or delivery != p.delivery.value or old_face != face or old_attrs != attrs:
        return None
    return (pid, bits, text) if inputs_of(text) == inputs(p) else None
