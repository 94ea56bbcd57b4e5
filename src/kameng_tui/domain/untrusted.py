"""Supplier text is untrusted: what every string a supplier sends goes through before
it is stored or shown.

A signature proves who sent a reply, not that its text is safe on a terminal: a
product name may carry ESC sequences (clear the screen, move the cursor, OSC 52 writes
the clipboard, OSC 8 hides a link), bidi overrides that show a different text than
the one stored, zero-width characters that make two names look alike, line separators
that break a table. So every supplier string loses its characters of the Unicode
categories Cc (controls, ESC included), Cf (format: bidi, zero-width), Cs (lone
surrogates, which cannot even be written out as UTF-8), Zl and Zp, and is bounded;
a cut is marked with ASCII `..`, counted inside the bound.

Identifiers we send back (product ids) are not altered: a product whose id is not
clean is not taken at all, since an altered id could name another product.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, replace

from kameng_tui.domain.models import AccountField, Card, Product, SecretText

NAME_MAX = 120        # names: products, categories, labels, options, supplier order numbers
ATTR_MAX = 120        # attribute keys and values
REASON_MAX = 300      # a failure reason, a refusal's message
CARD_MAX = 256        # each card field: number, password, expiry
CUT = ".."
STRIPPED = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
CARD_FIELDS = ("number", "password", "expires")


@dataclass(frozen=True)
class Cleaned:
    text: str
    altered: bool         # something was removed or cut


def clean(text: str, limit: int) -> Cleaned:
    """`text` without Cc/Cf/Cs/Zl/Zp characters, at most `limit` characters (`..` marks a cut)."""
    if len(text) <= limit and text.isprintable():      # the common case, at C speed (see `fine`)
        return Cleaned(text, False)
    kept = "".join(ch for ch in text if unicodedata.category(ch) not in STRIPPED)
    if len(kept) > limit:
        kept = kept[:max(0, limit - len(CUT))] + CUT[:limit]
    return Cleaned(kept, kept != text)


def clean_text(text: str, limit: int) -> str:
    return clean(text, limit).text


def clean_optional(text: str | None, limit: int) -> str | None:
    return None if text is None else clean(str(text), limit).text


def is_clean(text: str) -> bool:
    return text.isprintable() or not any(unicodedata.category(ch) in STRIPPED for ch in text)


def fine(text: str, limit: int) -> bool:
    """True when `clean` would leave `text` as it is. `str.isprintable` is False for
    every stripped category (and also for Zs but the space, Co and Cn, which then take
    the slow, exact path)."""
    return len(text) <= limit and (text.isprintable() or not clean(text, limit).altered)


def clean_field(f: AccountField) -> AccountField:
    def name(s: str) -> str:
        return clean(s, NAME_MAX).text

    return replace(f, label=name(f.label), options=tuple(name(o) for o in f.options),
                   option_tree={name(k): tuple(name(v) for v in vs) for k, vs in f.option_tree.items()})


def clean_product(p: Product) -> Product | None:
    """The product with every text a person reads cleaned; None when its id is not clean
    (it cannot be altered: the id is what an order names)."""
    if not (is_clean(p.product_id) and is_clean(p.sku) and is_clean(p.supplier)):
        return None
    if _product_fine(p):
        return p
    def attr(s: str) -> str:
        return clean(s, ATTR_MAX).text

    cleaned = replace(
        p, name=clean(p.name, NAME_MAX).text, category=tuple(clean(c, NAME_MAX).text for c in p.category),
        attributes=tuple((attr(k), attr(v)) for k, v in p.attributes),
        account_fields=tuple(clean_field(f) for f in p.account_fields))
    return cleaned


def _product_fine(p: Product) -> bool:
    """No text of `p` needs cleaning (a sync of 100k products mostly takes this path)."""
    return (fine(p.name, NAME_MAX) and all(fine(c, NAME_MAX) for c in p.category)
            and all(fine(k, ATTR_MAX) and fine(v, ATTR_MAX) for k, v in p.attributes)
            and all(fine(f.label, NAME_MAX) and all(fine(o, NAME_MAX) for o in f.options)
                    and all(fine(k, NAME_MAX) and all(fine(v, NAME_MAX) for v in vs) for k, vs in f.option_tree.items())
                    for f in p.account_fields))


def clean_card(card: Card) -> tuple[Card, tuple[str, ...]]:
    """The card with each field cleaned to CARD_MAX, and the names of the fields that
    had to be altered (never their values: the password is a secret)."""
    number = clean(card.number, CARD_MAX)
    password = clean(card.password.reveal(), CARD_MAX)
    expires = None if card.expires is None else clean(str(card.expires), CARD_MAX)
    altered = tuple(name for name, c in zip(CARD_FIELDS, (number, password, expires)) if c is not None and c.altered)
    if not altered:
        return card, ()
    return Card(number=number.text, password=SecretText(password.text),
                expires=None if expires is None else expires.text), altered
