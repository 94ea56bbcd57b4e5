"""The colour of each order state, one table for the shell and the app, so a state
looks the same in `history`, the history screen and the batch screen: green done, red
failed, bold yellow in doubt (reconcile settles it), cyan at the supplier, magenta not
sent yet, blue refunded, dim cancelled. Rich style strings; nothing here imports rich."""

from __future__ import annotations

STATE_STYLE: dict[str, str] = {
    "succeeded": "green", "failed": "red", "unknown": "bold yellow", "processing": "cyan", "submitted": "cyan",
    "pending": "magenta", "refunded": "blue", "cancelled": "dim"}
