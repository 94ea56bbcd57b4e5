"""Pure Python: models, money, order states, account rules, tags, catalog index.

Nothing here imports textual, httpx, sqlite3 or any layer above (checked by import-linter).
"""
