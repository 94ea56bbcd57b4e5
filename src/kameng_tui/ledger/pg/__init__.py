"""The team ledger on PostgreSQL (issue 19): the same ports as the SQLite store, the same
hash chain (ledger/chain.py), on a server several terminals share. psycopg is imported
only here, and only when `[ledger] url` is set: the SQLite default never loads it."""
