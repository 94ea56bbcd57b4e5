"""A listing's reading by the matching rule, as stored beside it in the catalog cache
(issue 18's target: matching 3 x 100,000 cached SKUs in <= 5 s).

Reading a listing costs ~35 us; 300,000 of them at every matching cost ~10 s. So each
listing is read when a sync finds it new or changed (ledger/offer_readings.py), and the
matching is a group-by over the stored product ids plus the manual links
(`match_readings`). A reading carries the rule version it was made by
(offer_parse.RULE_VERSION): an older one is read again, so what the golden pairs test
(the rule) is what the reseller sees.

Stored per listing: the product id (a listing the rule is unsure of: its own
`X-...` id), two flags (sure, known goods), and `encode`'s text: the key, the reasons
it is unsure (messages, rendered in the reader's language when shown) and what the
reading was made from beyond the catalog's own columns (category parts, main account
rule).
"""

from __future__ import annotations

import json
from typing import Any, Iterable, Iterator, Mapping, Sequence

from kameng_tui.domain.offer_key import Found, OfferKey
from kameng_tui.domain.offer_match import Link, OfferMatch, apply_links
from kameng_tui.messages import Joined, Localized, Msg, Plain

SURE, GOODS = 1, 2           # the flags


def flags(found: Found) -> int:
    return (SURE if found.sure else 0) | (GOODS if found.goods else 0)


# The text's parts: the key's fields (None: NUL), the reasons (JSON, empty when sure),
# and the inputs; separators JSON escapes and the rule's codes never hold. Not JSON as a
# whole: this is paid per new listing at sync, and json.dumps cost more than a join.
_PART, _FIELD, _NONE = "\x1e", "\x1f", "\x00"


def encode(found: Found, inputs: str) -> str:
    """The reading's text (without the product id and flags, stored in their own columns)."""
    key = _FIELD.join(_NONE if v is None else v for v in found.key)
    reasons = json.dumps([_enc(r) for r in found.reasons], ensure_ascii=False) if found.reasons else ""
    return f"{key}{_PART}{reasons}{_PART}{inputs}"


def inputs_of(text: str) -> str:
    """What `encode` was told the reading was made from (compared at the next sync)."""
    return text.split(_PART, 2)[2]


def decode(sku: str, product_id: str, bits: int, text: str) -> Found:
    """A stored reading, without the rule trail (`extract` reads one listing with it)."""
    key, reasons, _ = text.split(_PART, 2)
    return Found(sku=sku, key=OfferKey(*(None if v == _NONE else v for v in key.split(_FIELD))), sure=bool(bits & SURE),
                 steps=(), reasons=tuple(_dec(r) for r in json.loads(reasons)) if reasons else (),
                 product_id=product_id, goods=bool(bits & GOODS))


def _enc(value: Localized | str | int) -> Any:
    if isinstance(value, Msg):
        return {"m": value.key, "p": {k: _enc(v) for k, v in value.params.items()}}
    if isinstance(value, Plain):
        return {"z": value.zh, "e": value.en}
    if isinstance(value, Joined):
        return {"j": [_enc(p) for p in value.parts], "s": value.sep}
    if isinstance(value, (str, int)):
        return value
    return str(value)


def _dec(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    if "m" in value:
        return Msg(value["m"], **{k: _dec(v) for k, v in value["p"].items()})
    if "z" in value:
        return Plain(value["z"], value["e"])
    return Joined([_dec(p) for p in value["j"]], value["s"])


class StoredReadings(Mapping[str, Found]):
    """sku -> the stored reading, decoded only when asked for (most never are)."""

    def __init__(self, rows: dict[str, tuple[str, int, str]]) -> None:
        self._rows = rows                       # sku -> (product id, flags, text)

    def __getitem__(self, sku: str) -> Found:
        pid, bits, text = self._rows[sku]
        return decode(sku, pid, bits, text)

    def __contains__(self, sku: object) -> bool:
        return sku in self._rows

    def __iter__(self) -> Iterator[str]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def where(self, sure: bool, goods: bool) -> list[Found]:
        want = (SURE if sure else 0) | (GOODS if goods else 0)
        return [decode(sku, pid, bits, text) for sku, (pid, bits, text) in self._rows.items() if bits == want]


def match_readings(rows: Iterable[tuple[str, str, int, str]], links: Sequence[Link] = ()) -> OfferMatch:
    """The matching over stored readings (sku, product id, flags, text), in catalog order:
    the same products as `match_offers` over the listings they were read from."""
    stored = {sku: (pid, bits, text) for sku, pid, bits, text in rows}
    product_of = {sku: row[0] for sku, row in stored.items()}
    found = StoredReadings(stored)
    corrected = apply_links(found, product_of, links)
    offers: dict[str, list[str]] = {}
    for sku, pid in product_of.items():
        offers.setdefault(pid, []).append(sku)
    return OfferMatch(found, product_of, offers, corrected)
