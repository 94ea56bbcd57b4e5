"""What only the owner does on a team ledger (issue 19): customer refunds, sales below
cost, accepting a restore, the suppliers' identities (and match links, test_pg_roles).
The server refuses a clerk's login each of them (SQLSTATE 42501), whether from the app
or from the clerk's own psql; the app says so in words (OwnerOnly, exit 2) and records
nothing. The owner's login may."""

from __future__ import annotations

from decimal import Decimal

import psycopg
import pytest

from kameng_tui.domain.errors import BadInput
from kameng_tui.domain.team_errors import OwnerOnly
from kameng_tui.domain.states import OrderState as S
from kameng_tui.ledger.anchor import Anchor, write_anchor
from kameng_tui.ledger.pg.team import TeamLedger
from kameng_tui.ledger.sqlite import open_ledger
from kameng_tui.ledger.store import Transition
from test_store import T0, intent


@pytest.fixture
def team():
    from pgteam import fresh_team

    yield from fresh_team()


def open_as(url: str, tmp_path, who: str) -> TeamLedger:
    return TeamLedger(url, local=open_ledger(tmp_path / who / "data"), state_dir=tmp_path / who / "state")


def refused_42501(url: str, sql: str, args: tuple = ()) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        with pytest.raises(psycopg.Error) as err:
            conn.execute(sql, args)
        assert err.value.sqlstate == "42501", (sql, err.value.sqlstate, str(err.value))


def succeeded(led: TeamLedger, i: int) -> str:
    led.create_intents([intent(i)], at=T0)
    no = intent(i).order_no
    assert led.transition(no, S.PENDING, S.SUBMITTED, at=T0)
    assert led.transition(no, S.SUBMITTED, S.SUCCEEDED, Transition(charged=Decimal("98.5"), delivered_qty=1), at=T0)
    return no


def test_only_the_owner_refunds_a_customer(team, tmp_path):
    clerk, owner = open_as(team.clerk_url, tmp_path, "clerk"), open_as(team.owner_url, tmp_path, "owner")
    try:
        no = succeeded(clerk, 1)                       # a clerk orders
        before = clerk.last_seq()
        with pytest.raises(OwnerOnly) as err:
            clerk.customer_refund(no, Decimal("10"), "换货", at=T0)
        assert err.value.exit_code == 2 and err.value.operation == "customer_refund"
        assert "退款" in err.value.text("zh") and "kameng_owner" in err.value.text("zh")
        assert "refund" in err.value.text("en") and "owner" in err.value.text("en")
        assert clerk.last_seq() == before and clerk.get(no).customer_refunded == 0
        done = owner.customer_refund(no, Decimal("10"), "换货", at=T0)
        assert done.customer_refunded == Decimal("10")
        assert owner.verify().intact
    finally:
        clerk.close()
        owner.close()
    # the clerk's own psql: neither a refund event nor the projection's column
    refused_42501(team.clerk_url, "INSERT INTO events (seq, order_no, kind, at, body, prev_hash, hash) "
                                  "VALUES (99, %s, 'customer_refund', 'x', '{\"amount\": \"1\"}', 'x', 'x')", (no,))
    refused_42501(team.clerk_url, "UPDATE orders SET customer_refunded = 99 WHERE order_no = %s", (no,))


def test_only_the_owner_sells_below_cost(team, tmp_path):
    clerk, owner = open_as(team.clerk_url, tmp_path, "clerk"), open_as(team.owner_url, tmp_path, "owner")
    try:
        clerk.create_intents([intent(1, unit_price=Decimal("98.50"))], at=T0)      # at cost: a clerk may
        before = clerk.last_seq()
        with pytest.raises(OwnerOnly) as err:
            clerk.create_intents([intent(2, unit_price=Decimal("90.00"))], at=T0)
        assert err.value.operation == "below_cost" and "低于成本" in err.value.text("zh")
        assert clerk.last_seq() == before and clerk.get(intent(2).order_no) is None
        owner.create_intents([intent(3, unit_price=Decimal("90.00"))], at=T0)
        assert owner.get(intent(3).order_no).unit_price == Decimal("90.00")
    finally:
        clerk.close()
        owner.close()
    body = '{"unit_cost": "98.5000", "unit_price": "1.0000"}'
    refused_42501(team.clerk_url, "INSERT INTO events (seq, order_no, kind, at, body, prev_hash, hash) "
                                  "VALUES (99, 'KMX', 'created', 'x', %s, 'x', 'x')", (body,))
    refused_42501(team.clerk_url, "UPDATE orders SET unit_price = 1 WHERE order_no = %s", (intent(1).order_no,))


def test_a_restore_is_accepted_by_the_owner_once_and_then_each_clerks_terminal_follows(team, tmp_path):
    clerk, owner = open_as(team.clerk_url, tmp_path, "clerk"), open_as(team.owner_url, tmp_path, "owner")
    try:
        clerk.create_intents([intent(1)], at=T0)
        ahead = Anchor(clerk.ledger_id, 40, "ab" * 32)         # both saw a longer chain than the restored one
        write_anchor(clerk.anchor_path, ahead)
        write_anchor(owner.anchor_path, ahead)
        before = clerk.last_seq()
        with pytest.raises(OwnerOnly) as err:
            clerk.accept_restore("服务器从备份恢复", at=T0)       # before the owner accepted it
        assert err.value.operation == "accept_restore" and "店主" in err.value.text("zh")
        assert clerk.last_seq() == before and clerk.anchor_problem() is not None
        owner.accept_restore("服务器从备份恢复", at=T0)
        assert owner.anchor_problem() is None
        after = clerk.last_seq()
        assert after == before + 1
        clerk.accept_restore("店主已确认", at=T0)                  # follows the owner's, records none of its own
        assert clerk.last_seq() == after and clerk.anchor_problem() is None
        clerk.create_intents([intent(2)], at=T0)                    # writes again
    finally:
        clerk.close()
        owner.close()
    refused_42501(team.clerk_url, "INSERT INTO events (seq, order_no, kind, at, body, prev_hash, hash) "
                                  "VALUES (99, NULL, 'anchor_reset', 'x', '{}', 'x', 'x')")


