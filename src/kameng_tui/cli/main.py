"""`kameng-tui`: with no arguments the TUI; with a command, the shell face.

Exit codes (DESIGN.md, docs/cli-json.md): 0 done; 1 an order failed definitively; 2 bad
input or usage, disk full, read-only (nothing sent); 3 not settled yet; 4 ledger tampering;
5 ledger busy; 70 internal error, only when no order was sent; 130 Ctrl-C.
No traceback reaches a user: every KamengError becomes a message, anything else a
one-line internal error with the log file's path; a failure after an order was recorded
or sent names the order (cli/failures.py).
"""

from __future__ import annotations

import argparse
import logging
import sys
from types import CoroutineType
from typing import TYPE_CHECKING, Callable, Sequence

if TYPE_CHECKING:
    from kameng_tui.cli.output import Out
    from kameng_tui.cli.parser import Parser
    from kameng_tui.services.shop import Entry, Shop

log = logging.getLogger("kameng_tui")
log.addHandler(logging.NullHandler())   # before the log file is set up, nothing reaches stderr
log.propagate = False


COMMAND_MODULES: dict[str, str] = {
    "order": "orders", "show": "orders", "history": "orders", "reconcile": "orders", "balance": "orders",
    "batch": "batch",
    "catalog": "catalog", "match": "offers",
    "report": "reports", "claims": "reports", "suggest": "reports", "refund": "reports", "export": "reports",
    "ledger": "admin", "secrets": "admin", "supplier": "admin", "config": "admin",
}
"""Which cli module registers each command (tests/engine/test_cli_start.py holds it equal to
the full tree), in the order the full tree registers them."""


def build_parser(lang: str = "zh", command: str | None = None) -> Parser:
    """The command tree; help texts in `lang` (they are rendered now, not at --help).

    With `command` (a name in COMMAND_MODULES), only the module that registers it is imported
    and registered: its parse, help and usage errors are the same as in the whole tree, and a
    command does not pay for importing the others'. The top level's help and an unknown
    command's error need the whole tree (command None)."""
    from importlib import import_module

    from kameng_tui.cli.output import helps
    from kameng_tui.cli.parser import Parser

    h = helps(lang)
    parser = Parser(prog="kameng-tui", description=h("help.description"))
    parser.add_argument("--lang", choices=["zh", "en"], help=h("help.lang"))
    parser.add_argument("--version", action="store_true", help=h("help.version"))
    sub = parser.add_subparsers(dest="command", parser_class=Parser)
    names = dict.fromkeys(COMMAND_MODULES.values()) if command is None else [COMMAND_MODULES[command]]
    for name in names:
        import_module(f"kameng_tui.cli.{name}").register(sub, lang)
    return parser


def _command_of(argv: list[str]) -> str | None:
    """The command named in argv, when the tree for it alone parses argv as the whole tree
    would: None for no command, an unknown one, or a top-level -h before it."""
    after_lang = False
    for token in argv:
        if token.startswith("-"):
            if token == "-h" or token.startswith("--h"):
                return None
            after_lang = token.startswith("--l") and "=" not in token
            continue
        if after_lang:
            after_lang = False
            continue
        return token if token in COMMAND_MODULES else None
    return None


def _version_only(argv: list[str]) -> bool:
    """`kameng-tui --version` (maybe with `--lang zh|en`): the line, with nothing else imported."""
    rest = list(argv)
    if len(rest) == 3 and "--lang" in rest[:2]:
        i = rest.index("--lang")
        if rest[i + 1] not in ("zh", "en"):
            return False
        del rest[i:i + 2]
    return rest == ["--version"]


def main(argv: Sequence[str] | None = None, entry: Entry | None = None) -> int:
    """The CLI face. `entry` (from the console entry point, kameng_tui.__main__) opens the
    shop; the faces never build the service graph themselves."""
    from kameng_tui.cli.quiet_stdout import finish_stdout, quiet_stdout

    previous = quiet_stdout()
    try:
        return _main(argv, entry)
    finally:
        finish_stdout(previous)


