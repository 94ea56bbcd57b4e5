"""Fulu (福禄开放平台) supplier adapter (entry point `fulu`)."""

from kameng_tui.suppliers.fulu.supplier import FuluSupplier

__all__ = ["FuluSupplier"]
