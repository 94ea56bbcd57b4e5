"""`[ledger]` in config.toml: which ledger this terminal writes to (issue 19).

    [ledger]
    url = "postgresql://user@host/db"     # the team ledger; absent: the local SQLite file

The password is never in the file: it comes from `KAMENG_TUI_SECRET_LEDGER` or the
keyring, under the secret name `ledger` (which no supplier may take). A URL that carries
one is refused, like a supplier's; a URL that is not PostgreSQL's is refused with why.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from kameng_tui.domain.errors import ConfigError
from kameng_tui.messages import Msg

SECRET_NAME = "ledger"
"""The secret name of the team ledger's password (KAMENG_TUI_SECRET_LEDGER, keyring
`supplier:ledger`): reserved, no supplier may be called so."""
SCHEMES = ("postgresql", "postgres")


@dataclass(frozen=True)
class LedgerConfig:
    url: str | None = None

    @property
    def team(self) -> bool:
        return bool(self.url)


def parse_ledger(raw: Any) -> LedgerConfig:
    """The [ledger] table; ConfigError (exit 2) for an unknown key, a URL that is not
    PostgreSQL's or one with a password in it. The URL is never echoed whole."""
    if not isinstance(raw, dict):
        raise ConfigError(Msg("err.config.not_a_table", name="ledger"))
    for key in raw:
        if key != "url":
            raise ConfigError(Msg("err.config.unknown_key", section="ledger", key=key, known="url"), field=key)
    url = raw.get("url")
    if url is None or url == "":
        return LedgerConfig()
    if not isinstance(url, str):
        raise ConfigError(Msg("err.team.url", reason="url"), field="url")
    try:
        parts = urlsplit(url.strip())
        port = parts.port                    # a port that is not a number raises here
    except ValueError as exc:
        raise ConfigError(Msg("err.team.url", reason=str(exc).split(":")[0]), field="url") from None
    if parts.scheme not in SCHEMES:
        raise ConfigError(Msg("err.team.url", reason=f"scheme {parts.scheme or '-'}"), field="url")
    if parts.password:
        raise ConfigError(Msg("err.team.url_password"), field="url")
    del port
    return LedgerConfig(url=url.strip())


@dataclass(frozen=True)
class TeamConfig:
    """[team]: `operator` is only this terminal's display name; the ledger records the
    login role the server knows (session_user), never this."""

    operator: str | None = None


def parse_team(raw: Any) -> TeamConfig:
    """The [team] table; ConfigError (exit 2) for an unknown key or an operator name that
    is not text of 1 to 40 characters without control or format characters."""
    import unicodedata

    if not isinstance(raw, dict):
        raise ConfigError(Msg("err.config.not_a_table", name="team"))
    for key in raw:
        if key != "operator":
            raise ConfigError(Msg("err.config.unknown_key", section="team", key=key, known="operator"), field=key)
    name = raw.get("operator")
    if name is None:
        return TeamConfig()
    if not isinstance(name, str) or not 1 <= len(name.strip()) <= 40 or any(
            unicodedata.category(ch) in ("Cc", "Cf") for ch in name):
        raise ConfigError(Msg("err.team.operator"), field="operator")
    return TeamConfig(operator=name.strip())
