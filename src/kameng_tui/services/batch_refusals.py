"""Which suppliers refused our key id, secret or clock during one run of a batch: those
would refuse every line the same way, so the batch sends them no further line (they
stay pending for a resume once it is fixed). Kept apart from services/batch.py, which
sends the lines."""

from __future__ import annotations

from typing import Mapping

from kameng_tui.domain.errors import KamengError
from kameng_tui.messages import Localized, Msg
from kameng_tui.services.supplier_set import SupplierSet
from kameng_tui.suppliers.factory import HasRefusals


class Refusals:
    """Which suppliers refused our key or clock during one run of a batch: the adapter
    counts refusals (optional `refusals`/`last_refusal`; suppliers without them never
    stop a batch), and a count above the one at the start stops that supplier.
    Checked before each line, so a refusal stops the lines not yet started at once,
    even while the refused line's own state is still being recorded."""

    def __init__(self, supplier_set: SupplierSet, suppliers: set[str], stopped: Mapping[str, Localized] | None) -> None:
        self.supplier_set = supplier_set
        self.start = {name: self._count(name) for name in suppliers}
        self.stopped: dict[str, Localized] = dict(stopped or {})

    def _supplier(self, name: str) -> object | None:
        try:
            return self.supplier_set.get(name)
        except KamengError:
            return None

    def _count(self, name: str) -> int:
        supplier = self._supplier(name)
        return supplier.refusals if isinstance(supplier, HasRefusals) and isinstance(supplier.refusals, int) else 0

    def now(self, name: str) -> bool:
        if name in self.stopped:
            return True
        if self._count(name) <= self.start.get(name, 0):
            return False
        supplier = self._supplier(name)
        why = supplier.last_refusal if isinstance(supplier, HasRefusals) else None
        self.stopped[name] = why if isinstance(why, Localized) else Msg("batch.stopped.refused", supplier=name)
        return True

    def why(self) -> dict[str, Localized]:
        for name in self.start:
            self.now(name)             # a refusal on the last lines counts too
        return dict(self.stopped)
