"""The console entry point (`kameng-tui`, `python -m kameng_tui`): the only importer of the
composition root (kameng_tui/bootstrap.py), which it hands to the faces."""

from __future__ import annotations

from typing import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    from kameng_tui.bootstrap import ConsoleEntry
    from kameng_tui.cli.main import main as cli_main

    return cli_main(argv, entry=ConsoleEntry())


def run_app(headless: bool = False, lang: str | None = None) -> int:
    """The app alone, on the shop the root opens (tests start it this way)."""
    from kameng_tui.tui.tuning import pace_frames

    pace_frames()                          # before Textual is imported (tui/tuning.py)
    from kameng_tui.bootstrap import ConsoleEntry
    from kameng_tui.tui.app import run_app as run

    return run(headless=headless, lang=lang, open_shop=ConsoleEntry().open)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
