"""The local order book. Services see it through `LedgerStore` (ledger/store.py);
SQL dialect and locking stay inside this package."""
