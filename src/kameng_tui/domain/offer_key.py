"""What the matching rule reads from one supplier listing (issue 18): the product key,
whether it is sure of it, the trail of how it got there, and the product id.

Two offers are one product exactly when the rule is sure of both and their keys are
equal; a listing it is unsure of is a product of its own (`X-<supplier>-<id>`), listed
by `kameng-tui catalog match` with the reason. The key holds every never-merge field:
brand or game, carrier and region (话费), level, period, face value, game zone,
delivery form, speed and the main account field, so equal keys cannot differ in any
of them. The id is spelled from the key alone (never from a supplier's product id or
the order listings arrive in), so it survives re-syncs: `@WZRY-60-ZC`.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, fields

from kameng_tui.domain.models import Product
from kameng_tui.messages import Joined, Localized, Msg

# The key's fields in id order; their names are what a refused link names.
KEY_FIELDS = ("brand", "carrier", "province", "level", "period", "face", "zone", "delivery", "speed", "account")
ACCOUNT_CODES = {"mobile": "TEL", "qq": "QQ", "game": "GID", "email": "MAIL", "text": "TXT", "choice": "OPT",
                 "address": "ADDR"}


@dataclass(frozen=True)
class OfferKey:
    """The never-merge fields of one listing. None = the listing does not say (or the
    field does not apply to its kind); a sure key has every field its kind needs."""

    brand: str | None = None
    carrier: str | None = None
    province: str | None = None
    level: str | None = None
    period: str | None = None
    face: str | None = None          # "60" (元), "0.5", "USD10"
    zone: str | None = None
    delivery: str | None = None      # ZC 直充 | KM 卡密 | SW 实物
    speed: str | None = None         # MC 慢充; None = 快充 (the trade's unmarked default)
    account: str | None = None       # the main account field's rule (direct top-ups only)
    default_account: str | None = None   # the brand's usual rule: not written into the id

    def values(self) -> dict[str, str | None]:
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name in KEY_FIELDS}

    def differs(self, other: "OfferKey") -> str | None:
        """The first never-merge field both keys know and disagree on (what refuses a link)."""
        mine, theirs = self.values(), other.values()
        for name in KEY_FIELDS:
            a, b = mine[name], theirs[name]
            if name == "speed":                   # unmarked is 快充: None is a value here
                a, b = a or "", b or ""
            elif a is None or b is None:
                continue
            if a != b:
                return name
        return None


@dataclass(frozen=True)
class Found:
    """The rule's answer for one listing."""

    sku: str
    key: OfferKey
    sure: bool
    steps: tuple[Localized, ...]          # the rule trail, in order
    reasons: tuple[Localized, ...] = ()   # why it is unsure (empty when sure)
    product_id: str = ""
    goods: bool = True                    # False: no brand or game the rule knows (physical goods, ...)

    @property
    def why(self) -> Localized:
        return Joined(self.reasons)

    def explain(self) -> tuple[Localized, ...]:
        """The rule trail, one line each, ending with where it put the listing."""
        verdict = (Msg("offer.step.sure", id=self.product_id) if self.sure
                   else Msg("offer.step.unsure", id=self.product_id, why=self.why))
        return (*self.steps, verdict)


def key_id(key: OfferKey) -> str:
    """`WZRY-60-ZC`: the key's parts in KEY_FIELDS order; the account only when it is
    not the brand's usual one (a 腾讯视频 listing asking for a QQ number: `-QQ`)."""
    parts = []
    for name, value in key.values().items():
        if value is None:
            continue
        if name == "account":
            if value == key.default_account:
                continue
            value = ACCOUNT_CODES.get(value, value.upper())
        parts.append(value.replace(".", "P"))
    return "-".join(parts)


_UNSAFE = re.compile(r"[^A-Z0-9]+")


def alone_id(sku: str) -> str:
    """The id of a listing standing alone: `X-` + its SKU in id letters; when spelling it
    so loses anything (case, punctuation, CJK) or runs long, a short hash of the SKU keeps
    two such listings apart."""
    spelled = _UNSAFE.sub("-", sku.upper()).strip("-")
    if spelled == sku.replace(":", "-") and len(spelled) <= 48:
        return f"X-{spelled}"
    digest = hashlib.blake2b(sku.encode(), digest_size=4).hexdigest().upper()
    return f"X-{spelled[:40].strip('-')}-{digest}".replace("--", "-")


def extract(p: Product) -> Found:
    """The rule for one listing (domain/offer_parse.py holds how each field is read)."""
    from kameng_tui.domain.offer_parse import read_listing

    return read_listing(p)
