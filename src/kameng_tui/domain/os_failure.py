"""What an operating system error means to a user: the disk is full, the place is
read-only, an I/O error (by errno, never by message text). The ledger adds SQLite's
own codes on top (ledger/connection.py); the faces need only this for the files they
write themselves (exports, config)."""

from __future__ import annotations

import errno
from pathlib import Path

from kameng_tui.domain.errors import DiskFull, KamengError, ReadOnlyStorage, StorageError
from kameng_tui.messages import Msg


def os_failure(exc: BaseException, where: Path | str | None = None) -> KamengError | None:
    """The typed error for an OSError that is a failure of the machine, or None (a bug
    stays a bug). `where`: the dir or file being written; the error's own filename wins."""
    if not isinstance(exc, OSError) or exc.errno is None:
        return None
    path = str(exc.filename) if exc.filename else (None if where is None else str(where))
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return DiskFull(Msg("err.storage.full", path=path or "?"), path=path)
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return ReadOnlyStorage(Msg("err.storage.read_only", path=path or "?"), path=path)
    if exc.errno == errno.EIO:
        return StorageError(Msg("err.storage.io", path=path or "?", detail=errno.errorcode[exc.errno]), path=path)
    return None
