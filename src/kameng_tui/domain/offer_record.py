"""The offer choice as an order's creating event holds it (`Choice.record()`: codes and
parameters, issue 18), read back for history: which offer the order used and why, in
the reader's language, from data alone (the catalog may have changed since)."""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from kameng_tui.domain.offer_values import Skip
from kameng_tui.messages import Msg


def _skip(item: Mapping[str, Any]) -> Skip:
    return Skip(str(item.get("code", "")), {str(k): v for k, v in (item.get("params") or {}).items()})


def why_of(record: Mapping[str, Any] | None) -> Msg | None:
    """Why the recorded offer won (`offer.win.<code>`), None for an order of a SKU."""
    if not record or not isinstance(record.get("win"), Mapping):
        return None
    win = record["win"]
    code, params = str(win.get("code", "")), dict(win.get("params") or {})
    if code == "after_skip":
        skipped = next((s for s in record.get("skipped") or () if s.get("sku") == params.get("skipped")), None)
        if skipped is None:
            return None
        return Msg("offer.win.after_skip", **params, reason=_skip(skipped).msg)
    return Msg(f"offer.win.{code}", **params)


def skip_msgs(record: Mapping[str, Any] | None) -> list[Msg]:
    """One line per offer skipped (its SKU and reason; the cost is not recorded per skip)."""
    if not record:
        return []
    return [Msg("offer.recorded_skip", sku=str(s.get("sku", "")), reason=_skip(s).msg)
            for s in record.get("skipped") or () if s.get("code") != "pinned_elsewhere"]


def record_in(events: Iterable[Any]) -> Mapping[str, Any] | None:
    """The choice an order's creating event holds (events with `kind` and `body`); None
    for an order of a SKU as such."""
    for e in events:
        if e.kind == "created":
            offer = e.body.get("offer")
            return offer if isinstance(offer, Mapping) else None
    return None


def pin_of(record: Mapping[str, Any] | None) -> tuple[str, str] | None:
    """The pin an order's choice was made under, as (`sku`, SKU) or (`supplier`, name);
    None when the policy chose freely or no choice was made (a SKU ordered as such).
    A record made before the pin was kept on its own reads it from its win (`pinned`)."""
    if not record:
        return None
    pin = record.get("pin")
    if isinstance(pin, Mapping):
        params = pin.get("params") or {}
        code = str(pin.get("code", ""))
        if code in ("sku", "supplier") and isinstance(params.get(code), str):
            return code, params[code]
    win = record.get("win")
    if isinstance(win, Mapping) and win.get("code") == "pinned":
        said = str((win.get("params") or {}).get("pin", ""))
        return ("sku", said) if ":" in said else ("supplier", said)
    return None


def policy_chose(record: Mapping[str, Any] | None) -> bool:
    """The offer policy chose the order's offer and nothing pinned it (`order @ID`, a
    product row): only such an order may fail over to the next offer (issue 18). The
    one rule for the CLI's checkout (on `Choice.record()` before the intent) and the
    TUI's runner (on the created event's record)."""
    return record is not None and isinstance(record.get("chosen"), Mapping) and pin_of(record) is None
