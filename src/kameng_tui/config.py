"""`config.toml`: typed sections, defaults, env overrides, clear errors with the line.

Every key is documented in docs/config.md (a test loads docs/config.sample.toml and
checks it equals the defaults). `KAMENG_TUI_<SECTION>_<KEY>` overrides a key.
Secrets never live here: a key that looks like one is refused with the fix.
Writing goes through config_edit.py (tomlkit), so the user's comments survive.
"""

from __future__ import annotations

import math
import os
import re
import tomllib
from dataclasses import asdict, dataclass, field, fields
from decimal import Decimal
from pathlib import Path
from typing import Any, Mapping
from urllib.parse import parse_qsl, urlsplit

from kameng_tui.config_ledger import LedgerConfig, TeamConfig, parse_ledger, parse_team
from kameng_tui.config_offers import OffersConfigError, offers_as_dict, parse_offers
from kameng_tui.domain.errors import BadInput, ConfigError
from kameng_tui.domain.markup import MarkupRule, category_path, parse_markup
from kameng_tui.domain.money import AmountError, parse_amount
from kameng_tui.domain.offer_values import OffersPolicy
from kameng_tui.messages import Msg


@dataclass(frozen=True)
class General:
    timezone: str = "Asia/Shanghai"
    language: str = "zh"


@dataclass(frozen=True)
class Checkout:
    max_price_rise: Decimal = Decimal("0.50")
    repeat_window_s: int = 600
    confirm: bool = True
    default_wait_s: float = 10.0
    default_concurrency: int = 4
    call_deadline_s: float = 30.0
    pending_claim_after_s: int = 600      # a pending order once submitted is a claim after this


@dataclass(frozen=True)
class Pricing:
    markup: Decimal = Decimal("0.03")
    use_face_value: bool = True
    cap_at_face_value: bool = False           # the default never above the face value (a first start writes true)
    rules: tuple[MarkupRule, ...] = ()        # [[pricing.rules]], read by _rules (no env override)


@dataclass(frozen=True)
class Balance:
    low_warning: Decimal = Decimal("10.00")


@dataclass(frozen=True)
class Tags:
    low_stock: int = 20


@dataclass(frozen=True)
class Ui:
    ascii: bool = False
    theme: str = "textual-dark"
    clipboard_clear_s: int = 30


@dataclass(frozen=True)
class Logging:
    level: str = "INFO"


@dataclass(frozen=True)
class SupplierEntry:
    name: str
    kind: str
    enabled: bool = True
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Config:
    general: General = General()
    checkout: Checkout = Checkout()
    pricing: Pricing = Pricing()
    balance: Balance = Balance()
    tags: Tags = Tags()
    ui: Ui = Ui()
    logging: Logging = Logging()
    keymap: Mapping[str, str] = field(default_factory=dict)
    customers: Mapping[str, str] = field(default_factory=dict)   # customer name -> level
    suppliers: tuple[SupplierEntry, ...] = ()
    ledger: LedgerConfig = LedgerConfig()       # [ledger]: config_ledger.py
    offers: OffersPolicy = field(default_factory=OffersPolicy)   # [offers], read by config_offers.py
    team: TeamConfig = TeamConfig()             # [team]: config_ledger.py


SECTIONS = {"general": General, "checkout": Checkout, "pricing": Pricing, "balance": Balance, "tags": Tags,
            "ui": Ui, "logging": Logging}
SECRET_KEY = re.compile(r"(secret|password|passwd|token|private_key|api_key)$", re.I)
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")
SUPPLIER_NAME = re.compile(r"^(?!ledger$)[a-z0-9][a-z0-9_-]{0,31}$")
"""A supplier's name prefixes its SKUs (`name:product-id`) and names its secret; `ledger` is the
team ledger's secret name (config_ledger.SECRET_NAME), never a supplier's."""
BOUNDS: dict[tuple[str, str], tuple[int, int | None]] = {
    ("checkout", "max_price_rise"): (0, 100),          # yuan per unit
    ("checkout", "repeat_window_s"): (0, 86400),
    ("checkout", "call_deadline_s"): (1, 300),
    ("checkout", "default_wait_s"): (0, 3600),
    ("checkout", "default_concurrency"): (1, 32),
    ("ui", "clipboard_clear_s"): (5, 600),
}
"""Inclusive bounds (docs/config.md); any other number must not be negative. A value
outside them is refused with its line, from the file, the environment or the settings
screen alike (config_edit checks what it would write with parse_config)."""
ENV_BOOLS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}
PASSWORD_PARAM = re.compile(r"^(pass|passwd|password|pwd|secret|token|api_key|apikey|access_token)$", re.I)


