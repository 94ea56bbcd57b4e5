"""Schema V5 of the team ledger (issue 19): what only the owner does, by the server's own
rules, and the team's supplier identities.

The owner is a login that is a member of `kameng_owner` (or a superuser); clerks are
members of `kameng_app` only. Two triggers refuse a clerk's session with SQLSTATE 42501
and the message `owner_only:<operation>` (ledger/pg/connect.py turns it into OwnerOnly):

- on `events`, before the row is stored, by its kind: `customer_refund`, `anchor_reset`
  (accept-restore), `offer_link` / `offer_unlink`, and a `created`
  event whose unit price is below its unit cost (a sale at a loss);
- on `orders`, the projection a clerk's login may update for its state changes: a change
  of `customer_refunded`, and a row whose unit price is below cost by a change or insert.

So a clerk's own psql can no more do these than the app can. Pricing rules themselves
live in each terminal's config.toml, not here: what the server enforces is their outcome
that matters to the owner, a sale below cost.

`supplier_identities`: each supplier's name, kind, base URL and key id (never the
secret), written by the owner only (kameng_app may only read it: a privilege, not a
trigger), with who wrote it last and when by the server (ledger/pg/supplier_ids.py).
"""

from __future__ import annotations

IS_OWNER = ("SELECT COALESCE((SELECT rolsuper FROM pg_roles WHERE rolname = session_user), false) OR "
            "COALESCE(pg_has_role(session_user, (SELECT oid FROM pg_roles WHERE rolname = 'kameng_owner'), 'MEMBER'), "
            "false)")
"""schema V5's kameng_is_owner(), spelled out: it must answer on a schema older than V5."""

V5 = """
CREATE FUNCTION kameng_is_owner() RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT COALESCE((SELECT rolsuper FROM pg_roles WHERE rolname = session_user), false)
        OR COALESCE(pg_has_role(session_user, (SELECT oid FROM pg_roles WHERE rolname = 'kameng_owner'), 'MEMBER'),
                    false)
$$;
CREATE FUNCTION kameng_events_owner_only() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    op TEXT;
BEGIN
    IF NEW.kind = 'customer_refund' THEN
        op := 'customer_refund';
    ELSIF NEW.kind = 'anchor_reset' THEN
        op := 'accept_restore';
    ELSIF NEW.kind IN ('offer_link', 'offer_unlink') THEN
        op := 'offer_link';
    ELSIF NEW.kind = 'created' THEN          -- only a created event's body is read as JSON here
        IF (NEW.body::jsonb ->> 'unit_price')::numeric < (NEW.body::jsonb ->> 'unit_cost')::numeric THEN
            op := 'below_cost';
        END IF;
    END IF;
    IF op IS NOT NULL AND NOT kameng_is_owner() THEN
        RAISE EXCEPTION 'owner_only:%', op USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER events_owner_only BEFORE INSERT ON events
    FOR EACH ROW EXECUTE FUNCTION kameng_events_owner_only();
CREATE FUNCTION kameng_orders_owner_only() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    op TEXT;
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.customer_refunded IS DISTINCT FROM OLD.customer_refunded THEN
        op := 'customer_refund';
    ELSIF NEW.unit_price < NEW.unit_cost AND (TG_OP = 'INSERT' OR NEW.unit_price IS DISTINCT FROM OLD.unit_price
                                              OR NEW.unit_cost IS DISTINCT FROM OLD.unit_cost) THEN
        op := 'below_cost';
    END IF;
    IF op IS NOT NULL AND NOT kameng_is_owner() THEN
        RAISE EXCEPTION 'owner_only:%', op USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER orders_owner_only BEFORE INSERT OR UPDATE ON orders
    FOR EACH ROW EXECUTE FUNCTION kameng_orders_owner_only();
CREATE TABLE supplier_identities (
    name TEXT PRIMARY KEY,
    kind TEXT NOT NULL,
    base_url TEXT NOT NULL,
    key_id TEXT NOT NULL,
    at TEXT NOT NULL,
    operator TEXT NOT NULL DEFAULT session_user,          -- who wrote it last, by the server
    server_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp()
);
"""
