"""Account rules: is this phone number, QQ, game id or address good enough to order?

Input is NFKC-normalized first (fullwidth １３８ is 138). A phone number's carrier,
from its prefix, is only a hint: numbers move between carriers (携号转网), so a
mismatch with the product's 运营商 warns and never blocks.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import ClassVar, Mapping, Sequence

from kameng_tui.domain.field_names import field_label, field_named
from kameng_tui.domain.models import AccountField, Product, Rule
from kameng_tui.messages import HasMsg, Joined, Localized, Msg, Plain, text


@dataclass(frozen=True)
class FieldError(HasMsg):
    field: str
    msg: Msg


@dataclass(frozen=True)
class CarrierMismatch:
    """A phone number whose prefix belongs to another major carrier than the product's
    运营商. A warning, never a refusal: numbers move between carriers (携号转网), so the
    faces ask once more and the CLI prints it."""

    field: str
    number: str
    carrier: str          # the prefix's carrier, named as the catalogs' 运营商 attribute names it
    wanted: str           # the product's 运营商
    code: ClassVar[str] = "carrier_mismatch"

    @property
    def msg(self) -> Msg:
        return Msg("warn.account.ported", value=self.number, carrier=carrier_label(self.carrier),
                   wanted=carrier_label(self.wanted))

    @property
    def short(self) -> Msg:
        """A few words for a grid cell or a button: 号段属联通."""
        return Msg("warn.account.ported_short", carrier=carrier_label(self.carrier))


@dataclass(frozen=True)
class AccountCheck:
    values: Mapping[str, str] = field(default_factory=dict)
    errors: tuple[FieldError, ...] = ()
    warnings: tuple[FieldError, ...] = ()
    hints: tuple[str, ...] = ()
    mismatches: tuple[CarrierMismatch, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


CARRIER_PREFIXES = {
    "移动": ("134", "135", "136", "137", "138", "139", "147", "148", "150", "151", "152", "157", "158", "159", "172",
             "178", "182", "183", "184", "187", "188", "195", "197", "198"),
    "联通": ("130", "131", "132", "145", "146", "155", "156", "166", "167", "171", "175", "176", "185", "186", "196"),
    "电信": ("133", "149", "153", "173", "174", "177", "180", "181", "189", "190", "191", "193", "199"),
    "广电": ("192",),
    "虚拟运营商": ("162", "165", "167", "170"),
}
# Carriers are named as the catalogs' 运营商 attribute writes them (matched against it);
# people read them through the catalog's carrier.* labels.
CARRIER_KEYS = {"移动": "carrier.mobile", "联通": "carrier.unicom", "电信": "carrier.telecom",
                "广电": "carrier.broadnet", "虚拟运营商": "carrier.mvno"}
MAJOR_CARRIERS = ("移动", "联通", "电信")
_PREFIX = {p: c for c, ps in CARRIER_PREFIXES.items() for p in ps}
MOBILE_RE = re.compile(r"^1[3-9]\d{9}$")
QQ_RE = re.compile(r"^[1-9]\d{4,10}$")
EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$")
GAME_RE = re.compile(r"^[\x21-\x7e\u00a1-\uffff]{4,32}$")


def norm(text: str) -> str:
    return unicodedata.normalize("NFKC", str(text)).strip()


def has_control(text: str) -> bool:
    return any(unicodedata.category(c) in ("Cc", "Cf") for c in text)


def normalize_mobile(text: str) -> str:
    t = re.sub(r"[\s\-()]", "", norm(text))
    if t.startswith("+86"):
        t = t[3:]
    elif t.startswith("86") and len(t) == 13:
        t = t[2:]
    return t


def carrier_of(number: str) -> str | None:
    n = normalize_mobile(number)
    return _PREFIX.get(n[:3]) if MOBILE_RE.match(n) else None


def carrier_label(carrier: str) -> Msg:
    """A carrier (as `carrier_of` names it) for people, in their language."""
    return Msg(CARRIER_KEYS.get(carrier, "carrier.other"), name=carrier)


def carrier_mismatch(product: Product, key: str, number: str) -> CarrierMismatch | None:
    """The mismatch of a valid, normalized mobile number with the product's 运营商, if any.
    Only the three major carriers are told apart by prefix; a virtual operator's number
    (170, 162 ...) may ride on any of them, so it never warns."""
    carrier = carrier_of(number)
    wanted = product.attrs.get("运营商")
    if carrier and wanted and wanted != carrier and carrier in MAJOR_CARRIERS:
        return CarrierMismatch(key, number, carrier, wanted)
    return None


def _label(f: AccountField) -> Localized:
    """A field in a message: its own label (data, often Chinese) for zh readers, our
    English for it for en (its key where we do not know the label)."""
    named = field_label(f)
    return named if named.text("en") != f.label else Plain(f.label, f.key)


def _err(msg_key: str, field: str, /, **params: object) -> FieldError:
    return FieldError(field, Msg(msg_key, **params))


def check_value(f: AccountField, raw: str, values: Mapping[str, str]) -> tuple[str, FieldError | None]:
    """(normalized value, error or None) for one field."""
    label = _label(f)
    value = norm(raw)
    if has_control(value):
        return value, _err("err.account.control_chars", f.key, label=label)
    if f.rule is Rule.MOBILE:
        value = normalize_mobile(value)
        if not value.isdigit():
            return value, _err("err.account.mobile_digits", f.key, label=label, raw=raw)
        if len(value) != 11:
            return value, _err("err.account.mobile_length", f.key, label=label, n=len(value))
        if not MOBILE_RE.match(value):
            return value, _err("err.account.mobile_prefix", f.key, label=label, value=value)
    elif f.rule is Rule.QQ:
        if not value.isdigit():
            return value, _err("err.account.qq_digits", f.key, raw=raw)
        if value.startswith("0"):
            return value, _err("err.account.qq_zero", f.key)
        if not QQ_RE.match(value):
            return value, _err("err.account.qq_length", f.key, n=len(value))
    elif f.rule is Rule.GAME:
        if not GAME_RE.match(value):
            return value, _err("err.account.game_id", f.key, label=label)
    elif f.rule is Rule.EMAIL:
        if not EMAIL_RE.match(value):
            return value, _err("err.account.email", f.key, raw=raw)
    elif f.rule is Rule.CHOICE:
        options = choice_options(f, values)
        if value not in options:
            return value, _err("err.account.choice", f.key, label=label,
                               options=Joined(options, "sep.enum"))
    elif f.rule is Rule.ADDRESS:
        return parse_address(f, value)
    else:
        if not 1 <= len(value) <= 64:
            return value, _err("err.account.text_length", f.key, label=label)
    return value, None


def choice_options(f: AccountField, values: Mapping[str, str]) -> tuple[str, ...]:
    """A choice field's options, given the fields chosen so far (服务器 depends on 大区)."""
    if f.depends_on and f.option_tree:
        return tuple(f.option_tree.get(values.get(f.depends_on, ""), f.options))
    return tuple(f.options)


