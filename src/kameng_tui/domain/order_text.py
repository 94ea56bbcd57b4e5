"""The reseller's own words on an order: `ref` (their shop's order number), `customer`
and `note`. Each is at most a few printable characters: no control character (Cc) and
no format character (Cf: a zero-width space, a right-to-left override), which would
hide or reorder what a line shows. The CLI, batch columns, the TUI and the checkout
service all ask this one place."""

from __future__ import annotations

import unicodedata

from kameng_tui.messages import Msg

LIMITS: dict[str, int] = {"ref": 64, "customer": 64, "note": 500}


def text_problem(key: str, value: str | None, name: str | None = None) -> Msg | None:
    """Why `value` cannot be the order's `key` (None when it can). `name` is how the
    reader knows the field (`--ref` on the command line), `key` by default."""
    if value is None:
        return None
    shown = name or key
    if any(unicodedata.category(c) in ("Cc", "Cf") for c in value):
        return Msg("err.text.unprintable", name=shown)
    most = LIMITS[key]
    if len(value) > most:
        return Msg("err.text.too_long", name=shown, most=most, n=len(value))
    return None
