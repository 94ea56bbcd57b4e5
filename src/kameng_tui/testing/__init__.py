"""Tools for testing supplier plugins: a reusable kit (supplier_kit.py) any adapter runs."""
