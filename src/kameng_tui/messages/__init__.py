"""Every word a user reads, in zh (the default) and en, by key: one catalog for the
TUI, the CLI and every error message.

    from kameng_tui.messages import Msg, text
    text("catalog.count", "en", count=3)            # "3 products"
    raise BadInput(Msg("err.cli.port", value=port), field="port")

This package imports nothing from kameng_tui, so every layer (the domain included)
may use it. How to add a string: docs/messages.md.
"""

from kameng_tui.messages.catalog import CATALOG
from kameng_tui.messages.lookup import (DEFAULT_LANG, LANGS, HasMsg, Joined, Localized, Msg, Plain, lang_of, render,
                                        template, text)

__all__ = ["CATALOG", "DEFAULT_LANG", "LANGS", "HasMsg", "Joined", "Localized", "Msg", "Plain", "lang_of", "render",
           "template", "text"]
