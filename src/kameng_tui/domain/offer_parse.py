"""How the matching rule reads each never-merge field from a listing: attributes and
fields where the supplier gives them, else the name (issue 18).

A field read twice (the name and an attribute, the name and the face-value field, two
different words in one name) must agree, or the listing is unsure. After every word
the rule understands is taken out of the name, anything left that is a word (空月祝福,
限新用户, 体验) makes it unsure too: an unknown word may be exactly what tells two
goods apart, and a false merge sends the wrong goods where a missed one shows two rows.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from functools import lru_cache
from typing import Iterable

from kameng_tui.domain import offer_words as W
from kameng_tui.domain.models import Delivery, Product, Rule
from kameng_tui.domain.offer_key import Found, OfferKey, alone_id, key_id
from kameng_tui.messages import Localized, Msg, Plain

# The rule's version, stored with every reading kept in the catalog cache: bump it with any
# change to what the rule reads (this module, offer_words.py, offer_key.py), and every
# stored reading is read again (at the next sync or matching), so the golden pairs stay
# the truth of what the reseller sees.
RULE_VERSION = 1

MEMBERSHIP = frozenset({"video", "member", "music"})
BY_ALIAS = {alias: b for b in W.BRANDS for alias in b.aliases}
_DELIVERY_CODE = {Delivery.DIRECT: "ZC", Delivery.CARD: "KM", Delivery.PHYSICAL: "SW"}


def _alternation(words: Iterable[str]) -> re.Pattern[str]:
    """One pattern for a table's words, longest first (a scan in C, not a loop of `in`)."""
    return re.compile("|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True)))


_ALIASES = _alternation(BY_ALIAS)
_CARRIERS = _alternation(w for w, _ in W.CARRIERS)
_CARRIER_CODE = dict(W.CARRIERS)
_PROVINCE = {zh: (code, en) for zh, code, en in W.PROVINCES}
_PERIODS = _alternation(w for w, _ in W.PERIODS)
_PERIOD_CODE = dict(W.PERIODS)
_ZONE = {w: (code, zh, en) for w, code, zh, en in W.ZONES}
_FORMS = frozenset((*W.CARD_WORDS, *W.DIRECT_WORDS))
_FOREIGN = _alternation(w for w, _ in W.FOREIGN)
_FOREIGN_CODE = dict(W.FOREIGN)
# Every word the phases look for, found in one scan of the name (then set lookups).
_WORDS = _alternation((*_CARRIER_CODE, *_PROVINCE, *_PERIOD_CODE, *_ZONE, *W.SLOW_WORDS, *W.FAST_WORDS,
                       *W.CARD_WORDS, *W.DIRECT_WORDS, *_FOREIGN_CODE, W.NATIONAL, W.PROVINCE_ONLY,
                       *(w for b in W.BRANDS for w, _ in b.levels)))
_HOURS = re.compile(W.HOURS)
_YUAN = re.compile(W.YUAN)
_DOLLAR = re.compile(r"\$(\d+(?:\.\d+)?)")
_LEFT = re.compile(r"[^A-Z\u3400-\u9fff]+")


@lru_cache(maxsize=None)
def _brand_patterns(code: str) -> tuple[re.Pattern[str], re.Pattern[str], tuple[tuple[re.Pattern[str], str, Decimal], ...]]:
    """A brand's aliases, every word its kind understands (taken out before the leftover
    check), and its game currencies (`600点券`)."""
    brand = next(b for b in W.BRANDS if b.code == code)
    words = [*W.FILLER, *brand.aliases, *W.CARD_WORDS, *W.DIRECT_WORDS, *(w for w, *_ in W.ZONES), *W.SLOW_WORDS,
             *W.FAST_WORDS]
    if brand.kind == "hf":
        words += [w for w, _ in W.CARRIERS] + [zh for zh, _, _ in W.PROVINCES]
    if brand.kind in MEMBERSHIP:
        words += [w for w, _ in W.PERIODS] + [w for w, _ in brand.levels]
    else:
        words += [w for w, _ in W.FOREIGN]
    units = tuple((re.compile(r"(\d+)" + re.escape(unit)), unit, rate) for unit, rate in brand.unit)
    return _alternation(brand.aliases), _alternation(words), units


_SPACES = re.compile(r"\s+")


def normalize(text: str) -> str:
    """NFKC (fullwidth to ASCII, ： to :), ASCII upper-cased, no spaces: how every table is written."""
    return _SPACES.sub("", unicodedata.normalize("NFKC", text)).upper()


class _Reading:
    """One listing being read: the fields found so far, the trail and the doubts."""

    def __init__(self, name: str, category: tuple[str, ...], delivery: Delivery, face: Decimal | None,
                 attributes: tuple[tuple[str, str], ...], trail: bool) -> None:
        self.trail = trail
        self.name = normalize(name)
        self.words = set(_WORDS.findall(self.name))
        self.cat = [normalize(c) for c in category]
        self.attrs = {k: normalize(v) for k, v in attributes}
        self.delivery, self.face = delivery, face
        self.steps: list[Localized] = []
        self.doubts: list[Localized] = []
        self.key: dict[str, str | None] = {}

    def doubt(self, key: str, **params: object) -> None:
        self.doubts.append(Msg(f"offer.why.{key}", **params))

    def step(self, step: Localized) -> None:
        """A line of the rule trail, kept only when asked for (`extract`, explain).
        Called under `if r.trail:`: a bulk matching does not even build the message."""
        self.steps.append(step)


def read_listing(p: Product) -> Found:
    """One listing with its rule trail (explain)."""
    shape = _read(p.name, p.category, p.delivery, p.face_value, p.attributes, main_rule(p), trail=True)
    return Found(sku=p.sku, key=shape.key, sure=shape.sure, steps=shape.steps, reasons=shape.reasons,
                 product_id=shape.product_id if shape.sure else alone_id(p.sku), goods=shape.goods)


def read_shape(p: Product) -> Found:
    """The rule's reading of what a listing publishes, without its SKU (sku "", and for
    an unsure one no product id): listings that read the same (one catalog across
    several suppliers) are read once and share it."""
    return _shape(p.name, p.category, p.delivery, p.face_value, p.attributes, main_rule(p))


def main_rule(p: Product) -> Rule | None:
    """The rule of the account field a direct top-up asks for first (part of the key)."""
    if p.delivery is not Delivery.DIRECT or not p.account_fields:
        return None
    return next((f for f in p.account_fields if f.key == "account"), p.account_fields[0]).rule


@lru_cache(maxsize=4096)
def _shape(name: str, category: tuple[str, ...], delivery: Delivery, face: Decimal | None,
           attributes: tuple[tuple[str, str], ...], rule: Rule | None) -> Found:
    """The reading without its trail (steps empty), shared by listings that read the same."""
    return _read(name, category, delivery, face, attributes, rule, trail=False)


def _read(name: str, category: tuple[str, ...], delivery: Delivery, face: Decimal | None,
          attributes: tuple[tuple[str, str], ...], rule: Rule | None, *, trail: bool) -> Found:
    account = None if rule is None else rule.value
    r = _Reading(name, category, delivery, face, attributes, trail)
    brand = _brand(r)
    if brand is None:
        r.doubt("no_goods")
        return Found(sku="", key=OfferKey(delivery=_DELIVERY_CODE[delivery]), sure=False, steps=tuple(r.steps),
                     reasons=tuple(r.doubts), goods=False)
    r.key["brand"] = brand.code
    _delivery(r)
    if brand.kind == "hf":
        _carrier_region(r)
    if brand.kind in MEMBERSHIP:
        _period(r)
        _level(r, brand)
    else:
        _face(r, brand)
    _zone_speed(r, brand)
    r.key["account"] = (account or brand.account) if delivery is Delivery.DIRECT else None
    if r.key["account"] is not None:
        if r.trail:
            r.step(Msg("offer.step.account", rule=Msg(f"offer.acct.{r.key['account']}")))
    _leftover(r, brand)
    key = OfferKey(**r.key, default_account=brand.account)
    return Found(sku="", key=key, sure=not r.doubts, steps=tuple(r.steps), reasons=tuple(r.doubts),
                 product_id=key_id(key))


def _brand(r: _Reading) -> W.Brand | None:
    named = {BY_ALIAS[m].code: BY_ALIAS[m] for m in _ALIASES.findall(r.name)}
    filed: dict[str, W.Brand] = {}
    for part in reversed(r.cat):
        filed = {BY_ALIAS[m].code: BY_ALIAS[m] for m in _ALIASES.findall(part)}
        if filed:
            break
    if len(named) > 1:
        r.doubt("two_brands", names="/".join(b.zh for b in named.values()))
    if named and filed and set(named) != set(filed) and len(filed) == 1:
        r.doubt("brand_category", name=next(iter(named.values())).zh, category=next(iter(filed.values())).zh)
    brand = next(iter(named.values()), None) or next(iter(filed.values()), None)
    source = "name" if named else "category"
    if brand is None and _CARRIERS.search(r.name):
        brand, source = BY_ALIAS[W.HF_ALIAS], "carrier"
    if brand is not None:
        if r.trail:
            r.step(Msg("offer.step.brand", brand=Plain(brand.zh, brand.en), source=Msg(f"offer.src.{source}")))
    return brand


def _delivery(r: _Reading) -> None:
    code = _DELIVERY_CODE[r.delivery]
    said = {("KM" if w in W.CARD_WORDS else "ZC") for w in r.words if w in _FORMS}
    if said and said != {code}:
        r.doubt("delivery", field=r.delivery.label)
    r.key["delivery"] = code
    if r.trail:
        r.step(Msg("offer.step.delivery", delivery=r.delivery.label))


def _carrier_region(r: _Reading) -> None:
    found = {_CARRIER_CODE[w] for w in r.words if w in _CARRIER_CODE}
    for part in r.cat + [r.attrs.get(W.ATTR_CARRIER, "")]:
        found |= {_CARRIER_CODE[w] for w in _CARRIERS.findall(part)}
    if len(found) != 1:
        r.doubt("carrier" if not found else "carriers")
    else:
        code = found.pop()
        r.key["carrier"] = code
        if r.trail:
            r.step(Msg("offer.step.carrier", carrier=Plain(*W.CARRIER_NAMES[code])))
    provinces = sorted(w for w in r.words if w in _PROVINCE)
    if len(provinces) > 1 or (provinces and W.NATIONAL in r.words):
        r.doubt("region")
    elif provinces:
        code, en = _PROVINCE[provinces[0]]
        r.key["province"] = code
        if r.trail:
            r.step(Msg("offer.step.province", province=Plain(provinces[0], en)))
    elif W.PROVINCE_ONLY in r.words:
        r.doubt("province")
    else:
        if r.trail:
            r.step(Msg("offer.step.national"))


def _face(r: _Reading, brand: W.Brand) -> None:
    aliases, _, units = _brand_patterns(brand.code)
    text = _PERIODS.sub(" ", aliases.sub(" ", _HOURS.sub(" ", r.name)))    # 剑网3 + 15元 is not 315元
    faces: dict[str, Localized] = {}
    for m in _YUAN.finditer(text):
        value = _face_text(Decimal(m.group(1)))
        faces[value] = Msg("offer.step.face", face=value)
    for pattern, unit, rate in units:
        for m in pattern.finditer(text):
            value = _face_text(Decimal(m.group(1)) / rate)
            faces[value] = Msg("offer.step.face_units", amount=m.group(1), unit=unit, rate=str(rate), face=value)
    word = _FOREIGN.search(text)
    dollars = _DOLLAR.findall(text)
    foreign = _FOREIGN_CODE[word.group()] if word else None
    if foreign or dollars:                 # a foreign card: its face is in its own currency
        cur = foreign or "USD"
        faces = {f"{cur}{_face_text(Decimal(d))}": Plain(f"{cur} {d}") for d in dollars}
    if r.face is not None and not foreign:
        field = _face_text(r.face)
        if faces and field not in faces:
            r.doubt("face_field", name="/".join(sorted(faces)), field=field)
            return
        faces.setdefault(field, Msg("offer.step.face_field", face=field))
    if len(faces) > 1:
        r.doubt("faces", faces="/".join(sorted(faces)))
    elif not faces:
        r.doubt("no_face")
    else:
        face, step = next(iter(faces.items()))
        r.key["face"] = face
        if r.trail:
            r.step(step)


def _face_text(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _period(r: _Reading) -> None:
    said = sorted({_PERIOD_CODE[w] for w in r.words if w in _PERIOD_CODE})
    attr = W.PERIOD_ATTR.get(r.attrs.get(W.ATTR_PERIOD, ""))
    if len(said) > 1:
        r.doubt("periods")
    elif attr and said and attr != said[0]:
        r.doubt("period_attr", name=Plain(*W.PERIOD_NAMES[said[0]]), attr=Plain(*W.PERIOD_NAMES[attr]))
    elif not said and not attr:
        r.doubt("no_period")
    else:
        code = said[0] if said else attr
        assert code is not None
        r.key["period"] = code
        if r.trail:
            r.step(Msg("offer.step.period", period=Plain(*W.PERIOD_NAMES[code])))


def _level(r: _Reading, brand: W.Brand) -> None:
    code = next((c for w, c in brand.levels if w in r.words), None)
    source = "name"
    if code is None:
        code, source = brand.default_level, "default"
    attr = r.attrs.get(W.ATTR_LEVEL)
    if code is None:
        r.doubt("no_level")
        return
    if attr in (W.BASE_ATTR, W.HIGHER_ATTR) and (attr == W.BASE_ATTR) != (code in W.BASE_LEVELS):
        r.doubt("level_attr", level=Plain(*W.LEVEL_NAMES[code]), attr=attr)
    r.key["level"] = code
    if r.trail:
        r.step(Msg("offer.step.level", level=Plain(*W.LEVEL_NAMES[code]), source=Msg(f"offer.src.{source}")))


def _zone_speed(r: _Reading, brand: W.Brand) -> None:
    zone = next((w for w, *_ in W.ZONES if w in r.words), None)
    if brand.kind == "game" and zone:
        code, zh, en = _ZONE[zone]
        r.key["zone"] = code
        if r.trail:
            r.step(Msg("offer.step.zone", zone=Plain(zh, en)))
    slow = not r.words.isdisjoint(W.SLOW_WORDS) or bool(_HOURS.search(r.name))
    if slow and not r.words.isdisjoint(W.FAST_WORDS):
        r.doubt("speeds")
    r.key["speed"] = "MC" if slow else None
    if brand.kind == "hf" or slow:
        if r.trail:
            r.step(Msg("offer.step.slow" if slow else "offer.step.fast"))


def _leftover(r: _Reading, brand: W.Brand) -> None:
    _, words, units = _brand_patterns(brand.code)
    text = _HOURS.sub(" ", r.name)
    for pattern, _, _ in units:
        text = pattern.sub(" ", text)
    left = " ".join(w for w in _LEFT.split(words.sub(" ", text)) if w)
    if left:
        r.doubt("words", words=left[:20])
