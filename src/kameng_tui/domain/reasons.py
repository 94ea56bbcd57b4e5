"""Why an order is where it is, as data: a code, a message key and its parameters, plus
the supplier's own words where it gave some.

A reason goes into a hash-chained event, which can never be rewritten; prose written
there (as events before issue 16 hold: "out_of_stock: 库存不足") stays in the
language it was written in. Data renders in the reader's language, today and after a
catalog change: the key is frozen once written (tests/test_event_keys.py lists every
key an event may hold; a renamed key keeps an alias in messages/aliases.py).

    {"code": "out_of_stock", "key": "reason.out_of_stock", "params": {"supplier": "demo"},
     "supplier_text": "库存不足"}

The `orders` projection keeps the reason column as the canonical JSON text of that
object (what SQLite's json_extract gives for it, so `ledger verify` rebuilds it);
`reason_msg` reads either form back.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Mapping

from kameng_tui.domain.untrusted import REASON_MAX, clean_text
from kameng_tui.messages import Localized, Msg, Plain

Param = str | int
Value = Param | Mapping[str, object]
"""A parameter as stored: a string or an integer, or a nested message
({"key", "params"}) or a value that differs by language ({"zh", "en"}: a field's own
label and its key), as the adapter's message had it."""

ENGINE_CODES = ("adapter_error", "no_reply", "cancelled_before_send", "cancelled_waiting", "supplier_not_ready",
                "supplier_failed", "charged_not_stated", "not_found_at_supplier", "cancelled")
"""Reasons the services write themselves (services/engine.py, reconcile.py, pending.py)."""
SUPPLIER_CODES = ("supplier_error", "insufficient_balance", "out_of_stock", "off_shelf", "bad_account",
                  "price_changed", "duplicate_order_no", "rate_limited", "auth_failed", "clock_skew", "outcome_unknown",
                  "supplier_unavailable")
"""The shared supplier error set (domain/errors.py): a refusal's code. A code outside it
(a third-party adapter's own subclass) is kept as the code, shown as `reason.supplier_error`."""
KEYS = tuple(f"reason.{c}" for c in ENGINE_CODES + SUPPLIER_CODES)
"""Every key a new reason event may hold."""
FIELDS = frozenset({"code", "key", "params", "supplier_text"})


@dataclass(frozen=True)
class Reason:
    """A reason as it is written into an order's state event."""

    code: str
    params: Mapping[str, Value] = field(default_factory=dict)
    supplier_text: str | None = None

    @classmethod
    def of_refusal(cls, code: str, supplier: str, msg: Localized, supplier_text: str | None) -> Reason:
        """A supplier's refusal: `reason.<code>`, with the adapter's own message as the
        `detail` parameter when it is a catalog message (the key id and what to run, the
        clock offset: its keys are frozen too)."""
        params: dict[str, Value] = {"supplier": supplier}
        if f"reason.{code}" not in KEYS:
            params["code"] = code
        if isinstance(msg, Msg):
            params["detail"] = _value(msg)
        return cls(code, params, supplier_text)

    @property
    def key(self) -> str:
        key = f"reason.{self.code}"
        return key if key in KEYS else "reason.supplier_error"

    def body(self) -> dict[str, object]:
        """The event's `reason` value: plain JSON (strings and integers only, so the
        projection's text is the same whether Python or SQLite writes it); every string
        cleaned as supplier text (an adapter may not have)."""
        text = clean_text(self.supplier_text or "", REASON_MAX) or None
        return {"code": self.code, "key": self.key, "params": {str(k): _clean(v) for k, v in self.params.items()},
                "supplier_text": text}


def _value(v: object) -> Value:
    """A message parameter as plain JSON data."""
    if isinstance(v, Msg):
        return {"key": v.key, "params": {str(k): _value(p) for k, p in v.params.items()}}
    if isinstance(v, Plain):
        return {"zh": v.zh, "en": v.en}
    if isinstance(v, (str, int)) and not isinstance(v, bool):
        return v
    if isinstance(v, Localized):
        return {"zh": v.text("zh"), "en": v.text("en")}
    return str(v)


def _clean(v: object) -> object:
    if isinstance(v, str):
        return clean_text(v, REASON_MAX)
    if isinstance(v, Mapping):
        return {str(k): _clean(p) for k, p in v.items()}
    return v


def _param(v: object) -> object:
    """A stored parameter back as what the message renders."""
    if isinstance(v, dict) and isinstance(v.get("key"), str) and isinstance(v.get("params"), dict):
        return Msg(v["key"], **{str(k): _param(p) for k, p in v["params"].items()})
    if isinstance(v, dict) and set(v) == {"zh", "en"}:
        return Plain(str(v["zh"]), str(v["en"]))
    return v


def column_text(value: object) -> object:
    """The `orders.reason` column for an event's `reason` value: a data reason as its
    canonical JSON text, prose (older events) as it is."""
    if isinstance(value, Mapping):
        return json.dumps(value, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return value


def stored(text: str | None) -> Mapping[str, object] | None:
    """The data reason in an `orders.reason` column, None for prose or nothing."""
    if not text or not text.startswith("{"):
        return None
    try:
        value = json.loads(text)
    except ValueError:
        return None
    if not isinstance(value, dict) or set(value) != FIELDS or not isinstance(value["key"], str) \
            or not isinstance(value["code"], str) or not isinstance(value["params"], dict):
        return None
    return value


def reason_msg(text: str | None) -> Localized | None:
    """What a face shows for an order's reason: data rendered in the reader's language
    (with the supplier's words after it), prose as it was written, None for none."""
    if not text:
        return None
    data = stored(text)
    if data is None:
        return Plain(text)
    raw = data["params"]
    params = {str(k): _param(v) for k, v in raw.items()} if isinstance(raw, dict) else {}
    msg: Localized = Msg(str(data["key"]), **params)
    detail = params.get("detail")
    if isinstance(detail, Msg):
        msg = Msg("reason.with_detail", reason=msg, detail=detail)
    said = data.get("supplier_text")
    if isinstance(said, str) and said and not (isinstance(detail, Msg) and "said" in detail.params):
        return Msg("reason.with_supplier_text", reason=msg, said=said)   # unless the detail quotes it already
    return msg


def reason_text(text: str | None, lang: str) -> str | None:
    """`reason_msg` rendered in `lang` (None for no reason)."""
    msg = reason_msg(text)
    return None if msg is None else msg.text(lang)


def reason_code(text: str | None) -> str | None:
    """The stable code of a data reason (`--json`'s `reason_code`); None for prose or none."""
    data = stored(text)
    return None if data is None else str(data["code"])


__all__ = ["ENGINE_CODES", "KEYS", "Reason", "SUPPLIER_CODES", "column_text", "reason_code", "reason_msg", "reason_text",
           "stored"]
