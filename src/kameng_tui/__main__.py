"""The console entry point (`kameng-tui`, `python -m kameng_tui`): the only importer of the
composition root (kameng_tui/bootstrap.py), which it hands to the faces."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Sequence

if TYPE_CHECKING:
    from kameng_tui.domain.errors import KamengError
    from kameng_tui.services.shop import Shop
    from kameng_tui.services.team_init import TeamInit


class LazyEntry:
    """The `Entry` (services/shop.py) the CLI gets: the composition root is imported only
    when a command opens the shop or classifies a storage failure, so `--version`, `--help`
    and a usage error start without the service graph's modules (benchmarks/bench_cli_start.py)."""

    def open(self) -> Shop:
        from kameng_tui.bootstrap import ConsoleEntry

        return ConsoleEntry().open()

    def storage_failure(self, exc: BaseException, where: Path | None) -> KamengError | None:
        from kameng_tui.bootstrap import storage_failure

        return storage_failure(exc, where)

    def init_team_ledger(self) -> TeamInit:
        from kameng_tui.bootstrap import ConsoleEntry

        return ConsoleEntry().init_team_ledger()

    def migrate_team_schema(self) -> int:
        from kameng_tui.bootstrap import ConsoleEntry

        return ConsoleEntry().migrate_team_schema()

    def move_to_team(self, url: str) -> dict[str, object]:
        from kameng_tui.bootstrap import ConsoleEntry

        return ConsoleEntry().move_to_team(url)


def main(argv: Sequence[str] | None = None) -> int:
    from kameng_tui.cli.main import main as cli_main

    return cli_main(argv, entry=LazyEntry())


def run_app(headless: bool = False, lang: str | None = None) -> int:
    """The app alone, on the shop the root opens (tests start it this way)."""
    from kameng_tui.tui.tuning import pace_frames

    pace_frames()                          # before Textual is imported (tui/tuning.py)
    from kameng_tui.bootstrap import ConsoleEntry
    from kameng_tui.tui.app import run_app as run

    return run(headless=headless, lang=lang, open_shop=ConsoleEntry().open)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
