"""A team ledger set up as `ledger init` sets it up (tests/pgkit.py's server), with two
login roles: an owner (a member of kameng_owner) and a clerk (a member of kameng_app).

The database is made once per worker by `init_team_ledger` and copied for each test
(`CREATE DATABASE ... TEMPLATE`, about 0.1 s); the logins are the server's (roles are
cluster-wide), made once per worker and run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Iterator
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from kameng_tui.ledger.store import NewOrder

_template: str | None = None
T0 = datetime(2026, 11, 1, 4, 0, tzinfo=timezone.utc)


@dataclass(frozen=True)
class Team:
    admin_url: str          # the test server's superuser, on this database
    owner_url: str          # a login in kameng_owner
    clerk_url: str          # a login in kameng_app
    owner: str
    clerk: str


def as_role(url: str, role: str) -> str:
    return urlsplit(url)._replace(netloc=f"{role}@").geturl()


def logins() -> tuple[str, str]:
    import pgkit

    prefix = pgkit.server().prefix
    return f"kt_own_{prefix}", f"kt_clk_{prefix}"


def _template_db() -> str:
    global _template
    import psycopg

    import pgkit
    from kameng_tui.ledger.pg.roles import init_team_ledger

    srv = pgkit.server()
    if _template is not None and _template.startswith(srv.prefix):
        return _template
    name = f"{srv.prefix}_team"
    owner, clerk = logins()
    with psycopg.connect(srv.admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    with psycopg.connect(pgkit.with_database(srv.admin_url, name), autocommit=True) as conn:
        init_team_ledger(conn)
        for role, group in ((owner, "kameng_owner"), (clerk, "kameng_app")):
            if conn.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (role,)).fetchone() is None:
                conn.execute(f"CREATE ROLE {role} LOGIN")
            conn.execute(f"GRANT {group} TO {role}")
    _template = name
    return name


def fresh_team() -> Iterator[Team]:
    """A team ledger of its own for one test, dropped after it."""
    import pgkit

    srv = pgkit.server()
    template = _template_db()
    name = f"{srv.prefix}_t{next(pgkit._counter)}"
    import psycopg

    with psycopg.connect(srv.admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
    url = pgkit.with_database(srv.admin_url, name)
    owner, clerk = logins()
    try:
        yield Team(url, as_role(url, owner), as_role(url, clerk), owner, clerk)
    finally:
        srv.drop(name)


def intent(i: int, **kw: object) -> "NewOrder":
    """A 100-yuan top-up at 98.50 (tests/ledger/test_store.py's, for tests outside tests/ledger)."""
    from decimal import Decimal

    from kameng_tui.domain.models import Delivery
    from kameng_tui.ledger.store import NewOrder

    base: dict[str, object] = dict(
        order_no=f"KM261101120000TEST{i:06d}", sku="demo:HF-CM-100", supplier="demo", product_id="HF-CM-100",
        product_name="移动话费100元 直充", category="话费/中国移动", delivery=Delivery.DIRECT, quantity=1,
        account={"account": f"1380000{i:04d}"}, unit_cost=Decimal("98.5000"), unit_price=Decimal("100.00"),
        request_json="{}")
    base.update(kw)
    return NewOrder(**base)  # type: ignore[arg-type]
