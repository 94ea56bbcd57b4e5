"""Supplier plugins. Adapters never touch the ledger (checked by import-linter)."""
