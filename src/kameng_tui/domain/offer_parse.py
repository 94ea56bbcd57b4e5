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
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from kameng_tui.domain import offer_words as W
from kameng_tui.domain.models import Delivery, Product
from kameng_tui.domain.offer_key import Found, OfferKey, alone_id, key_id
from kameng_tui.messages import Localized, Msg, Plain

MEMBERSHIP = frozenset({"video", "member", "music"})
BY_ALIAS = {alias: b for b in W.BRANDS for alias in b.aliases}
_ALIASES = re.compile("|".join(re.escape(a) for a in sorted(BY_ALIAS, key=len, reverse=True)))
_CARRIERS = re.compile("|".join(re.escape(w) for w, _ in W.CARRIERS))
_HOURS = re.compile(W.HOURS)
_YUAN = re.compile(W.YUAN)
_DOLLAR = re.compile(r"\$(\d+(?:\.\d+)?)")
_LEFT = re.compile(r"[^A-Z\u3400-\u9fff]+")
_DELIVERY_CODE = {Delivery.DIRECT: "ZC", Delivery.CARD: "KM", Delivery.PHYSICAL: "SW"}


def normalize(text: str) -> str:
    """NFKC (fullwidth to ASCII, ： to :), ASCII upper-cased, no spaces: how every table is written."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).upper()


class _Reading:
    """One listing being read: the fields found so far, the trail and the doubts."""

    def __init__(self, p: Product) -> None:
        self.p = p
        self.name = normalize(p.name)
        self.cat = [normalize(c) for c in p.category]
        self.attrs = {k: normalize(v) for k, v in p.attributes}
        self.steps: list[Localized] = []
        self.doubts: list[Localized] = []
        self.vocab: list[str] = list(W.FILLER)
        self.key: dict[str, str | None] = {}

    def doubt(self, key: str, **params: object) -> None:
        self.doubts.append(Msg(f"offer.why.{key}", **params))


def read_listing(p: Product) -> Found:
    return _cached(p.sku, p.name, p.category, p.delivery, p.face_value, p.attributes, _account_rule(p))


def _account_rule(p: Product) -> str | None:
    if p.delivery is not Delivery.DIRECT or not p.account_fields:
        return None
    main = p.field("account") or p.account_fields[0]
    return main.rule.value


@lru_cache(maxsize=4096)
def _shape(name: str, category: tuple[str, ...], delivery: Delivery, face: Decimal | None,
           attributes: tuple[tuple[str, str], ...], account: str | None) -> Found:
    probe = Product(sku="", supplier="", product_id="", name=name, category=category, delivery=delivery,
                    unit_cost=Decimal(0), face_value=face, attributes=attributes)
    return _read(probe, account)


def _cached(sku: str, name: str, category: tuple[str, ...], delivery: Delivery, face: Decimal | None,
            attributes: tuple[tuple[str, str], ...], account: str | None) -> Found:
    """Listings that read the same (one catalog across several suppliers) are read once."""
    shape = _shape(name, category, delivery, face, attributes, account)
    pid = shape.product_id
    if not shape.sure:
        pid = alone_id(sku)
    return Found(sku=sku, key=shape.key, sure=shape.sure, steps=shape.steps, reasons=shape.reasons, product_id=pid,
                 goods=shape.goods)


def _read(p: Product, account: str | None) -> Found:
    r = _Reading(p)
    brand = _brand(r)
    if brand is None:
        r.doubt("no_goods")
        return Found(sku=p.sku, key=OfferKey(delivery=_DELIVERY_CODE[p.delivery]), sure=False, steps=tuple(r.steps),
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
    r.key["account"] = account or brand.account if p.delivery is Delivery.DIRECT else None
    if p.delivery is Delivery.DIRECT and r.key["account"] is not None:
        r.steps.append(Msg("offer.step.account", rule=Msg(f"offer.acct.{r.key['account']}")))
    _leftover(r, brand)
    key = OfferKey(**r.key, default_account=brand.account)
    return Found(sku=p.sku, key=key, sure=not r.doubts, steps=tuple(r.steps), reasons=tuple(r.doubts),
                 product_id=key_id(key))


def _brand(r: _Reading) -> W.Brand | None:
    named = {BY_ALIAS[m].code: BY_ALIAS[m] for m in _ALIASES.findall(r.name)}
    filed = {}
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
        r.vocab.extend(brand.aliases)
        r.steps.append(Msg("offer.step.brand", brand=Plain(brand.zh, brand.en), source=Msg(f"offer.src.{source}")))
    return brand


def _delivery(r: _Reading) -> None:
    code = _DELIVERY_CODE[r.p.delivery]
    said = {("KM" if w in W.CARD_WORDS else "ZC") for w in (*W.CARD_WORDS, *W.DIRECT_WORDS) if w in r.name}
    r.vocab.extend((*W.CARD_WORDS, *W.DIRECT_WORDS))
    if said and said != {code}:
        r.doubt("delivery", field=r.p.delivery.label)
    r.key["delivery"] = code
    r.steps.append(Msg("offer.step.delivery", delivery=r.p.delivery.label))


def _carrier_region(r: _Reading) -> None:
    found = {code for w, code in W.CARRIERS if w in r.name}
    for part in r.cat + [r.attrs.get(W.ATTR_CARRIER, "")]:
        found |= {code for w, code in W.CARRIERS if w in part}
    r.vocab.extend(w for w, _ in W.CARRIERS)
    if len(found) != 1:
        r.doubt("carrier" if not found else "carriers")
    else:
        code = found.pop()
        r.key["carrier"] = code
        r.steps.append(Msg("offer.step.carrier", carrier=Plain(*W.CARRIER_NAMES[code])))
    provinces = [(code, zh, en) for zh, code, en in W.PROVINCES if zh in r.name]
    r.vocab.extend(zh for zh, _, _ in W.PROVINCES)
    if len(provinces) > 1 or (provinces and W.NATIONAL in r.name):
        r.doubt("region")
    elif provinces:
        code, zh, en = provinces[0]
        r.key["province"] = code
        r.steps.append(Msg("offer.step.province", province=Plain(zh, en)))
    elif W.PROVINCE_ONLY in r.name:
        r.doubt("province")
    else:
        r.steps.append(Msg("offer.step.national"))


def _amount(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def _face(r: _Reading, brand: W.Brand) -> None:
    text = _HOURS.sub(" ", r.name)
    for alias in sorted(brand.aliases, key=len, reverse=True):   # 剑网3 + 15元 is not 315元
        text = text.replace(alias, " ")
    for word, _ in W.PERIODS:
        text = text.replace(word, " ")
    faces: dict[str, Localized] = {}
    for m in _YUAN.finditer(text):
        value = _amount(m.group(1))
        if value is not None:
            faces[_face_text(value)] = Msg("offer.step.face", face=_face_text(value))
    for unit, rate in brand.unit:
        for m in re.finditer(r"(\d+)" + re.escape(unit), text):
            value = Decimal(m.group(1)) / rate
            faces[_face_text(value)] = Msg("offer.step.face_units", amount=m.group(1), unit=unit, rate=str(rate),
                                           face=_face_text(value))
    foreign = next((cur for w, cur in W.FOREIGN if w in text), None)
    r.vocab.extend(w for w, _ in W.FOREIGN)
    dollars = _DOLLAR.findall(text)
    if foreign or dollars:                 # a foreign card: its face is in its own currency
        cur = foreign or "USD"
        faces = {f"{cur}{_face_text(Decimal(d))}": Plain(f"{cur} {d}") for d in dollars}
    if r.p.face_value is not None and not foreign:
        field = _face_text(r.p.face_value)
        if faces and field not in faces:
            r.doubt("face_field", name="/".join(sorted(faces)), field=field)
            return
        faces.setdefault(field, Msg("offer.step.face_field", face=field))
    if len(faces) > 1:
        r.doubt("faces", faces="/".join(sorted(faces)))
    elif not faces:
        r.doubt("no_face")
    elif faces:
        face, step = next(iter(faces.items()))
        r.key["face"] = face
        r.steps.append(step)


def _face_text(value: Decimal) -> str:
    return format(value.normalize(), "f")


def _period(r: _Reading) -> None:
    said = []
    rest = r.name
    for word, code in W.PERIODS:
        if word in rest:
            said.append(code)
            rest = rest.replace(word, " ")
    r.vocab.extend(w for w, _ in W.PERIODS)
    attr = W.PERIOD_ATTR.get(r.attrs.get(W.ATTR_PERIOD, ""))
    codes = set(said) | ({attr} if attr else set())
    if len(set(said)) > 1:
        r.doubt("periods")
    elif attr and said and attr != said[0]:
        r.doubt("period_attr", name=Plain(*W.PERIOD_NAMES[said[0]]), attr=Plain(*W.PERIOD_NAMES[attr]))
    elif not codes:
        r.doubt("no_period")
    else:
        code = codes.pop()
        r.key["period"] = code
        r.steps.append(Msg("offer.step.period", period=Plain(*W.PERIOD_NAMES[code])))


def _level(r: _Reading, brand: W.Brand) -> None:
    r.vocab.extend(w for w, _ in brand.levels)
    code = next((c for w, c in brand.levels if w in r.name), None)
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
    r.steps.append(Msg("offer.step.level", level=Plain(*W.LEVEL_NAMES[code]), source=Msg(f"offer.src.{source}")))


def _zone_speed(r: _Reading, brand: W.Brand) -> None:
    zones = [(code, zh, en) for w, code, zh, en in W.ZONES if w in r.name]
    r.vocab.extend(w for w, *_ in W.ZONES)
    if brand.kind == "game" and zones:
        code, zh, en = zones[0]
        r.key["zone"] = code
        r.steps.append(Msg("offer.step.zone", zone=Plain(zh, en)))
    slow = any(w in r.name for w in W.SLOW_WORDS) or bool(_HOURS.search(r.name))
    fast = any(w in r.name for w in W.FAST_WORDS)
    r.vocab.extend((*W.SLOW_WORDS, *W.FAST_WORDS))
    if slow and fast:
        r.doubt("speeds")
    r.key["speed"] = "MC" if slow else None
    if brand.kind == "hf" or slow:
        r.steps.append(Msg("offer.step.slow" if slow else "offer.step.fast"))


def _leftover(r: _Reading, brand: W.Brand) -> None:
    text = _HOURS.sub(" ", r.name)
    for unit, _ in brand.unit:
        text = re.sub(r"\d+" + re.escape(unit), " ", text)
    for word in sorted(set(r.vocab), key=len, reverse=True):
        text = text.replace(word, " ")
    left = " ".join(w for w in _LEFT.split(text) if w)
    if left:
        r.doubt("words", words=left[:20])
