"""Use cases: checkout, batch, catalog sync, reconcile, reports.

Services see the ledger through the smallest port they use (ledger/ports.py: OrderStore,
BatchStore, DraftStore, BalanceStore, CatalogStore, MetaStore, SendGate) and suppliers
through the `Supplier` protocol; the composition root (kameng_tui/bootstrap.py) hands
each its collaborators. Faces (CLI, TUI) call services through the `Shop` facade
(services/shop.py) and render what they return.
"""
