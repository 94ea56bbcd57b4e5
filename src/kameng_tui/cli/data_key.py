"""`secrets export-data-key` and `secrets import-data-key` (issue 19): one team data key
for 卡密, moved between terminals by hand.

Export writes the key once, to one place: a new 0600 file (`--to`, never overwritten)
or stdout when stdout is not a terminal (a pipe: `... | ssh clerk kameng-tui secrets
import-data-key`, or a redirect). To a terminal it is refused: a key on a screen lives
on in scrollback, tmux history and shoulders. Import reads stdin (without echo when it
is a terminal) or a file; never an argument (shell history). Neither prints the key,
logs it or names it in an error: only its public id (crypto.key_id).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any, Callable

from kameng_tui.cli.output import Out
from kameng_tui.domain.errors import BadInput
from kameng_tui.messages import Msg


def register(sec: "argparse._SubParsersAction[Any]", h: Callable[..., str]) -> None:
    p = sec.add_parser("export-data-key", help=h("help.secrets.export_data_key"))
    p.add_argument("--to", help=h("help.secrets.export_to"))
    p.set_defaults(handler=cmd_export)
    p = sec.add_parser("import-data-key", help=h("help.secrets.import_data_key"))
    p.add_argument("source", nargs="?", default="-", help=h("help.secrets.import_source"))
    p.add_argument("--key-file", action="store_true", help=h("help.secrets.import_key_file"))
    p.add_argument("--replace", action="store_true", help=h("help.secrets.import_replace"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_import)


def _stdout_is_terminal() -> bool:
    try:
        return os.isatty(sys.stdout.fileno())
    except (AttributeError, ValueError, OSError):
        return False


def cmd_export(args: argparse.Namespace, ctx: Any, out: Out) -> int:
    from kameng_tui.services.team_key import export_line

    if not args.to and _stdout_is_terminal():
        raise BadInput(Msg("err.team_key.export_terminal"), field="to")
    dest = Path(args.to).expanduser() if args.to else None
    if dest is not None and (dest.exists() or dest.is_symlink()):
        raise BadInput(Msg("err.team_key.export_exists", path=str(dest)), field="to")
    line = export_line(ctx.data_key)
    if dest is None:
        sys.stdout.write(line)
        sys.stdout.flush()
        return 0
    try:
        fd = os.open(dest, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise BadInput(Msg("err.team_key.export_exists", path=str(dest)), field="to") from None
    except OSError as exc:
        raise BadInput(Msg("err.team_key.export_failed", path=str(dest), reason=exc.strerror or ""),
                       field="to") from None
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(line)
    sys.stderr.write(out.t("cli.team_key.exported", path=str(dest)) + "\n")
    return 0


def _read_source(source: str) -> str:
    if source != "-":
        try:
            return Path(source).expanduser().read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            raise BadInput(Msg("err.team_key.unreadable", path=source), field="source") from None
    if sys.stdin.isatty():
        import getpass

        return getpass.getpass("")          # pasted without echo
    return sys.stdin.read()


def cmd_import(args: argparse.Namespace, ctx: Any, out: Out) -> int:
    from kameng_tui.services.team_key import import_key

    done = import_key(ctx.data_key, _read_source(args.source), to_file=args.key_file, replace=args.replace,
                      backup_dir=ctx.settings_view.config_file.parent)
    if done.backup is not None and not out.json_mode:
        sys.stderr.write(out.t("cli.team_key.replaced_backup", key_id=done.replaced, path=str(done.backup)) + "\n")
    return out.done(Msg(f"cli.team_key.imported.{done.where}", key_id=done.key_id), key_id=done.key_id,
                    where=done.where, replaced=done.replaced, backup=None if done.backup is None else str(done.backup))
