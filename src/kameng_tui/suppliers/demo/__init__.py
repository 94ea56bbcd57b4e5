"""The embedded demo supplier (entry point `demo`)."""

from kameng_tui.suppliers.demo.catalog import generate_catalog
from kameng_tui.suppliers.demo.state import inspect_state
from kameng_tui.suppliers.demo.supplier import DemoSupplier

__all__ = ["DemoSupplier", "generate_catalog", "inspect_state"]
