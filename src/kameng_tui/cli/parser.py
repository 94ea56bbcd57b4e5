"""The CLI's argparse: a usage error raises (exit 2 with our JSON envelope and words in
the reader's language) instead of printing and exiting. Its own module so that the
command modules (cli/supplier_kinds.py) can subclass it without importing cli/main.py."""

from __future__ import annotations

import argparse
from typing import NoReturn

from kameng_tui.cli.usage_words import usage_message
from kameng_tui.domain.errors import KamengError
from kameng_tui.messages import Msg


class UsageError(KamengError):
    code = "usage"


class Parser(argparse.ArgumentParser):
    """argparse that raises (exit 2 with our envelope) instead of printing and exiting."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(Msg("err.cli.usage", message=usage_message(message)))
