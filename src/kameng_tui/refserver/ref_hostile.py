"""The reference server as a hostile supplier: replies that are correctly signed and
still not to be trusted (fault knobs `evil_text`, `oversize`, `gzip`, see faults.py).

A client must not believe that a signature makes a reply's text safe to show or its
size safe to hold: the signature proves who sent it, not what it contains. These
variants let the tests show that the client strips terminal control sequences from
everything a supplier says, bounds what it reads, and refuses an encoding it never
asked for.
"""

from __future__ import annotations

import gzip
from typing import Any

# Clear the screen, set the window title (OSC 0), write the clipboard (OSC 52),
# right-to-left override, zero-width space and joiner, a line separator.
EVIL = "\x1b[2J\x1b]0;owned\x07\u202e\u200b"
OSC52 = "\x1b]52;c;ZWNobyBvd25lZA==\x07"
TAIL = "\u2066\u200d\u2028\x1b[0m"
LONG_CARD = "9" * 300                        # over the client's 256-character bound for a card field


def poison(doc: Any) -> Any:
    """The same document with control sequences in every text a person would read:
    product names, categories, attributes and field labels, order reasons, supplier
    order numbers, card fields, error messages. Identifiers we send back (product ids,
    client order numbers) stay as they are."""
    if isinstance(doc, list):
        return [poison(d) for d in doc]
    if not isinstance(doc, dict):
        return doc
    out = {k: poison(v) if isinstance(v, (dict, list)) else v for k, v in doc.items()}
    if "product_id" in out and "name" in out and "delivery" in out:
        out["name"] = EVIL + str(out["name"]) + TAIL
        out["category"] = [EVIL + str(c) for c in out.get("category") or ()]
        out["attributes"] = [[str(k) + "\u200b", EVIL + str(v)] for k, v in out.get("attributes") or ()]
        for f in out.get("account_fields") or ():
            f["label"] = EVIL + str(f.get("label") or "")
    if "client_order_no" in out and "state" in out:
        out["supplier_order_no"] = str(out.get("supplier_order_no") or "") + "\u200b\x1b[0m"
        if out.get("reason"):
            out["reason"] = EVIL + str(out["reason"]) + TAIL
        out["cards"] = [{"number": EVIL + str(c.get("number") or "") + LONG_CARD,
                         "password": OSC52 + str(c.get("password") or "") + "\u200f",
                         "expires": str(c.get("expires") or "") + "\x1b[5m"} for c in out.get("cards") or ()]
    err = out.get("error")
    if isinstance(err, dict) and isinstance(err.get("message"), str):
        out["error"] = {**err, "message": EVIL + err["message"] + TAIL}
    return out


def pad(doc: Any, kib: float) -> Any:
    """An object reply made `kib` KiB larger (a field clients ignore)."""
    if not isinstance(doc, dict):
        return doc
    return {**doc, "padding": "x" * int(kib * 1024)}


def gzipped(payload: bytes, extra: dict[str, str]) -> bytes:
    """The body gzip-compressed and labelled so (the signature then covers these bytes)."""
    extra["Content-Encoding"] = "gzip"
    return gzip.compress(payload)
