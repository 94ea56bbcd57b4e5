"""The ledger's tables and their migrations.

`events` is append-only (triggers refuse UPDATE and DELETE from any code path that
is not an attacker dropping them); `orders` is its projection. Money columns are
INTEGER ten-thousandths of a yuan; times are fixed-width UTC text, so text order is
time order. Before a migration touches a non-empty ledger, a backup is taken.
"""

from __future__ import annotations

from kameng_tui.ledger.attempts import ddl as attempts_ddl

V1 = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT;
CREATE TABLE events (
    seq INTEGER PRIMARY KEY,
    order_no TEXT,
    kind TEXT NOT NULL,
    at TEXT NOT NULL,
    body TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
) STRICT;
CREATE INDEX events_order ON events (order_no, seq);
CREATE TRIGGER events_no_update BEFORE UPDATE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TABLE batches (
    batch_id INTEGER PRIMARY KEY,
    identity TEXT NOT NULL,
    source TEXT NOT NULL,
    line_count INTEGER NOT NULL,
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX batches_identity ON batches (identity);
CREATE TABLE orders (
    seq INTEGER PRIMARY KEY,              -- insertion order: history follows it, never wall time
    order_no TEXT NOT NULL UNIQUE,
    sku TEXT NOT NULL, supplier TEXT NOT NULL, product_id TEXT NOT NULL, product_name TEXT NOT NULL,
    category TEXT NOT NULL, delivery TEXT NOT NULL, quantity INTEGER NOT NULL,
    account TEXT NOT NULL, account_main TEXT NOT NULL, state TEXT NOT NULL,
    unit_cost INTEGER NOT NULL, total_cost INTEGER NOT NULL, unit_price INTEGER NOT NULL, total_price INTEGER NOT NULL,
    charged INTEGER NOT NULL, refunded INTEGER NOT NULL, customer_refunded INTEGER NOT NULL,
    revenue INTEGER NOT NULL, profit INTEGER NOT NULL,
    ref TEXT, customer TEXT, note TEXT, batch_id INTEGER, line_id INTEGER, attempt_of TEXT,
    supplier_order_no TEXT, reason TEXT,
    created_at TEXT NOT NULL, updated_at TEXT NOT NULL, submitted_at TEXT, settled_at TEXT,
    delivered_qty INTEGER NOT NULL, request_json TEXT NOT NULL
) STRICT;
CREATE INDEX orders_created ON orders (created_at);
CREATE INDEX orders_state ON orders (state);
CREATE INDEX orders_supplier ON orders (supplier);
CREATE INDEX orders_account ON orders (account_main);
CREATE INDEX orders_customer ON orders (customer);
CREATE INDEX orders_ref ON orders (ref) WHERE ref IS NOT NULL;
CREATE INDEX orders_batch ON orders (batch_id, line_id) WHERE batch_id IS NOT NULL;
CREATE INDEX orders_sku_account ON orders (sku, account_main, created_at);
CREATE VIRTUAL TABLE orders_fts USING fts5 (text, tokenize = 'trigram');
-- 1- and 2-character grams for short queries (话费, 加急, TB), which trigrams cannot serve
CREATE VIRTUAL TABLE orders_grams USING fts5 (grams, tokenize = 'unicode61 remove_diacritics 0', detail = 'none');
CREATE TABLE order_secrets (order_no TEXT NOT NULL, key TEXT NOT NULL, blob BLOB NOT NULL,
                            PRIMARY KEY (order_no, key)) STRICT;
CREATE TABLE cards (order_no TEXT NOT NULL, idx INTEGER NOT NULL, number_blob BLOB NOT NULL,
                    password_blob BLOB NOT NULL, expires TEXT, PRIMARY KEY (order_no, idx)) STRICT;
CREATE TABLE balances (id INTEGER PRIMARY KEY, supplier TEXT NOT NULL, amount INTEGER NOT NULL, at TEXT NOT NULL) STRICT;
CREATE INDEX balances_supplier ON balances (supplier, id);
"""

V2 = """
CREATE TABLE catalog (
    id INTEGER PRIMARY KEY,
    sku TEXT NOT NULL UNIQUE,
    supplier TEXT NOT NULL,
    name TEXT NOT NULL,
    category TEXT NOT NULL,        -- path: 游戏/腾讯/王者荣耀
    delivery TEXT NOT NULL,
    cost INTEGER NOT NULL,         -- ten-thousandths of a yuan
    face INTEGER,
    stock INTEGER,
    alarm INTEGER NOT NULL,
    status TEXT NOT NULL,
    rank INTEGER,
    attrs TEXT NOT NULL,           -- k<US>v<RS>k<US>v: read by the index without parsing JSON
    data TEXT NOT NULL,            -- the whole product as JSON, parsed only for rows shown
    search_key TEXT NOT NULL,      -- cached pinyin/initials words: start-up never runs pypinyin
    synced_at TEXT NOT NULL
) STRICT;
CREATE INDEX catalog_supplier ON catalog (supplier, synced_at);
CREATE TABLE price_history (
    sku TEXT NOT NULL,
    at TEXT NOT NULL,
    cost INTEGER NOT NULL,         -- a row only when the cost changes (and when first seen)
    PRIMARY KEY (sku, at)
) STRICT;
"""

V3 = """
-- Batch drafts typed in the terminal app: plain rows, never an intent, never hashed.
CREATE TABLE drafts (
    draft_id INTEGER PRIMARY KEY,
    body TEXT NOT NULL,            -- JSON: {"rows": [...], "batch_id": n | null}
    updated_at TEXT NOT NULL
) STRICT;
"""

V4 = """
-- Idempotency guards (ledger/guards.py), written in the intent's transaction; filled
-- for older ledgers by guards.backfill, which lists the duplicates it finds.
CREATE TABLE order_refs (
    ref TEXT PRIMARY KEY,          -- one root order per ref; attempts share it (attempt_of)
    order_no TEXT NOT NULL,
    fingerprint TEXT NOT NULL      -- sha256 of SKU, account fields, quantity, given price
) STRICT, WITHOUT ROWID;
CREATE TABLE batch_keys (
    identity TEXT NOT NULL,        -- sha256 of the sorted (SKU, account fields, quantity) lines
    repeat_no INTEGER NOT NULL,    -- 0 the first run; --again takes the next
    batch_id INTEGER NOT NULL,
    PRIMARY KEY (identity, repeat_no)
) STRICT, WITHOUT ROWID;
CREATE TABLE guard_duplicates (
    kind TEXT NOT NULL,            -- ref | batch
    key TEXT NOT NULL,             -- the ref, or the batch identity
    kept TEXT NOT NULL,            -- the earliest order number / batch id
    duplicate TEXT NOT NULL,       -- a later one, recorded before the guards
    PRIMARY KEY (kind, duplicate)
) STRICT;
"""

V5 = """
-- Manual offer links (issue 18, ledger/offer_links.py): a projection of the chained
-- offer_link / offer_unlink events, rebuilt and compared by ledger verify.
CREATE TABLE offer_links (
    sku TEXT PRIMARY KEY,          -- the SKU the correction is about
    target TEXT,                   -- the SKU whose product it joins; NULL = it stands alone
    at TEXT NOT NULL
) STRICT, WITHOUT ROWID;
"""

V6 = """
-- Offer readings (issue 18, ledger/offer_readings.py): the matching rule's reading of each
-- listing, made at sync when the listing is new or changed, so the matching is a group-by.
-- Local like the rest of the catalog cache. offer_rule 0 (older rows): read at the next
-- matching; a reading by an older rule version is read again the same way.
-- offer_id: the product id (unsure: the X- id of its own); offer_flags: 1 sure, 2 known
-- goods; offer_reading: key, reasons, inputs (domain/offer_reading.py); offer_rule: the
-- offer_parse.RULE_VERSION that made the reading.
ALTER TABLE catalog ADD COLUMN offer_id TEXT;
ALTER TABLE catalog ADD COLUMN offer_flags INTEGER;
ALTER TABLE catalog ADD COLUMN offer_reading TEXT;
ALTER TABLE catalog ADD COLUMN offer_rule INTEGER NOT NULL DEFAULT 0;
"""

# Failover attempts (issue 18, ledger/attempts.py): one next attempt per failed order.
V7 = attempts_ddl(" STRICT, WITHOUT ROWID")

MIGRATIONS: tuple[tuple[int, str], ...] = ((1, V1), (2, V2), (3, V3), (4, V4), (5, V5), (6, V6), (7, V7))
LATEST = MIGRATIONS[-1][0]