class _Invalid(ValueError):
    """A value that is not what its key means, with the message that says what it must be."""

    def __init__(self, msg: Msg) -> None:
        super().__init__(msg.text("en"))
        self.msg = msg


def _line_of(text: str, section: str | None, key: str) -> int | None:
    current = None
    for i, line in enumerate(text.splitlines(), start=1):
        s = line.strip()
        m = re.match(r"^\[\[?\s*([^\]]+?)\s*\]\]?", s)
        if m:
            current = m.group(1)
            continue
        if re.match(rf"^{re.escape(key)}\s*=", s) and (section is None or current == section):
            return i
    return None


def _line_in_array(text: str, section: str, index: int, key: str) -> int | None:
    """The line of `key` in the `index`-th (0-based) `[[section]]` table."""
    seen, inside = -1, False
    for i, line in enumerate(text.splitlines(), start=1):
        s = line.strip()
        m = re.match(r"^(\[\[?)\s*([^\]]+?)\s*\]\]?", s)
        if m:
            if m.group(1) == "[[" and m.group(2) == section:
                seen += 1
                inside = seen == index
            else:
                inside = False
            continue
        if inside and re.match(rf"^(\"{re.escape(key)}\"|{re.escape(key)})\s*=", s):
            return i
    return None


def _fail(path: Path, text: str, section: str | None, key: str | None, reason: Msg, *,
          line: int | None = None) -> ConfigError:
    if line is None:
        line = _line_of(text, section, key) if key else None
    where = Msg("config.where_line", path=str(path), line=line) if line else Msg("config.where", path=str(path))
    return ConfigError(Msg("err.config.bad", where=where, reason=reason), field=key, line=line)


def _coerce(kind: Any, value: Any, from_env: bool = False) -> Any:
    """`value` as the type its key means. The file's values are TOML values: a boolean is
    `true`/`false` (never "false", never 0), an integer an integer (never 1.5 or "20"),
    an amount a string ("0.50", never a float). The environment holds only text, so
    there the words are read: true/false/1/0/yes/no, digits, an amount."""
    if kind is Decimal or kind == "Decimal":
        if isinstance(value, (float, bool)) or not isinstance(value, (str, int)):
            raise ValueError("write amounts as strings, e.g. \"0.50\"")
        try:
            return parse_amount(str(value))
        except AmountError as exc:
            raise _Invalid(exc.msg) from None
    if kind in (bool, "bool"):
        if isinstance(value, bool) and not from_env:
            return value
        if from_env and isinstance(value, str) and value.strip().lower() in ENV_BOOLS:
            return ENV_BOOLS[value.strip().lower()]
        raise _Invalid(Msg("err.config.bool", value=repr(value)))
    if kind in (int, "int"):
        if from_env and isinstance(value, str) and re.match(r"^\s*-?[0-9]+\s*$", value):
            return int(value)
        if isinstance(value, bool) or not isinstance(value, int) or from_env:
            raise _Invalid(Msg("err.config.int", value=repr(value)))
        return value
    if kind in (float, "float"):
        if from_env and isinstance(value, str):
            try:
                value = float(value)
            except ValueError:
                raise _Invalid(Msg("err.config.number", value=repr(value))) from None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise _Invalid(Msg("err.config.number", value=repr(value)))
        return float(value)
    if not isinstance(value, str):
        raise ValueError("must be a string")
    return value


