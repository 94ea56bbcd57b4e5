"""A reader that left: `kameng-tui history --json | head -c 10` ends with the command's own
exit code, never a BrokenPipeError or 141. Its own module (not cli/failures.py) so that
every command, `--version` too, installs it without importing the failure reports."""

from __future__ import annotations

import os
import sys
from contextlib import contextmanager
from typing import Any, Iterator, TextIO


class QuietStdout:
    """stdout that goes quiet when its reader leaves: the rest of the output is dropped
    (fd 1 becomes /dev/null) and the command finishes with its own exit code, never a
    BrokenPipeError or 141."""

    def __init__(self, inner: TextIO) -> None:
        self._inner = inner

    def write(self, text: str) -> int:
        try:
            return self._inner.write(text)
        except BrokenPipeError:
            self._silence()
            return len(text)

    def flush(self) -> None:
        try:
            self._inner.flush()
        except BrokenPipeError:
            self._silence()

    def _silence(self) -> None:
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, self._inner.fileno())
            os.close(devnull)
        except (OSError, ValueError):   # no real fd (a test's capture): nothing to redirect
            pass

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def quiet_stdout() -> TextIO:
    """Install QuietStdout; returns the stdout it wraps (to put back)."""
    previous = sys.stdout
    if not isinstance(previous, QuietStdout):
        sys.stdout = QuietStdout(previous)
    return previous


@contextmanager
def real_stdout() -> Iterator[None]:
    """The terminal app draws on the real stdout, not through the quiet wrapper."""
    wrapped = sys.stdout
    if isinstance(wrapped, QuietStdout):
        sys.stdout = wrapped._inner
    try:
        yield
    finally:
        sys.stdout = wrapped


def finish_stdout(previous: TextIO) -> None:
    """Flush while the quiet wrapper still catches a reader that left, then put stdout back."""
    sys.stdout.flush()
    sys.stdout = previous