def _main(argv: Sequence[str] | None, entry: Entry | None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if _version_only(argv):
        print(version_line())
        return 0
    from kameng_tui.cli.output import Out
    from kameng_tui.domain.errors import KamengError

    json_mode = "--json" in argv
    out = Out(json_mode=json_mode, lang=_lang_hint(argv))
    try:
        if not argv:
            return _run_tui(out, entry=entry)
        command = _command_of(argv)
        parser = build_parser(out.lang, command)
        args = parser.parse_args(argv)
        if args.lang:
            out.lang = args.lang
        if args.version and getattr(args, "command", None) is None:
            print(version_line())
            return 0
        handler: Callable | None = getattr(args, "handler", None)
        if handler is None and args.lang and getattr(args, "command", None) is None:
            return _run_tui(out, lang=args.lang, entry=entry)        # `kameng-tui --lang en`: the app, in English
        if handler is None:           # the top level's help lists every command
            (parser if command is None else build_parser(out.lang)).print_help()
            return 2
        if getattr(handler, "_before_shop", False):
            if entry is None:
                from kameng_tui.cli.parser import UsageError
                from kameng_tui.messages import Msg

                raise UsageError(Msg("err.cli.usage", message="kameng_tui.cli.main.main needs the entry"))
            return int(handler(args, entry, out) or 0)
        return _with_context(handler, args, out, entry)
    except KamengError as exc:
        out.error(exc)
        return exc.exit_code
    except Exception as exc:  # never a traceback: log it, say where (before any order: 70)
        return _failed(exc, None, out, entry)
    except KeyboardInterrupt as exc:
        return _failed(exc, None, out, entry)


def version_line() -> str:
    """`kameng-tui --version`: ours, and the Python and Textual it runs on (what a bug
    report needs first). Textual is named from its metadata, not imported."""
    import platform
    from importlib.metadata import PackageNotFoundError, version

    from kameng_tui import __version__

    try:
        textual = f"Textual {version('textual')}"
    except PackageNotFoundError:
        textual = "Textual -"
    return f"kameng-tui {__version__} (Python {platform.python_version()}, {textual})"


def _failed(exc: BaseException, ctx: Shop | None, out: Out, entry: Entry | None = None) -> int:
    from kameng_tui.cli.failures import report_failure
    from kameng_tui.domain.errors import KamengError

    if not isinstance(exc, (KamengError, KeyboardInterrupt)):
        _log_early(exc)
    return report_failure(exc, ctx, out, entry)


def _log_early(exc: BaseException) -> None:
    """Log an internal error, setting up the log file first if it failed before that."""
    if not any(getattr(h, "_kameng", False) for h in log.handlers):
        try:
            from kameng_tui.logs import setup_logging
            from kameng_tui.paths import app_paths

            setup_logging(app_paths(), "INFO")
        except Exception:  # nowhere to write: the one-line message still goes out
            return
    log.error("internal error", exc_info=exc)


def _lang_hint(argv: list[str]) -> str:
    """The language before anything is parsed (for --help and usage errors): `--lang`,
    else `[general] language` from the config file, else zh. A config that cannot be
    read is reported later, by the command itself."""
    if "--lang" in argv:
        i = argv.index("--lang")
        if i + 1 < len(argv) and argv[i + 1] in ("zh", "en"):
            return argv[i + 1]
    try:
        from kameng_tui.config import load_config
        from kameng_tui.paths import app_paths

        return load_config(app_paths().config_file).general.language
    except Exception:  # noqa: BLE001 - only a hint
        return "zh"


def _with_context(handler: Callable, args: argparse.Namespace, out: Out, entry: Entry | None) -> int:
    if entry is None:
        from kameng_tui.cli.parser import UsageError
        from kameng_tui.messages import Msg

        raise UsageError(Msg("err.cli.usage", message="kameng_tui.cli.main.main needs the entry (kameng_tui.__main__)"))
    ctx = entry.open()
    try:
        if not getattr(args, "lang", None):
            out.lang = ctx.settings_view.general.language
        for warning in ctx.startup_warnings():
            out.err_console().print(f"[yellow]{out.show(warning)}[/]")
        result = handler(args, ctx, out)
        if isinstance(result, CoroutineType):
            import asyncio                     # only for the commands that talk to suppliers

            result = asyncio.run(_close_after(result, ctx))
        return int(result or 0)
    except (Exception, KeyboardInterrupt) as exc:
        # What became of this command's orders decides the exit code (cli/failures.py).
        return _failed(exc, ctx, out, entry)
    finally:
        ctx.close()


async def _close_after(coro, ctx):
    try:
        return await coro
    finally:
        await ctx.aclose()


def _run_tui(out: Out, lang: str | None = None, entry: Entry | None = None) -> int:
    from kameng_tui.tui.tuning import pace_frames

    pace_frames()                          # before Textual is imported (tui/tuning.py)
    try:
        from kameng_tui.tui.app import run_app
    except ImportError:
        out.console().print(out.t("cli.no_tui"))
        build_parser(out.lang).print_help()
        return 0
    from kameng_tui.cli.quiet_stdout import real_stdout

    with real_stdout():
        return run_app(lang=lang, open_shop=None if entry is None else entry.open)


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
