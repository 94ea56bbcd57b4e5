"""Suppliers speaking the open kameng protocol over HTTP (entry point `http`)."""

from kameng_tui.suppliers.http.supplier import HttpSupplier

__all__ = ["HttpSupplier"]
