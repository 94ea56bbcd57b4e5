"""The team ledger's tables on PostgreSQL, as DDL with a version table (no extension).

What the SQLite schema holds for orders, events, batches and guards, with these
differences, each on purpose:

- `chain_head` is one row: every write transaction starts by locking it (`SELECT ...
  FOR UPDATE`), PostgreSQL's form of BEGIN IMMEDIATE. No SEQUENCE: seq, an order's row
  number and a batch id are taken as the next number under that lock, so they have no
  gaps (a sequence is not transactional).
- Money is NUMERIC(20,4) yuan (never float); SQLite keeps integer ten-thousandths.
- `events.body` is the canonical JSON TEXT that was hashed (jsonb would reorder it), and
  times are the fixed-width UTC text that was hashed (domain/clock.utc_text).
- `orders.search` holds the words text search matches (ILIKE), in place of FTS5.
- `events` is append-only by the server's own rules: a row trigger refuses UPDATE and
  DELETE, a statement trigger TRUNCATE.

The catalog cache, price history, drafts and balance snapshots are not here: they stay
in each terminal's local SQLite file.
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING, Any

from kameng_tui.ledger.attempts import ddl as attempts_ddl
from kameng_tui.ledger.chain import GENESIS
from kameng_tui.ledger.pg.offer_links import DDL as OFFER_LINKS   # issue 18's manual links, ported: migration 3
from kameng_tui.ledger.pg.owner_rules import V5                     # the owner's operations, supplier identities

if TYPE_CHECKING:
    import psycopg

MONEY_COLUMNS = frozenset({"unit_cost", "total_cost", "unit_price", "total_price", "charged", "refunded",
                           "customer_refunded", "revenue", "profit"})

V1 = f"""
CREATE TABLE schema_version (version INTEGER NOT NULL);
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE chain_head (
    id SMALLINT PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL,
    hash TEXT NOT NULL,
    at TEXT NOT NULL
);
INSERT INTO chain_head (id, seq, hash, at) VALUES (1, 0, '{GENESIS}', '');
CREATE TABLE events (
    seq BIGINT PRIMARY KEY,
    order_no TEXT,
    kind TEXT NOT NULL,
    at TEXT NOT NULL,
    body TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX events_order ON events (order_no, seq);
CREATE INDEX events_anomaly ON events (order_no) WHERE kind = 'anomaly';
CREATE FUNCTION kameng_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'events are append-only' USING ERRCODE = 'insufficient_privilege';
END $$;
CREATE TRIGGER events_no_update_delete BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION kameng_events_append_only();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION kameng_events_append_only();
CREATE TABLE batches (
    batch_id BIGINT PRIMARY KEY,
    identity TEXT NOT NULL,
    source TEXT NOT NULL,
    line_count INTEGER NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX batches_identity ON batches (identity);
CREATE TABLE orders (
    seq BIGINT PRIMARY KEY,
    order_no TEXT NOT NULL UNIQUE,
    sku TEXT NOT NULL, supplier TEXT NOT NULL, product_id TEXT NOT NULL, product_name TEXT NOT NULL,
    category TEXT NOT NULL, delivery TEXT NOT NULL, quantity INTEGER NOT NULL,
    account TEXT NOT NULL, account_main TEXT NOT NULL, state TEXT NOT NULL,
    unit_cost NUMERIC(20,4) NOT NULL, total_cost NUMERIC(20,4) NOT NULL,
    unit_price NUMERIC(20,4) NOT NULL, total_price NUMERIC(20,4) NOT NULL,
    charged NUMERIC(20,4) NOT NULL, refunded NUMERIC(20,4) NOT NULL, customer_refunded NUMERIC(20,4) NOT NULL,
    revenue NUMERIC(20,4) NOT NULL, profit NUMERIC(20,4) NOT NULL,
    ref TEXT, customer TEXT, note TEXT, batch_id BIGINT, line_id INTEGER, attempt_of TEXT,
    supplier_order_no TEXT, reason TEXT,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, submitted_at TEXT, settled_at TEXT,
    delivered_qty INTEGER NOT NULL, request_json TEXT NOT NULL,
    search TEXT NOT NULL
);
CREATE INDEX orders_created ON orders (created_at, seq);
CREATE INDEX orders_state ON orders (state, seq);
CREATE INDEX orders_supplier ON orders (supplier, seq);
CREATE INDEX orders_account ON orders (account_main, seq);
CREATE INDEX orders_customer ON orders (customer, seq);
CREATE INDEX orders_ref ON orders (ref, seq) WHERE ref IS NOT NULL;
CREATE INDEX orders_batch ON orders (batch_id, line_id) WHERE batch_id IS NOT NULL;
CREATE INDEX orders_sku_account ON orders (sku, account_main, created_at);
CREATE TABLE order_secrets (order_no TEXT NOT NULL, key TEXT NOT NULL, blob BYTEA NOT NULL,
                            PRIMARY KEY (order_no, key));
CREATE TABLE cards (order_no TEXT NOT NULL, idx INTEGER NOT NULL, number_blob BYTEA NOT NULL,
                    password_blob BYTEA NOT NULL, expires TEXT, PRIMARY KEY (order_no, idx));
CREATE TABLE order_refs (ref TEXT PRIMARY KEY, order_no TEXT NOT NULL, fingerprint TEXT NOT NULL);
CREATE TABLE batch_keys (identity TEXT NOT NULL, repeat_no INTEGER NOT NULL, batch_id BIGINT NOT NULL,
                         PRIMARY KEY (identity, repeat_no));
CREATE TABLE guard_duplicates (kind TEXT NOT NULL, key TEXT NOT NULL,
                               kept TEXT NOT NULL, duplicate TEXT NOT NULL, PRIMARY KEY (kind, duplicate));
"""



def applied_versions(conn: "psycopg.Connection[tuple[Any, ...]]") -> frozenset[int]:
    """The migrations the server's `schema_version` lists."""
    have = conn.execute("SELECT to_regclass('schema_version') IS NOT NULL").fetchone()
    if not (have and have[0]):
        return frozenset()
    return frozenset(int(r[0]) for r in conn.execute("SELECT version FROM schema_version").fetchall())


def server_version(conn: "psycopg.Connection[tuple[Any, ...]]") -> int:
    """The schema version the server holds whole (0: no schema yet): the last of
    MIGRATIONS up to which every one is applied. A server a build with fewer migrations
    took past a gap ({1, 2, 3, 7}) is at 3, not 7: behind, until the owner migrates."""
    applied, level = applied_versions(conn), 0
    for version, _sql in MIGRATIONS:
        if version not in applied:
            break
        level = version
    return level


def migrate(conn: "psycopg.Connection[tuple[Any, ...]]", upto: int | None = None) -> int:
    """Bring the schema up to LATEST (or `upto`) in one transaction under the exclusive
    migration advisory lock: two owners migrating at once serialize, the second finds it
    done. Every migration the server lacks is applied, a gap below its highest too. Only
    the owner's `ledger init` / `ledger migrate-schema` call it (roles.py), never a
    terminal on connect. The version reached."""
    target = LATEST if upto is None else upto
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (MIGRATE_LOCK,))
        applied = applied_versions(conn)
        for version, sql in MIGRATIONS:
            if version not in applied and version <= target:
                conn.execute(sql.encode())          # no parameters: several statements in one call
                conn.execute("INSERT INTO schema_version (version) VALUES (%s)", (version,))
        conn.execute("INSERT INTO meta (key, value) VALUES ('ledger_id', %s) ON CONFLICT (key) DO NOTHING",
                     (secrets.token_hex(8),))
        return server_version(conn)


V2 = """
ALTER TABLE events ADD COLUMN operator TEXT NOT NULL DEFAULT session_user;
ALTER TABLE events ADD COLUMN server_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp();
CREATE FUNCTION kameng_events_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.operator := session_user;
    NEW.server_at := clock_timestamp();
    RETURN NEW;
END $$;
CREATE TRIGGER events_stamp BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION kameng_events_stamp();
"""
"""Who appended an event and when, by the server's own rules (issue 19): the login role
(`session_user`, not the display name `[team] operator`) and the server's clock in the
appending transaction, set by a trigger whatever the INSERT says, so no terminal can
write another. Outside the hash: the hashed `at` stays the terminal's time (the same
chain as SQLite's)."""

V7 = """
CREATE FUNCTION kameng_head_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('kameng_ledger', NEW.seq::text);
    RETURN NULL;
END $$;
CREATE TRIGGER chain_head_notify AFTER UPDATE ON chain_head FOR EACH ROW EXECUTE FUNCTION kameng_head_notify();
"""
"""The change feed's hint (issue 20, ledger/pg/listen.py): every write transaction moves the
one head row once, so one NOTIFY per commit carrying the new head seq, delivered by the
server at COMMIT (none for a rollback). A hint only: listeners catch up by seq."""

V8 = """
CREATE FUNCTION kameng_meta_key_once() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.key = 'data_key_id' AND (TG_OP = 'DELETE' OR NEW.key IS DISTINCT FROM OLD.key
                                    OR NEW.value IS DISTINCT FROM OLD.value) THEN
        RAISE EXCEPTION 'the team data key id is set once' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;
CREATE TRIGGER meta_key_once BEFORE UPDATE OR DELETE ON meta FOR EACH ROW EXECUTE FUNCTION kameng_meta_key_once();
"""
"""The team's data key id (meta `data_key_id`) is written once, by the first sealing
terminal's claim under the head lock (store.claim_team_key, chained as a `data_key`
event); kameng_app may UPDATE meta, so without this a clerk's login could rewrite it and
every terminal would seal with, or refuse, another key. Other meta rows are unchanged."""

V9 = """
CREATE FUNCTION kameng_meta_owner_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NOT (TG_OP = 'INSERT' AND NEW.key = 'data_key_id') AND NOT kameng_is_owner() THEN
        RAISE EXCEPTION 'owner_only:team_meta' USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
END $$;
CREATE TRIGGER meta_owner_only BEFORE INSERT OR UPDATE OR DELETE ON meta
    FOR EACH ROW EXECUTE FUNCTION kameng_meta_owner_only();
"""
"""The team's meta rows are the owner's (issue 19): `ledger_id` names the chain every
mirror and `ledger migrate` check against (a clerk rewriting it would stop every mirror,
or let a move land on a ledger it was refused), `migrated_from` marks a finished move.
The one meta write a clerk's terminal makes is the first claim of `data_key_id` (an
INSERT under the head lock, store.claim_team_key; V8 keeps it once for everyone). Any
other INSERT, UPDATE or DELETE by a login outside kameng_owner is refused with 42501
(`owner_only:team_meta`, OwnerOnly); kameng_app keeps its UPDATE grant, which V8 and
this trigger leave nothing to use on."""

MIGRATE_LOCK = 0x6B616D656E67   # "kameng": the advisory key migrations serialize on
MIGRATIONS: tuple[tuple[int, str], ...] = ((1, V1), (2, V2), (3, OFFER_LINKS), (4, attempts_ddl()), (5, V5),
                                          (7, V7), (8, V8), (9, V9))
"""4: failover attempts (issue 18, ledger/attempts.py), the same table as SQLite's migration 7;
6 unused: `migrate` steps over a gap."""
LATEST = MIGRATIONS[-1][0]
