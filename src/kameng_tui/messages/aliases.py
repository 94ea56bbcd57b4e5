"""Renamed message keys: old key -> new key.

Events in the hash chain hold message keys (an order's reason, domain/reasons.py) and
can never be rewritten, so a key once written is frozen: renaming it in a catalog
means adding the old name here, and `template()` follows it. tests/test_event_keys.py
fails when a key an event may hold neither exists nor has an alias."""

from __future__ import annotations

ALIASES: dict[str, str] = {}
