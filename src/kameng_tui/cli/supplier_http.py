"""supplier serve | check | listen: the HTTP protocol's reference server, its
conformance checker, and a webhook receiver on 127.0.0.1."""

from __future__ import annotations

import argparse
import getpass
import json
import signal
import sys
import threading
from typing import Callable
from decimal import Decimal, InvalidOperation

from kameng_tui.cli.output import Out, helps, is_tty
from kameng_tui.domain.errors import BadInput
from kameng_tui.messages import Msg

SERVE_SECRET_ENV = "KAMENG_TUI_SERVE_SECRET"
CHECK_SECRET_ENV = "KAMENG_TUI_CHECK_SECRET"


def register(sup: argparse._SubParsersAction, lang: str = "zh") -> None:
    h = helps(lang)
    p = sup.add_parser("serve", help=h("help.supplier.serve"))
    p.add_argument("--port", type=int, default=0, help=h("help.supplier.serve.port"))
    p.add_argument("--key-id", default="test", help=h("help.supplier.serve.key_id"))
    p.add_argument("--secret-stdin", action="store_true", help=h("help.supplier.serve.secret_stdin", env=SERVE_SECRET_ENV))
    p.add_argument("--faults", default="", metavar="SPEC", help=h("help.supplier.serve.faults"))
    p.add_argument("--state", help=h("help.supplier.serve.state"))
    p.add_argument("--log", help=h("help.supplier.serve.log"))
    p.add_argument("--webhook-url", help=h("help.supplier.serve.webhook_url"))
    p.add_argument("--catalog-size", type=int, default=2000)
    p.add_argument("--catalog-style", choices=("demo", "reworded", "names"), default="demo", help=h("help.supplier.serve.catalog_style"))
    p.add_argument("--balance", default="1000000", help=h("help.supplier.serve.balance"))
    p.add_argument("--rate", type=float, default=0.0, help=h("help.supplier.serve.rate"))
    p.add_argument("--socket-timeout", type=float, default=30.0, help=h("help.supplier.serve.socket_timeout"))
    p.add_argument("--max-threads", type=int, default=64, help=h("help.supplier.serve.max_threads"))
    p.add_argument("--broken", default="", help=argparse.SUPPRESS)   # deliberately broken variants for tests
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_serve)

    p = sup.add_parser("check", help=h("help.supplier.check"))
    p.add_argument("url")
    p.add_argument("--key-id", required=True)
    p.add_argument("--secret-stdin", action="store_true", help=h("help.supplier.check.secret_stdin", env=CHECK_SECRET_ENV))
    p.add_argument("--timeout", type=float, default=10.0, help=h("help.supplier.check.timeout"))
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_check)

    p = sup.add_parser("listen", help=h("help.supplier.listen"))
    p.add_argument("name", help=h("help.supplier.listen.name"))
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_listen)


def _secret(args, env_name: str, env: Callable[[str], str | None], out: Out) -> str:
    if args.secret_stdin:
        value = sys.stdin.readline().strip()
    else:
        value = env(env_name) or ""
        if not value and is_tty():
            value = getpass.getpass(out.t("cli.serve.secret_prompt")).strip()
    if not value:
        raise BadInput(Msg("err.cli.no_shared_secret", env=env_name), field="secret")
    return value


def _port(value: int) -> int:
    if not 0 <= value <= 65535:
        raise BadInput(Msg("err.cli.port", value=value), field="port")
    return value


def cmd_serve(args, ctx, out: Out) -> int:
    from kameng_tui.refserver.faults import Faults
    from kameng_tui.refserver.server import BROKEN, RefServer, ServerConfig

    faults = Faults.parse(args.faults)
    secret = _secret(args, SERVE_SECRET_ENV, ctx.env_value, out)
    try:
        balance = Decimal(args.balance)
    except InvalidOperation:
        raise BadInput(Msg("err.cli.not_amount", option="--balance", text=repr(args.balance)), field="balance") from None
    broken = frozenset(b for b in args.broken.split(",") if b)
    if broken - set(BROKEN):
        raise BadInput(Msg("err.cli.broken", unknown=", ".join(sorted(broken - set(BROKEN)))), field="broken")
    if not 1 <= args.catalog_size <= 300_000:
        raise BadInput(Msg("err.cli.catalog_size"), field="catalog-size")
    if args.webhook_url and not args.webhook_url.startswith(("http://", "https://")):
        raise BadInput(Msg("err.cli.url_scheme", option="--webhook-url"), field="webhook-url")
    if not (0 < args.socket_timeout <= 3600 and 1 <= args.max_threads <= 4096):
        raise BadInput(Msg("err.cli.serve_bounds"), field="socket-timeout")
    data = ctx.settings_view.data_dir
    cfg = ServerConfig(key_id=args.key_id, secret=secret, state_path=args.state or str(data / "refserver.db"),
                       log_path=args.log or str(data / "refserver-requests.jsonl"), faults=faults,
                       webhook_url=args.webhook_url, catalog_size=args.catalog_size, catalog_style=args.catalog_style, balance=balance,
                       rate=args.rate, broken=broken, socket_timeout_s=args.socket_timeout, max_threads=args.max_threads)
    try:
        server = RefServer(cfg, port=_port(args.port))
    except OSError as exc:
        raise BadInput(Msg("err.cli.listen", port=args.port, error=exc.strerror), field="port") from None
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.httpd.shutdown, daemon=True).start())
    ready = {"version": 1, "url": server.url, "port": server.port, "key_id": cfg.key_id, "faults": faults.spec(),
             "state": cfg.state_path, "log": cfg.log_path}
    if out.json_mode:
        print(json.dumps(ready), flush=True)
    else:
        out.console().print(out.t("cli.serve.started", url=server.url, key_id=cfg.key_id,
                                  faults=faults.spec() or Msg("word.none")))
        out.console().print(out.t("cli.serve.log", path=cfg.log_path))
        sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.httpd.server_close()
    return 0


def cmd_check(args, ctx, out: Out) -> int:
    from kameng_tui.testing.checker import run_checks

    secret = _secret(args, CHECK_SECRET_ENV, ctx.env_value, out)
    if not args.url.startswith(("http://", "https://")):
        raise BadInput(Msg("err.cli.url_scheme", option="URL"), field="url")
    results = run_checks(args.url, args.key_id, secret, timeout=args.timeout)
    ok = all(r.passed for r in results)
    if out.json_mode:
        out.items([{"name": r.name, "passed": r.passed, "detail": r.detail} for r in results], ok=ok)
    else:
        from rich.table import Table

        table = Table(box=None, header_style="bold")
        table.add_column(out.t("cli.check.col.check"))
        table.add_column(out.t("cli.check.col.result"))
        table.add_column(out.t("cli.check.col.detail"))
        for r in results:
            table.add_row(r.name, "[green]PASS[/]" if r.passed else "[bold red]FAIL[/]", r.detail)
        con = out.console()
        con.print(table)
        passed = sum(r.passed for r in results)
        con.print(out.t("cli.check.passed", passed=passed, total=len(results)))
    return 0 if ok else 1


async def cmd_listen(args, ctx, out: Out) -> int:

    listener = ctx.webhook_listener(args.name, port=_port(args.port))
    await listener.start()
    ready = {"version": 1, "url": listener.url, "port": listener.port, "supplier": args.name}
    if out.json_mode:
        print(json.dumps(ready), flush=True)
    else:
        out.console().print(out.t("cli.listen.started", url=listener.url, name=args.name))
        sys.stdout.flush()
    await listener.serve_until_stopped()
    return 0
