"""The ledger's interface in one import: the values (ledger/values.py) and the ports
(ledger/ports.py). Kept so existing imports hold; new code imports the smallest port
from ledger/ports.py (OrderStore, BatchStore, DraftStore, BalanceStore, CatalogStore,
MetaStore) and the values from ledger/values.py."""

from __future__ import annotations

from kameng_tui.ledger.ports import (BalanceStore, BatchStore, CatalogStore, DraftStore, LedgerStore, MetaStore,
                                     OrderStore, SendGate)
from kameng_tui.ledger.values import (AnchorReset, Batch, Change, GuardDuplicate, Move, NewBatch, NewOrder,
                                      RepeatGuard, SealedCard, Transition, VerifyReport)

__all__ = ["AnchorReset", "BalanceStore", "Batch", "BatchStore", "CatalogStore", "Change", "DraftStore",
           "GuardDuplicate", "LedgerStore", "MetaStore", "Move", "NewBatch", "NewOrder", "OrderStore", "RepeatGuard",
           "SealedCard", "SendGate", "Transition", "VerifyReport"]
