"""The local order book. Services see it through small ports split by concern
(ledger/ports.py: OrderStore, BatchStore, DraftStore, BalanceStore, CatalogStore,
MetaStore) and the values of ledger/values.py; SQL dialect, locking and the driver's
errors stay inside this package (SqliteLedger in ledger/sqlite.py implements them)."""
