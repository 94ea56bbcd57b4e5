"""Printing for people (Rich) and for scripts (one JSON document on stdout).

JSON envelope: `{"version": 1, ...}`; lists `{"version": 1, "items": [...], "total": N}`;
errors `{"version": 1, "error": {"code", "message", "field", "line"}}`. Amounts are
yuan strings. Fields are listed in docs/cli-json.md and checked by a JSON Schema.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any, Callable, Iterable
from zoneinfo import ZoneInfo

from kameng_tui.domain.errors import KamengError
from kameng_tui.domain.models import Order
from kameng_tui.domain.money import fmt
from kameng_tui.domain.reasons import reason_code, reason_text
from kameng_tui.domain.states import OrderState
from kameng_tui.messages import DEFAULT_LANG, Localized, render, text

VERSION = 1
YES = ("y", "yes", "是")   # answers to a [y/N] prompt: what people type, not words we show


def iso(dt: datetime | None) -> str | None:
    """UTC, second precision, `Z` suffix: 2026-11-25T04:05:06Z."""
    if dt is None:
        return None
    return dt.astimezone(ZoneInfo("UTC")).isoformat(timespec="seconds").replace("+00:00", "Z")


def local(dt: datetime | None, zone: str) -> str:
    """Business-zone time for people: 11-25 12:05:06."""
    if dt is None:
        return ""
    return dt.astimezone(ZoneInfo(zone)).strftime("%m-%d %H:%M:%S")


def amount(value: Decimal | None) -> str | None:
    return None if value is None else fmt(value)


def order_json(o: Order, lang: str = DEFAULT_LANG) -> dict[str, Any]:
    return {
        "order_no": o.order_no,
        "state": o.state.value,
        "sku": o.sku,
        "supplier": o.supplier,
        "product_id": o.product_id,
        "product_name": o.product_name,
        "category": o.category,
        "delivery": o.delivery.value,
        "quantity": o.quantity,
        "account": dict(o.account),
        "unit_cost": amount(o.unit_cost),
        "total_cost": amount(o.total_cost),
        "unit_price": amount(o.unit_price),
        "total_price": amount(o.total_price),
        "charged": amount(o.charged),
        "refunded": amount(o.refunded),
        "customer_refunded": amount(o.customer_refunded),
        "revenue": amount(o.revenue),
        "profit": amount(o.profit),
        "ref": o.ref,
        "customer": o.customer,
        "note": o.note,
        "batch_id": o.batch_id,
        "line_id": o.line_id,
        "attempt_of": o.attempt_of,
        "supplier_order_no": o.supplier_order_no,
        "reason": reason_text(o.reason, lang),
        "reason_code": reason_code(o.reason),
        "delivered_qty": o.delivered_qty,
        "created_at": iso(o.created_at),
        "updated_at": iso(o.updated_at),
        "submitted_at": iso(o.submitted_at),
        "settled_at": iso(o.settled_at),
    }


def exit_code_for(state: OrderState) -> int:
    """0 done; 1 failed definitively (safe to re-order); 3 not settled (reconcile)."""
    if state in (OrderState.SUCCEEDED, OrderState.REFUNDED):
        return 0
    if state in (OrderState.FAILED, OrderState.CANCELLED):
        return 1
    return 3


@dataclass
class Out:
    """Where a command writes: JSON mode prints exactly one document on stdout."""

    json_mode: bool = False
    lang: str = "zh"

    def console(self):  # rich is imported only by commands that print for people
        from rich.console import Console

        return Console(highlight=False)

    def err_console(self):
        from rich.console import Console

        return Console(stderr=True, highlight=False)

    def doc(self, **fields: Any) -> None:
        print(json.dumps({"version": VERSION, **fields}, ensure_ascii=False, default=_default))

    def items(self, items: Iterable[Any], total: int | None = None, **extra: Any) -> None:
        items = list(items)
        self.doc(items=items, total=len(items) if total is None else total, **extra)

    def error(self, exc: KamengError, extra: dict | None = None, message: Localized | None = None) -> None:
        """The error envelope; `message` replaces the error's own (it names the orders a
        failure left behind) without touching the typed error itself."""
        msg = exc.msg if message is None else message
        if self.json_mode:
            body: dict[str, object] = {"code": exc.code, "message": self.show(msg), "field": exc.field, "line": exc.line}
            body.update(exc.details())
            if extra:
                body.update(extra)
            self.doc(error=body)
        else:
            from rich.markup import escape   # a message's `[offers] exclude` is words, not a style

            where = self.t("cli.error.line", line=exc.line) if exc.line else ""
            self.err_console().print(self.t("cli.error", where=where, message=escape(self.show(msg))))

    def done(self, message: Localized, **doc: Any) -> int:
        """A command's one-line result: the JSON document, or the sentence for people."""
        if self.json_mode:
            self.doc(**doc)
        else:
            self.console().print(self.show(message))
        return 0

    def t(self, key: str, /, **params: Any) -> str:
        """The catalog's `key` in this command's language (kameng_tui.messages)."""
        return text(key, self.lang, **params)

    def show(self, message: Localized | str) -> str:
        """A message made elsewhere (an error, a warning, a reason) in this command's language."""
        return render(message, self.lang)


def helps(lang: str) -> Callable[..., str]:
    """`h("help.order")` for argparse: help texts are rendered when the parser is built,
    in the language `--lang` or the config asks for."""
    return lambda key, /, **params: text(key, lang, **params)


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return fmt(value)
    if isinstance(value, datetime):
        return iso(value)
    if hasattr(value, "value"):
        return value.value
    raise TypeError(f"not JSON serializable: {type(value).__name__}")


def is_tty() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False
