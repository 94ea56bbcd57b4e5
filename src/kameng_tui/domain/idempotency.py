"""What makes two orders "the same" for a ref, and two batches the same batch.

A ref names one order: the same resolved SKU, every account field after
normalisation, the quantity, and the sale price when it was given. Customer and
note may differ. A batch is the same batch when its sorted (SKU, account fields,
quantity) lines are; note, customer, ref and price do not change it. Both are
hashes, so the guard tables hold no account in clear.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from typing import Iterable, Mapping

from kameng_tui.domain.money import fmt


def _canonical(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def ref_fingerprint(sku: str, fields: Mapping[str, str], quantity: int, price: Decimal | None = None) -> str:
    body = {"sku": sku, "fields": {k: str(v) for k, v in fields.items()}, "quantity": int(quantity),
            "price": None if price is None else fmt(price, 4)}
    return hashlib.sha256(_canonical(body).encode()).hexdigest()


def batch_key(sku: str, fields: Mapping[str, str], quantity: int) -> str:
    """One line as it counts for the batch identity."""
    return _canonical([sku, {k: str(v) for k, v in fields.items()}, int(quantity)])


def batch_identity_of(lines: Iterable[tuple[str, Mapping[str, str], int]]) -> str:
    """sha256 of the sorted line keys: a reordered copy, or one with other notes,
    customers, refs or prices, is the same batch."""
    return hashlib.sha256("\n".join(sorted(batch_key(*line) for line in lines)).encode()).hexdigest()
