"""Connecting to the team ledger's server, and what a failure of it means.

Every session runs under READ COMMITTED with `synchronous_commit = on` (a COMMIT returns
once the server flushed it), `lock_timeout` as the busy timeout; a server that reports
`fsync = off` is refused: a power cut there loses what a terminal was told is recorded.
A failure reaches callers as the typed error of domain/errors.py (LedgerBusy on a lock
timeout, StorageError on a lost connection, ConfigError on a bad address or password),
never as a psycopg exception; libpq's own reason is kept, the password never is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Callable, TypeVar

from kameng_tui.domain.errors import BadInput, ConfigError, DiskFull, KamengError, LedgerBusy, ReadOnlyStorage, StorageError
from kameng_tui.ledger.typed_errors import typed_errors
from kameng_tui.messages import Msg

if TYPE_CHECKING:
    import psycopg

T = TypeVar("T")

BUSY_STATES = frozenset({"55P03", "57014", "40001", "40P01"})
"""lock_not_available (lock_timeout), query_canceled (statement_timeout),
serialization_failure, deadlock_detected: another terminal holds what we need."""


def where_of(conninfo: str) -> str:
    """host/db of a conninfo, for messages: never the user's password."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        d = conninfo_to_dict(conninfo)
    except Exception:
        return "?"
    host = str(d.get("host") or "localhost")
    if host.startswith("/"):
        host = "local"
    return f"{host}/{d.get('dbname') or ''}"


def scrub(text: str, password: str | None) -> str:
    """libpq's reason without the password (it never puts one in, but a URL might)."""
    text = " ".join(str(text).split())
    return text.replace(password, "***") if password else text


LOOPBACK = frozenset({"", "localhost", "127.0.0.1", "::1"})


def tls_default(conninfo: str) -> str | None:
    """`verify-full` for a server on another host when the URL (or PGSSLMODE) names no
    sslmode: libpq's own default, `prefer`, falls back to plaintext and checks no
    certificate. A weaker mode must be written in the URL. None: loopback, a unix
    socket, or a mode already chosen."""
    import os

    from psycopg.conninfo import conninfo_to_dict

    try:
        d = conninfo_to_dict(conninfo)
    except Exception:
        return None                    # connect() reports the malformed URL
    if d.get("sslmode") or os.environ.get("PGSSLMODE"):
        return None
    hosts = [h.strip() for h in str(d.get("host") or "").split(",")]
    if all(h in LOOPBACK or h.startswith("/") for h in hosts):
        return None
    return "verify-full"


def tls_weaker(conninfo: str) -> str | None:
    """The TLS mode the URL (or PGSSLMODE) chose explicitly when it is weaker than
    verify-full (disable, allow, prefer, require, verify-ca): the header says it. None:
    verify-full, or no mode chosen (tls_default then decides)."""
    import os

    from psycopg.conninfo import conninfo_to_dict

    try:
        mode = conninfo_to_dict(conninfo).get("sslmode") or os.environ.get("PGSSLMODE")
    except Exception:
        return None
    return None if not mode or mode == "verify-full" else str(mode)


def connect(conninfo: str, *, password: str | None = None, busy_timeout_s: float = 5.0,
            application_name: str = "kameng-tui") -> "psycopg.Connection[tuple[Any, ...]]":
    """An autocommit connection (transactions are explicit: `with conn.transaction()`),
    checked for durability. ConfigError (exit 2) with libpq's reason when it cannot be made."""
    import psycopg

    kwargs: dict[str, Any] = {"autocommit": True, "application_name": application_name,
                              "connect_timeout": max(2, int(busy_timeout_s) + 1),
                              "options": f"-c synchronous_commit=on -c lock_timeout={int(busy_timeout_s * 1000)} "
                                         "-c default_transaction_isolation=read\\ committed -c TimeZone=UTC"}
    if password:
        kwargs["password"] = password
    mode = tls_default(conninfo)
    if mode is not None:
        kwargs["sslmode"] = mode
    where = where_of(conninfo)
    try:
        conn = psycopg.connect(conninfo, **kwargs)
    except psycopg.ProgrammingError as exc:            # a malformed conninfo / URL
        raise ConfigError(Msg("err.team.url", reason=scrub(str(exc), password)), field="url") from None
    except psycopg.Error as exc:
        raise ConfigError(Msg("err.team.connect", where=where, reason=scrub(str(exc), password)),
                          field="url") from None
    try:
        row = conn.execute("SHOW fsync").fetchone()
        if row is None or str(row[0]).lower() != "on":
            raise ConfigError(Msg("err.team.fsync_off", where=where), field="url")
    except BaseException:
        conn.close()
        raise
    return conn


def pg_failure(exc: BaseException, where: str = "") -> KamengError | None:
    """The typed error for a failure of the server or the connection, or None when `exc`
    is not one (a bug stays a bug)."""
    import psycopg

    if not isinstance(exc, psycopg.Error):
        return None
    state = exc.sqlstate or ""
    if state in BUSY_STATES:
        return LedgerBusy(Msg("err.ledger.busy"))
    if state.startswith("53"):                         # insufficient_resources: disk_full, out_of_memory
        return DiskFull(Msg("err.storage.full", path=where or "?"), path=where or None)
    if state == "42501":                               # insufficient_privilege: the owner's, not a clerk's
        primary = (exc.diag.message_primary or "") if exc.diag is not None else ""
        if primary.startswith("owner_only:"):          # schema V5's triggers name the operation
            from kameng_tui.domain.team_errors import OwnerOnly

            return OwnerOnly(primary.partition(":")[2])
        return BadInput(Msg("err.team.not_permitted"))
    if state == "25006":                               # read_only_sql_transaction: a standby
        return ReadOnlyStorage(Msg("err.storage.read_only", path=where or "?"), path=where or None)
    if isinstance(exc, psycopg.OperationalError) or state.startswith("08") or state.startswith("57P"):
        detail = " ".join(str(exc).split())[:200] or type(exc).__name__
        return StorageError(Msg("err.team.lost", detail=detail), path=where or None)
    return None


def typed_pg_errors(where: Callable[[Any], str], skip: tuple[str, ...] = ()) -> Callable[[type[T]], type[T]]:
    """Class decorator: every public method turns a psycopg failure of the server or the
    connection into its typed error (pg_failure), as connection.typed_storage_errors does
    for SQLite (ledger/typed_errors.py)."""
    return typed_errors(_psycopg_error, pg_failure, where, skip)


def _psycopg_error() -> type[BaseException]:
    import psycopg

    return psycopg.Error