def first_unchosen(fields: Sequence[AccountField], values: Mapping[str, str]) -> AccountField | None:
    """The first choice field without a valid choice in `values`, in schema order."""
    for f in fields:
        if f.rule is Rule.CHOICE and norm(values.get(f.key, "")) not in choice_options(f, values):
            return f
    return None


def parse_address(f: AccountField, value: str) -> tuple[str, FieldError | None]:
    """`收件人,电话,地址` (also ，；; | as separators) -> one canonical string."""
    parts = [p.strip() for p in re.split(r"[,，;；|]", value, maxsplit=2)]
    if len(parts) != 3 or not all(parts):
        return value, _err("err.account.address_format", f.key)
    name, phone, addr = parts
    phone = normalize_mobile(phone)
    if not MOBILE_RE.match(phone):
        return value, _err("err.account.address_phone", f.key, phone=parts[1])
    if len(addr) < 5:
        return value, _err("err.account.address_short", f.key)
    return f"{name},{phone},{addr}", None


def validate_account(product: Product, fields: Mapping[str, str]) -> AccountCheck:
    known = {f.key for f in product.account_fields} or {"account"}
    schema = product.account_fields or (AccountField("account", text("account.default_label"), Rule.TEXT),)
    errors: list[FieldError] = []
    warnings: list[FieldError] = []
    mismatches: list[CarrierMismatch] = []
    hints: list[str] = []
    values: dict[str, str] = {}
    unknown = sorted(k for k, v in fields.items() if k not in known and str(v).strip())
    for k in unknown:
        errors.append(_err("err.account.unknown_field", k, key=k, known=Joined(sorted(known), "sep.enum")))
    for f in schema:
        raw = fields.get(f.key)
        if raw is None or not str(raw).strip():
            if f.required:
                errors.append(_err("err.account.missing", f.key, label=field_named(f)))
            continue
        value, err = check_value(f, str(raw), values)
        if err:
            errors.append(err)
            continue
        values[f.key] = value
        if f.rule is Rule.MOBILE:
            carrier = carrier_of(value)
            if carrier:
                hints.append(carrier)
            mismatch = carrier_mismatch(product, f.key, value)
            if mismatch is not None:
                mismatches.append(mismatch)
                warnings.append(FieldError(f.key, mismatch.msg))
    return AccountCheck(values=values, errors=tuple(errors), warnings=tuple(warnings), hints=tuple(hints),
                        mismatches=tuple(mismatches))


def validate_quantity(product: Product, qty: object) -> FieldError | None:
    if isinstance(qty, bool) or not isinstance(qty, int):
        return _err("err.quantity.not_int", "quantity", qty=repr(qty))
    if qty <= 0:
        return _err("err.quantity.not_positive", "quantity")
    if not product.min_qty <= qty <= product.max_qty:
        return _err("err.quantity.range", "quantity", lo=product.min_qty, hi=product.max_qty)
    return None
