"""Fault knobs of the reference server, parsed from one SPEC string:

    latency=20,jitter=5,err500=0.05,err429=0.05,timeout=0.02,malformed=0.05,
    drop_after_accept=0.3,dup_webhook=0.5,drip=0.01,badsig=0.02,seed=7

Rates are probabilities per request (0..1); latency/jitter in milliseconds.
Extra settings: hang_s (how long a `timeout` holds the reply, default 3),
drip_ms (gap between dripped bytes, default 20), retry_after (seconds sent with an
injected 429, default 1), settle_ms (a 直充 order stays processing this long; 0 =
settled in the create reply), fail (share of 直充 orders that fail, charged nothing),
hook_delay_ms (each webhook leaves this long after the change it tells of),
create_hold_ms (each create waits this long before its work; other requests do not:
a client stays mid-send while its catalog and queries answer promptly).
Catalog knobs (a second wholesaler selling the same goods on other terms): cost_rise
(every cost raised by this share: 0.01 = 1% dearer), stock (every product that states
no stock holds this many; 0 = as the catalog says).

Refusals that create nothing (issue 18's failover): refuse_stock (share of creates, by
order number, refused `410 out_of_stock` before any write, though quotes say in
stock), sold_out_after (once this many orders exist, every create is refused so;
0 = never), cost_up (yuan added to every unit cost: the catalog, quotes, creates).

Hostile knobs (a supplier whose replies are correctly signed but not to be trusted,
see ref_hostile.py): evil_text (names, reasons, error messages and card fields carry
ESC/OSC/bidi/zero-width sequences), oversize (the reply padded past the client's
bound; its size in KiB: oversize_kib, default 1100), gzip (the body sent with
`Content-Encoding: gzip`, though the client asked for identity).
The lies of a hostile supplier (overcharge, overdeliver, ... hide_created,
contradict_hook) are shares of orders too: see ref_lies.py.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, fields

from kameng_tui.domain.errors import BadInput
from kameng_tui.messages import Msg
from kameng_tui.refserver.ref_lies import LIES

RATES = ("err500", "err429", "timeout", "malformed", "drop_after_accept", "dup_webhook", "drip", "badsig", "fail",
         "refuse_stock")
HOSTILE = ("evil_text", "oversize", "gzip")      # rates too: see ref_hostile.py


@dataclass(frozen=True)
class Faults:
    latency: float = 0.0
    jitter: float = 0.0
    err500: float = 0.0
    err429: float = 0.0
    timeout: float = 0.0
    malformed: float = 0.0
    drop_after_accept: float = 0.0
    dup_webhook: float = 0.0
    drip: float = 0.0
    badsig: float = 0.0
    fail: float = 0.0
    seed: int = 0
    hang_s: float = 3.0
    drip_ms: float = 20.0
    retry_after: float = 1.0
    settle_ms: float = 0.0
    evil_text: float = 0.0
    oversize: float = 0.0
    gzip: float = 0.0
    oversize_kib: float = 1100.0
    # the hostile supplier's lies (ref_lies.py): shares of orders, 0..1
    overcharge: float = 0.0
    overdeliver: float = 0.0
    short_delivery: float = 0.0
    other_product: float = 0.0
    other_quantity: float = 0.0
    extra_cards: float = 0.0
    over_refund: float = 0.0
    hide_created: float = 0.0
    refuse_create: float = 0.0
    contradict_hook: float = 0.0
    hooks_only: float = 0.0
    hook_delay_ms: float = 0.0
    create_hold_ms: float = 0.0
    refuse_stock: float = 0.0
    sold_out_after: float = 0.0
    cost_up: float = 0.0
    cost_rise: float = 0.0
    stock: float = 0.0

    @classmethod
    def parse(cls, spec: str | None) -> "Faults":
        if not spec or not spec.strip():
            return cls()
        known = {f.name: f for f in fields(cls)}
        values: dict[str, float | int] = {}
        for part in spec.split(","):
            part = part.strip()
            if not part:
                continue
            if "=" not in part:
                raise BadInput(Msg("err.faults.item", part=repr(part)), field="faults")
            name, _, raw = part.partition("=")
            name = name.strip()
            if name not in known:
                raise BadInput(Msg("err.faults.unknown", name=repr(name), known=", ".join(known)), field="faults")
            try:
                value: float | int = int(raw) if name == "seed" else float(raw)
            except ValueError:
                raise BadInput(Msg("err.faults.not_number", name=name, raw=repr(raw)), field="faults") from None
            shares = name in RATES or name in HOSTILE or name in LIES
            if value != value or value < 0 or (shares and value > 1):
                rng = "0..1" if shares else ">= 0"
                raise BadInput(Msg("err.faults.range", name=name, range=rng, raw=raw), field="faults")
            values[name] = value
        return cls(**values)  # type: ignore[arg-type]  # only this class's number fields, checked above

    def spec(self) -> str:
        default = Faults()
        return ",".join(f"{f.name}={getattr(self, f.name)}" for f in fields(self)
                        if getattr(self, f.name) != getattr(default, f.name))


class Dice:
    """Seeded draws shared by the server's threads."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(seed)
        self._lock = threading.Lock()

    def hit(self, rate: float) -> bool:
        if rate <= 0:
            return False
        with self._lock:
            return self._rng.random() < rate

    def uniform(self, a: float, b: float) -> float:
        with self._lock:
            return self._rng.uniform(a, b)
