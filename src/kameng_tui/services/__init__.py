"""Use cases: checkout, batch, catalog sync, reconcile, reports.

Services see the ledger through `LedgerStore` and suppliers through the `Supplier`
protocol; faces (CLI, TUI) call services and render what they return.
"""
