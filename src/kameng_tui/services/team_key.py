"""Moving the team's data key between terminals (issue 19): `secrets export-data-key`
and `secrets import-data-key`.

The exported text is one line, `kameng-tui-data-key/1 <key id> <base64 key>`: the id
lets the importing terminal check the paste is whole and is the team's key before it
keeps anything. The key goes out once, to one place the caller chose (cli/data_key.py:
a pipe or a new 0600 file, never a terminal), and comes in from stdin or a file, never
from the command line (shell history). It is never logged, never in an error's text:
errors name key ids only.
"""

from __future__ import annotations

import base64
import binascii
import os
from dataclasses import dataclass
from pathlib import Path

from kameng_tui.domain.errors import BadInput, NoDataKey
from kameng_tui.messages import Msg
from kameng_tui.services.data_key import DataKeyService

HEAD = "kameng-tui-data-key/1"


@dataclass(frozen=True)
class Imported:
    key_id: str
    where: str            # file | keyring | already (the same key was here)
    replaced: str | None = None     # `--replace`: the key it replaced (its id) ...
    backup: Path | None = None      # ... kept here, in the export format, mode 0600


def line_of(key: bytes) -> str:
    """The exported line of `key` (`import-data-key` reads it back)."""
    from kameng_tui.crypto import key_id

    return f"{HEAD} {key_id(key)} {base64.b64encode(key).decode()}\n"


def back_up(key: bytes, folder: Path) -> Path:
    """`key` in a new 0600 file in `folder` (never over another file): a replaced key's
    cards stay openable by importing it back."""
    from kameng_tui.crypto import key_id

    path = folder / f"data-key-{key_id(key)}.replaced"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path                       # this very key was kept before (its id names it)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(line_of(key))
        f.flush()
        os.fsync(f.fileno())
    return path


def export_line(keys: DataKeyService) -> str:
    """The line to hand to another terminal. On a team ledger only the team's key goes
    out (a terminal holding another key is told to import the team's); on a new team
    ledger the exported key becomes the team's."""
    sealer = keys.sealer()
    if sealer is None:
        held = keys.opener()
        if held is not None:              # a key, not the team's
            raise NoDataKey(Msg("err.team_key.export_other", key_id=held.key_id))
        raise NoDataKey(keys.refusal())
    keys.note_export(sealer.key_id)       # a team ledger chains who exported the team's key, first
    return line_of(sealer.export_key())


def parse_line(text: str) -> bytes:
    """The key of an exported line; BadInput (naming no part of it) otherwise."""
    from kameng_tui.crypto import key_id

    parts = text.strip().split()
    if len(parts) != 3 or parts[0] != HEAD:
        raise BadInput(Msg("err.team_key.format", head=HEAD), field="key")
    try:
        key = base64.b64decode(parts[2], validate=True)
    except (binascii.Error, ValueError):
        raise BadInput(Msg("err.team_key.format", head=HEAD), field="key") from None
    if len(key) != 32 or key_id(key) != parts[1]:
        raise BadInput(Msg("err.team_key.damaged"), field="key")
    return key


def import_key(keys: DataKeyService, text: str, *, to_file: bool = False, replace: bool = False,
               backup_dir: Path | None = None) -> Imported:
    """Keep the exported key as this terminal's. Refused, with nothing kept: a key that
    is not the team's (on a team ledger), a different key already here (unless
    `replace`: the old key is first kept in a new 0600 file in `backup_dir`, so the
    cards sealed with it can still be opened by importing it back), a key in the
    environment (it wins over anything kept)."""
    from kameng_tui.crypto import key_id

    key = parse_line(text)
    new_id = key_id(key)
    team_id = keys.status().team_key_id
    if keys.team and team_id is not None and team_id != new_id:
        raise BadInput(Msg("err.team_key.not_team", key_id=new_id, team_key_id=team_id), field="key")
    held = keys.opener()
    if held is not None and held.key_id == new_id:
        return Imported(new_id, "already")
    if keys.source() == "env":
        raise BadInput(Msg("err.team_key.env_wins"), field="key")
    if held is not None and not replace:
        raise BadInput(Msg("err.team_key.have_other", key_id=held.key_id, new_key_id=new_id), field="key")
    old = None if held is None else keys.held_key()
    backup = None if old is None or backup_dir is None else back_up(old, backup_dir)
    where = keys.keep(key, to_file=to_file)
    keys.forget()
    if keys.sealer() is None:                 # pragma: no cover - stored and read back above
        raise NoDataKey(keys.refusal())
    return Imported(new_id, where, None if held is None else held.key_id, backup)
