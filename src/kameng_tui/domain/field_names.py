"""Names of the catalog's attributes and account fields, for a reader in either language.

A supplier writes its attributes (运营商, 面值 ...) and its account fields' labels
(手机号, 大区 ...) in its own words, usually Chinese. A zh reader sees them as the
supplier wrote them; an en reader sees our English name where we know the word, and
the supplier's own word where we do not (one language at a time, issue 15). The
attribute names stay the keys of facets, filters and `catalog facets --json`.
"""

from __future__ import annotations

from kameng_tui.domain.models import AccountField, Rule
from kameng_tui.messages import Localized, Plain, template

CARRIER_ATTRIBUTE = "运营商"       # its values (移动, 联通 ...) read as carriers in en (carrier.*)
# Attribute names as the demo and Fulu catalogs write them (matched) -> catalog key.
ATTRIBUTES = {"周期": "attr.period", "等级": "attr.level", "运营商": "attr.carrier", "面值": "attr.face_value",
              "机型": "attr.model", "颜色": "attr.colour", "材质": "attr.material", "口味": "attr.flavour",
              "品牌": "attr.brand", "图案": "attr.pattern", "平台": "attr.platform", "授权": "attr.license",
              "款式": "attr.style", "规格": "attr.size"}
# Account field labels as the catalogs write them (matched) -> catalog key; else by the field's rule.
FIELD_LABELS = {"手机号": "field.mobile", "QQ号": "field.qq", "游戏账号": "field.game_account",
                "充值账号": "field.account", "大区": "field.region", "区": "field.region", "服务器": "field.server",
                "服": "field.server", "充值类型": "field.charge_type", "收货地址（收件人,电话,地址）": "field.address"}
FIELD_RULES = {Rule.MOBILE: "field.mobile", Rule.QQ: "field.qq", Rule.EMAIL: "field.email",
               Rule.ADDRESS: "field.address"}


class Named(Localized):
    """The supplier's word in zh; in en our English for it, found under `key` (None: the
    supplier's word in both)."""

    __slots__ = ("word", "key")

    def __init__(self, word: str, key: str | None) -> None:
        self.word = word
        self.key = key

    def text(self, lang: str = "zh") -> str:
        if lang == "en" and self.key is not None:
            return template(self.key, "en") or self.word
        return self.word

    def __repr__(self) -> str:
        return f"Named({self.word!r}, {self.key!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Named) and (other.word, other.key) == (self.word, self.key)

    def __hash__(self) -> int:
        return hash((self.word, self.key))


class KeyNamed(Localized):
    """A field in an error about several fields: its label in zh; `key (Label)` in en,
    or just the key where the English label is the key itself (UID stays UID)."""

    __slots__ = ("key", "label")

    def __init__(self, key: str, label: Localized) -> None:
        self.key = key
        self.label = label

    def text(self, lang: str = "zh") -> str:
        label = self.label.text(lang)
        if lang != "en":
            return label
        return self.key if label.lower() == self.key.lower() else f"{self.key} ({label})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, KeyNamed) and (other.key, other.label) == (self.key, self.label)

    def __hash__(self) -> int:
        return hash((self.key, self.label))


def attribute_label(name: str) -> Localized:
    """A catalog attribute's name for people: ours in en where we know it."""
    key = ATTRIBUTES.get(name)
    return Named(name, key) if key else Plain(name)


def field_label(f: AccountField) -> Localized:
    """An account field's label for people: the supplier's in zh, ours in en where we know
    the label or the field's rule, else the supplier's."""
    return Named(f.label, FIELD_LABELS.get(f.label) or FIELD_RULES.get(f.rule))


def field_named(f: AccountField) -> Localized:
    """An account field named in a message about input: `region (Region)` in en."""
    return KeyNamed(f.key, field_label(f))
