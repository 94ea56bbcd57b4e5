"""What `make run` prints when the app closes: how to start it again. `make run`
installs into the project's .venv only (never PATH, never ~/.local/bin), so the
command is that venv's script, or `pipx install .` for `kameng-tui` anywhere.

    .venv/bin/python -m kameng_tui.cli.run_hint [--lang en]
"""

from __future__ import annotations

import sys
from pathlib import Path

from kameng_tui.messages import text


def hint(lang: str) -> str:
    script = Path(sys.executable).parent / "kameng-tui"
    return text("cli.run_hint", lang, script=str(script))


def main(argv: list[str] | None = None) -> int:
    from kameng_tui.cli.main import _lang_hint

    print(hint(_lang_hint(list(sys.argv[1:] if argv is None else argv))))
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