def test_a_clerks_refusal_is_a_bad_input_that_names_the_owner_role(team, tmp_path):
    """The refusal is a BadInput (exit 2) like every refusal of bad input: callers that
    catch BadInput treat it as such."""
    clerk = open_as(team.clerk_url, tmp_path, "clerk")
    try:
        with pytest.raises(BadInput) as err:
            clerk.set_offer_link("ref:A1", "demo:GM-WZRY-60-D", at=T0)
        assert isinstance(err.value, OwnerOnly) and err.value.operation == "offer_link"
    finally:
        clerk.close()


def test_a_supplier_is_registered_by_the_owner_and_a_clerks_terminal_must_mean_the_same_account(team, tmp_path):
    """services/supplier_identity.py's check before a supplier is built: a clerk's terminal
    refuses a name not registered (and cannot register it); the owner's registers it on
    first use; then a clerk's config must give the same kind, base URL and key id."""
    from kameng_tui.config import SupplierEntry
    from kameng_tui.domain.clock import FrozenClock
    from kameng_tui.domain.team_errors import SupplierIdentityMismatch
    from kameng_tui.services.supplier_identity import IdentityGuard

    def up(url: str, key: str = "k-shop") -> SupplierEntry:
        return SupplierEntry(name="up", kind="http", options={"base_url": url, "key_id": key, "secret": "never"})

    clerk, owner = open_as(team.clerk_url, tmp_path, "clerk"), open_as(team.owner_url, tmp_path, "owner")
    try:
        clerks, owners = IdentityGuard(clerk, FrozenClock(T0)), IdentityGuard(owner, FrozenClock(T0))
        with pytest.raises(SupplierIdentityMismatch) as err:
            clerks.check(up("https://api.example/v1"))
        assert err.value.differs == () and err.value.registered is None and err.value.exit_code == 2
        assert "not registered" in err.value.text("en") and "register-supplier up" in err.value.text("zh")
        assert clerk.supplier_identity("up") is None
        owners.check(up("https://api.example/v1"))                   # the owner's first use registers it
        assert clerk.supplier_identity("up").as_dict() == {"name": "up", "kind": "http",
                                                           "base_url": "https://api.example/v1", "key_id": "k-shop"}
        clerks.check(up("https://api.example/v1/"))                  # the same account, a trailing slash
        with pytest.raises(SupplierIdentityMismatch) as err:
            clerks.check(up("https://api.example/v1", key="k-other"))
        assert err.value.differs == ("key_id",) and "k-shop" in err.value.text("en") and "k-other" in err.value.text("en")
        with pytest.raises(SupplierIdentityMismatch):
            owners.check(up("https://api.example/v2"))               # the owner too: a change is explicit
    finally:
        clerk.close()
        owner.close()
    with psycopg.connect(team.admin_url) as conn:
        assert "never" not in str(conn.execute("SELECT * FROM supplier_identities").fetchall())


def test_a_clerk_cannot_rewrite_the_teams_ledger_id_or_any_meta_row_and_the_owner_can(team, tmp_path):
    """The team's meta rows are the owner's (schema V9): `ledger_id` names the chain every
    mirror and `ledger migrate` checks against, `migrated_from` marks a finished move. A
    clerk's login legitimately writes only the first claim of `data_key_id` (V8 keeps
    that one once for everyone); its UPDATE, DELETE or INSERT of any other row is
    refused by the server (42501) and nothing changes. The owner's login may."""
    with psycopg.connect(team.admin_url) as conn:
        ledger_id = conn.execute("SELECT value FROM meta WHERE key = 'ledger_id'").fetchone()[0]
    for sql in ("UPDATE meta SET value = 'forged' WHERE key = 'ledger_id'",
                "UPDATE meta SET key = 'old_id' WHERE key = 'ledger_id'",
                "DELETE FROM meta WHERE key = 'ledger_id'",
                "DELETE FROM meta",
                "INSERT INTO meta (key, value) VALUES ('ledger_id', 'forged') "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                "INSERT INTO meta (key, value) VALUES ('migrated_from', 'forged')"):
        refused_42501(team.clerk_url, sql)
    clerk = open_as(team.clerk_url, tmp_path, "clerk")
    try:
        assert clerk.claim_team_key("k-team", at=T0) == "k-team"        # the clerk's one legitimate meta write
        with pytest.raises(OwnerOnly) as err:
            clerk.set_team_meta("ledger_id", "forged")
        assert err.value.exit_code == 2 and "kameng_owner" in err.value.text("en")
    finally:
        clerk.close()
    with psycopg.connect(team.admin_url) as conn:
        rows = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    assert rows == {"ledger_id": ledger_id, "data_key_id": "k-team"}
    with psycopg.connect(team.owner_url, autocommit=True) as conn:     # the owner's path, as `ledger migrate` takes it
        conn.execute("UPDATE meta SET value = 'moved-here' WHERE key = 'ledger_id'")
        conn.execute("INSERT INTO meta (key, value) VALUES ('migrated_from', 'moved-here')")
        assert conn.execute("SELECT value FROM meta WHERE key = 'ledger_id'").fetchone()[0] == "moved-here"
