"""Writing an export's files whole or not at all: each is written to a temporary file
in its own directory and renamed over the name asked for, so a reader (or a crash, a
full disk, a name that is a directory) never leaves half a file; every failure becomes
a typed error that names the place and says why, with nothing left behind."""

from __future__ import annotations

import errno
import os
import tempfile
from pathlib import Path
from typing import Callable

from kameng_tui.domain.errors import BadInput, DiskFull, KamengError, ReadOnlyStorage, StorageError
from kameng_tui.messages import Msg

Writer = Callable[[Path], object]
"""Writes one file's content to the path it is given (a temporary name)."""


def place_error(exc: OSError, path: Path) -> KamengError:
    """Why `path` cannot be written, in the reader's words (by errno, never the OS's text)."""
    code = exc.errno or 0
    if code in (errno.ENOSPC, errno.EDQUOT):
        return DiskFull(Msg("err.export.place", path=str(path), why=Msg("err.export.why.full")), path=str(path))
    if code in (errno.EROFS, errno.EACCES, errno.EPERM):
        return ReadOnlyStorage(Msg("err.export.place", path=str(path), why=Msg("err.export.why.denied")),
                               path=str(path))
    why = {errno.ENOTDIR: Msg("err.export.why.not_a_dir"), errno.EISDIR: Msg("err.export.why.is_dir"),
           errno.ENOENT: Msg("err.export.why.no_dir"), errno.EEXIST: Msg("err.export.why.not_a_dir")}.get(code)
    if why is None:
        return StorageError(Msg("err.export.place", path=str(path),
                                why=Msg("err.export.why.other", code=errno.errorcode.get(code, str(code)))),
                            path=str(path))
    return BadInput(Msg("err.export.place", path=str(path), why=why), field="output")


def make_parent(dest: Path) -> None:
    """Create the directory an export goes to (0700), as the TUI's default place needs."""
    try:
        dest.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise place_error(exc, dest.parent) from None


def is_stream(dest: Path) -> bool:
    """A place that is no regular file: /dev/stdout, a pipe. Written straight to; never
    renamed over (that would replace the device node itself)."""
    return dest.exists() and not dest.is_file() and not dest.is_dir()


def write_whole(files: list[tuple[Path, Writer]]) -> None:
    """Write every (dest, writer) to a temporary file beside dest (0600), then rename
    them all into place. Any failure removes every temporary file and raises a typed
    error naming the place; files already in place before the call are untouched
    unless every new file was written. A stream (`is_stream`) is written straight to."""
    temps: list[tuple[Path, Path]] = []
    try:
        for dest, writer in files:
            if is_stream(dest):
                try:
                    writer(dest)
                except OSError as exc:
                    raise place_error(exc, dest) from None
                continue
            if dest.is_dir():
                raise BadInput(Msg("err.export.place", path=str(dest), why=Msg("err.export.why.is_dir")),
                               field="output")
            try:
                fd, name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.stem}-", suffix=f".part{dest.suffix}")
            except OSError as exc:
                raise place_error(exc, dest.parent) from None
            os.close(fd)
            temps.append((Path(name), dest))
            try:
                writer(Path(name))
                _fsync(Path(name))
            except OSError as exc:
                raise place_error(exc, dest) from None
        for tmp, dest in temps:
            try:
                os.replace(tmp, dest)
            except OSError as exc:
                raise place_error(exc, dest) from None
    finally:
        for tmp, _ in temps:
            tmp.unlink(missing_ok=True)


def _fsync(path: Path) -> None:
    with path.open("rb+") as fh:
        os.fsync(fh.fileno())
