"""Which suppliers the faces name, and which orders and products they mark as demo.

With one supplier a row needs no supplier name; with several, two rows of the same
product differ only by it, so the list shows a short one. The demo supplier is a tour:
once a real supplier is enabled beside it, its products and orders are marked 演示
wherever people read them and reports leave its orders out, so nobody sells a demo
card to a customer or counts a demo sale as profit. While the demo is the only supplier
(a newcomer's tour) nothing is marked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Protocol

from kameng_tui.domain.text_fit import head

DEMO_KIND = "demo"
IMPLICIT_DEMO = "demo"        # the embedded demo's name while config.toml names no supplier
SHORT_CELLS = 4               # the list's supplier column: `demo`, `fulu`, `ref2`, a longer name cut


class EntryLike(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def kind(self) -> str: ...

    @property
    def enabled(self) -> bool: ...


@dataclass(frozen=True)
class SupplierView:
    enabled: tuple[str, ...] = ()
    demo: frozenset[str] = frozenset()    # demo suppliers to mark; empty while no real supplier is enabled

    @property
    def several(self) -> bool:
        """More than one supplier enabled: rows say whose they are."""
        return len(self.enabled) > 1

    def is_demo(self, supplier: str) -> bool:
        """Mark this supplier's products and orders as demo (a real supplier is enabled)."""
        return supplier in self.demo

    def short(self, supplier: str) -> str:
        """The supplier's name cut to the list's narrow column."""
        return head(supplier, SHORT_CELLS)


def supplier_view(entries: Iterable[EntryLike]) -> SupplierView:
    """From every configured supplier entry, disabled ones included: a demo turned off
    still has orders in the ledger, and they stay marked and out of reports."""
    entries = list(entries)
    enabled = tuple(e.name for e in entries if e.enabled)
    real = any(e.enabled and e.kind != DEMO_KIND for e in entries)
    if not real:
        return SupplierView(enabled=enabled)
    demo = {e.name for e in entries if e.kind == DEMO_KIND}
    if not any(e.name == IMPLICIT_DEMO for e in entries):
        demo.add(IMPLICIT_DEMO)                  # the tour's orders from before config.toml named suppliers
    return SupplierView(enabled=enabled, demo=frozenset(demo))
