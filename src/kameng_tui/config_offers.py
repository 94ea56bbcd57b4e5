"""`[offers]` in config.toml (issue 18): how a product's offers are chosen.

    [offers]
    rank = "cost"                 # the only rank so far
    exclude = ["slowshop"]        # suppliers never chosen by the policy

    [offers.pin]                  # product id = the one supplier it is ordered from
    "@WZRY-60-ZC" = "fulu"

Read beside config.py (which calls `parse_offers` and names the file in the error).
Every name must be a configured supplier (the embedded demo while none is), something
must be left once the exclusions are made, and a pin may not name an excluded supplier:
a config that could only refuse every order, or that names a typo, is refused with the
line that says so. No environment override: a list and a table do not fit in one.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Sequence

from kameng_tui.domain.offer_values import RANKS, OffersPolicy, shown_id
from kameng_tui.messages import Msg

KEYS = ("rank", "exclude", "pin")
Fail = Callable[..., "OffersConfigError"]
PRODUCT_ID = re.compile(r"^@?[A-Z0-9][A-Z0-9-]{0,127}$")
"""A product id as the matching spells it (`@WZRY-60-ZC`, `catalog --by-product`):
capitals, digits and -, the @ optional (`WZRY-60-ZC`, as `catalog --json` prints it)."""


class OffersConfigError(ValueError):
    """What is wrong, the key it is under and its line; config.py adds the file."""

    def __init__(self, msg: Msg, key: str | None, line: int | None) -> None:
        super().__init__(msg.text("en"))
        self.msg = msg
        self.key = key
        self.line = line


def parse_offers(text: str, raw: Any, suppliers: Sequence[tuple[str, bool]]) -> OffersPolicy:
    """The policy in `raw` (the `[offers]` table of `text`); `suppliers`: (name, enabled)
    of every configured supplier, empty when only the implicit demo is."""
    names = [n for n, _ in suppliers] or ["demo"]
    enabled = [n for n, on in suppliers if on] if suppliers else ["demo"]

    def fail(key: str | None, msg: Msg, line: int | None = None) -> OffersConfigError:
        return OffersConfigError(msg, key, line or (_line(text, "offers", key) if key else None) or _header(text))

    if not isinstance(raw, dict):
        raise fail("offers", Msg("err.config.not_a_table", name="offers"))
    for key in raw:
        if key not in KEYS:
            raise fail(key, Msg("err.config.unknown_key", section="offers", key=key, known=", ".join(KEYS)))
    rank = raw.get("rank", "cost")
    if rank not in RANKS:
        raise fail("rank", Msg("err.config.offers.rank", ranks=", ".join(RANKS), value=repr(rank)))
    exclude = raw.get("exclude", [])
    if not isinstance(exclude, list) or not all(isinstance(n, str) for n in exclude):
        raise fail("exclude", Msg("err.config.offers.exclude"))
    for name in exclude:
        if name not in names:
            raise fail("exclude", _unknown("[offers] exclude", name, names), _value_line(text, "offers", "exclude", name))
    if enabled and set(enabled) <= set(exclude):
        raise fail("exclude", Msg("err.config.offers.all_excluded"))
    pins = _pins(text, raw.get("pin", {}), names, set(exclude), fail)
    return OffersPolicy(rank=str(rank), exclude=frozenset(exclude), pins=pins)


def _pins(text: str, raw: Any, names: Sequence[str], exclude: set[str], fail: Fail) -> dict[str, str]:
    if not isinstance(raw, dict):
        raise fail("pin", Msg("err.config.offers.pin_table"))
    out: dict[str, str] = {}
    for product, name in raw.items():
        line = _line(text, "offers.pin", product) or _line(text, "offers", "pin")
        if not PRODUCT_ID.match(product):
            raise fail("pin", Msg("err.config.offers.product_id", product=repr(product)), line)
        if not isinstance(name, str):
            raise fail("pin", Msg("err.config.offers.pin_value", product=product), line)
        if name not in names:
            raise fail("pin", _unknown(f"[offers.pin] \"{product}\"", name, names), line)
        if name in exclude:
            raise fail("pin", Msg("err.config.offers.pin_excluded", product=product, name=name), line)
        out[product] = name
    return out


def _unknown(where: str, name: str, names: Sequence[str]) -> Msg:
    return Msg("err.config.offers.unknown_supplier", where=where, name=repr(name), known=", ".join(names))


HEADER = re.compile(r"^\[\[?\s*([^\]]+?)\s*\]\]?")


def _line(text: str, section: str, key: str) -> int | None:
    """The line of `key` (bare or quoted) in `[section]`."""
    k = re.escape(key)
    pattern = re.compile(rf"^(?:{k}|\"{k}\"|'{k}')\s*=")
    current = None
    for i, line in enumerate(text.splitlines(), start=1):
        s = line.strip()
        m = HEADER.match(s)
        if m:
            current = m.group(1).replace(" ", "")
        elif current == section and pattern.match(s):
            return i
    return None


def _value_line(text: str, section: str, key: str, value: str) -> int | None:
    """The line of `value` (quoted) in the array `key` of `[section]`, which may span lines."""
    start = _line(text, section, key)
    if start is None:
        return None
    lines = text.splitlines()
    for i in range(start - 1, len(lines)):
        body = lines[i].split("#")[0]
        if f'"{value}"' in body or f"'{value}'" in body:
            return i + 1
        if "]" in body:
            break
    return start


def _header(text: str) -> int | None:
    for i, line in enumerate(text.splitlines(), start=1):
        m = HEADER.match(line.strip())
        if m and m.group(1).replace(" ", "") in ("offers", "offers.pin"):
            return i
    return None


def offers_as_dict(policy: OffersPolicy) -> dict[str, object]:
    """For `config show`: TOML-serializable, as written."""
    return {"rank": policy.rank, "exclude": sorted(policy.exclude),
            "pin": {shown_id(k): v for k, v in policy.pins.items()}}