def _bounded(section: str, key: str, value: Any) -> Any:
    """`value` if within the key's bounds (BOUNDS; other numbers: not negative)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Decimal)):
        return value
    lo, hi = BOUNDS.get((section, key), (0, None))
    if value < lo or (hi is not None and value > hi):
        if hi is None:
            raise _Invalid(Msg("err.config.negative", value=str(value)))
        raise _Invalid(Msg("err.config.range", lo=lo, hi=hi, value=str(value)))
    return value


def _section(path: Path, text: str, name: str, cls: type, raw: Mapping[str, Any], env: Mapping[str, str]) -> Any:
    values: dict[str, Any] = {}
    known = {f.name: f for f in fields(cls)}
    if cls is Pricing:
        values["rules"] = _rules(path, text, raw.get("rules", []))
        known.pop("rules")
        raw = {k: v for k, v in raw.items() if k != "rules"}
    for key in raw:
        if key not in known:
            raise _fail(path, text, name, key, Msg("err.config.unknown_key", section=name, key=key, known=", ".join(known)))
    for key, f in known.items():
        env_key = f"KAMENG_TUI_{name}_{key}".upper()
        if env_key in env:
            source, value = env_key, env[env_key]
        elif key in raw:
            source, value = None, raw[key]
        else:
            continue
        try:
            values[key] = _bounded(name, key, _coerce(f.type, value, from_env=source is not None))
        except (ValueError, TypeError) as exc:
            error: Msg | str = exc.msg if isinstance(exc, _Invalid) else str(exc)
            if source:
                raise ConfigError(Msg("err.config.env", source=source, error=error), field=key) from None
            raise _fail(path, text, name, key, Msg("err.config.value", section=name, key=key, error=error)) from None
    section = cls(**values)
    if name == "general":
        from zoneinfo import ZoneInfo

        try:
            ZoneInfo(section.timezone)
        except Exception:
            raise _fail(path, text, name, "timezone", Msg("err.config.timezone", zone=repr(section.timezone))) from None
        if section.language not in ("zh", "en"):
            raise _fail(path, text, name, "language", Msg("err.config.language"))
    if name == "logging" and section.level.upper() not in LEVELS:
        raise _fail(path, text, name, "level", Msg("err.config.level", levels="/".join(LEVELS)))
    return section


RULE_KEYS = ("category", "level", "markup", "use_face_value")


def _rules(path: Path, text: str, raw: Any) -> tuple[MarkupRule, ...]:
    if not isinstance(raw, list):
        raise _fail(path, text, "pricing", "rules", Msg("err.config.rules_tables"))
    out: list[MarkupRule] = []
    for i, entry in enumerate(raw, start=1):
        where = f"[[pricing.rules]] #{i}"
        if not isinstance(entry, dict):
            raise _fail(path, text, "pricing", "rules", Msg("err.config.rule_not_table", where=where))
        for key in entry:
            if key not in RULE_KEYS:
                raise _fail(path, text, "pricing.rules", key,
                            Msg("err.config.unknown_key", section=where, key=key, known=", ".join(RULE_KEYS)))
        category, level = entry.get("category", ""), entry.get("level", "")
        if not isinstance(category, str) or not isinstance(level, str):
            raise _fail(path, text, "pricing.rules", "category", Msg("err.config.rule_strings", where=where))
        category = category_path(category)
        if "markup" not in entry:
            raise _fail(path, text, "pricing.rules", None, Msg("err.config.rule_markup", where=where))
        try:
            if isinstance(entry["markup"], (float, bool)) or not isinstance(entry["markup"], (str, int)):
                raise ValueError("write amounts as strings, e.g. \"0.02\"")
            markup = parse_markup(str(entry["markup"]))
            face = _coerce(bool, entry.get("use_face_value", False))
        except BadInput as exc:
            raise _fail(path, text, "pricing.rules", "markup", Msg("err.config.rule_value", where=where, error=exc.msg)) \
                from None
        except ValueError as exc:
            error: Msg | str = exc.msg if isinstance(exc, _Invalid) else str(exc)
            raise _fail(path, text, "pricing.rules", "markup", Msg("err.config.rule_value", where=where, error=error)) \
                from None
        rule = MarkupRule(markup=markup, category=category, level=level.strip(), use_face_value=face)
        if any(r.key == rule.key for r in out):
            raise _fail(path, text, "pricing.rules", "category",
                        Msg("err.config.rule_repeat", where=where, category=category or Msg("word.all"),
                            level=level or Msg("word.all")))
        out.append(rule)
    return tuple(out)


def _customers(path: Path, text: str, raw: Any) -> dict[str, str]:
    if not isinstance(raw, dict) or not all(isinstance(v, str) and v.strip() for v in raw.values()):
        raise _fail(path, text, "customers", None, Msg("err.config.customers"))
    return {str(k).strip(): v.strip() for k, v in raw.items()}


def load_config(path: Path, env: Mapping[str, str] | None = None) -> Config:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(Msg("err.config.unreadable", path=str(path), error=str(exc))) from None
    return parse_config(text, path, env)


def parse_config(text: str, path: Path, env: Mapping[str, str] | None = None) -> Config:
    """The Config held in `text` (the file at `path`, named in messages)."""
    env = os.environ if env is None else env
    path = Path(path)
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        line = int(m.group(1)) if m else None
        lines = text.splitlines()
        hint: Msg | str = ""
        if line and line <= len(lines) and re.match(r"^\s*[^\x00-\x7f\"'\[#][^=]*=", lines[line - 1]):
            hint = Msg("config.hint.quote_key")
        raise ConfigError(Msg("err.config.syntax", path=str(path), line=line, error=str(exc), hint=hint), line=line) from None
    for top in doc:
        if top not in SECTIONS and top not in ("keymap", "customers", "suppliers", "ledger", "offers", "team"):
            raise _fail(path, text, None, None, Msg("err.config.unknown_section", section=top))
    parts: dict[str, Any] = {}
    for name, cls in SECTIONS.items():
        raw = doc.get(name, {})
        if not isinstance(raw, dict):
            raise _fail(path, text, None, name, Msg("err.config.not_a_table", name=name))
        parts[name] = _section(path, text, name, cls, raw, env)
    keymap = doc.get("keymap", {})
    if not isinstance(keymap, dict) or not all(isinstance(v, str) for v in keymap.values()):
        raise _fail(path, text, "keymap", None, Msg("err.config.keymap"))
    suppliers = _suppliers(path, text, doc.get("suppliers", []) or [])
    customers = _customers(path, text, doc.get("customers", {}))
    try:
        ledger = parse_ledger(doc.get("ledger", {}))
    except ConfigError as exc:
        assert isinstance(exc.msg, Msg)          # config_ledger raises with catalog messages only
        raise _fail(path, text, "ledger", exc.field, exc.msg) from None
    try:
        offers = parse_offers(text, doc.get("offers", {}), [(s.name, s.enabled) for s in suppliers])
    except OffersConfigError as exc:
        raise _fail(path, text, "offers", exc.key, exc.msg, line=exc.line) from None
    try:
        team = parse_team(doc.get("team", {}))
    except ConfigError as exc:
        assert isinstance(exc.msg, Msg)
        raise _fail(path, text, "team", exc.field, exc.msg) from None
    return Config(keymap=dict(keymap), customers=customers, suppliers=tuple(suppliers), ledger=ledger, offers=offers,
                  team=team,
                  **parts)


def _suppliers(path: Path, text: str, raw: Any) -> list[SupplierEntry]:
    """[[suppliers]]: a name that can prefix a SKU, once; a boolean `enabled`; no secret,
    and no URL that carries a password (a bare user name is fine)."""
    if not isinstance(raw, list):
        raise _fail(path, text, None, "suppliers", Msg("err.config.not_a_table", name="suppliers"))
    out: list[SupplierEntry] = []
    first_line: dict[str, int | None] = {}
    for i, entry in enumerate(raw):
        def fail(key: str | None, reason: Msg, index: int = i) -> ConfigError:
            return _fail(path, text, "suppliers", key, reason,
                         line=_line_in_array(text, "suppliers", index, key) if key else None)

        if not isinstance(entry, dict) or not entry.get("name") or not entry.get("kind"):
            raise _fail(path, text, "suppliers", "name", Msg("err.config.supplier_entry", n=i + 1))
        for key in entry:
            if SECRET_KEY.search(key):
                raise fail(key, Msg("err.config.secret_in_file", key=key))
        name = entry["name"]
        if not isinstance(name, str) or not SUPPLIER_NAME.match(name):
            raise fail("name", Msg("err.config.supplier_name", name=repr(name)))
        if name in first_line:
            raise fail("name", Msg("err.config.supplier_repeat", name=name, first=first_line[name] or "?"))
        first_line[name] = _line_in_array(text, "suppliers", i, "name")
        if not isinstance(entry["kind"], str):
            raise fail("kind", Msg("err.config.value", section="suppliers", key="kind", error="must be a string"))
        try:
            enabled = _coerce(bool, entry.get("enabled", True))
        except _Invalid as exc:
            raise fail("enabled", Msg("err.config.value", section="suppliers", key="enabled", error=exc.msg)) from None
        options = {k: v for k, v in entry.items() if k not in ("name", "kind", "enabled")}
        for key, value in options.items():
            if isinstance(value, str) and url_has_password(value):
                raise fail(key, Msg("err.config.url_password", key=key))
        out.append(SupplierEntry(name=name, kind=entry["kind"], enabled=enabled, options=options))
    return out


def url_has_password(value: str) -> bool:
    """True for a URL with a password in its userinfo (`https://u:p@host`) or in a
    password-like query parameter (`?password=...`). `https://user@host` is fine."""
    if "://" not in value:
        return False
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return False
    if parts.password is not None:
        return True
    return any(PASSWORD_PARAM.match(k.strip()) for k, _ in parse_qsl(parts.query, keep_blank_values=True))


def config_as_dict(config: Config) -> dict[str, Any]:
    """TOML-serializable (Decimals as strings), for `config show`."""
    out: dict[str, Any] = {}
    for name in SECTIONS:
        section = getattr(config, name)
        out[name] = {f.name: _plain(getattr(section, f.name)) for f in fields(section)}
    out["keymap"] = dict(config.keymap)
    out["customers"] = dict(config.customers)
    out["suppliers"] = [{"name": s.name, "kind": s.kind, "enabled": s.enabled, **dict(s.options)} for s in config.suppliers]
    out["offers"] = offers_as_dict(config.offers)
    return out


def _plain(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, tuple):                  # pricing rules
        return [{k: _plain(v) for k, v in asdict(r).items() if k == "markup" or v} for r in value]
    return value
