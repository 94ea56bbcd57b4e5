"""supplier serve | check | listen: the HTTP protocol's reference server, its
conformance checker, and a webhook receiver on 127.0.0.1."""

from __future__ import annotations

import argparse
import getpass
import json
import signal
import sys
import threading
from decimal import Decimal, InvalidOperation

from kameng_tui.cli.output import Out, is_tty
from kameng_tui.domain.errors import BadInput

SERVE_SECRET_ENV = "KAMENG_TUI_SERVE_SECRET"
CHECK_SECRET_ENV = "KAMENG_TUI_CHECK_SECRET"


def register(sup: argparse._SubParsersAction) -> None:
    p = sup.add_parser("serve", help="run the reference supplier server (protocol v1) on 127.0.0.1")
    p.add_argument("--port", type=int, default=0, help="0 = any free port (printed)")
    p.add_argument("--key-id", default="test", help="the key id resellers sign with")
    p.add_argument("--secret-stdin", action="store_true", help=f"read the shared secret from stdin (or set {SERVE_SECRET_ENV})")
    p.add_argument("--faults", default="", metavar="SPEC", help="e.g. latency=20,jitter=5,err500=0.05,seed=7")
    p.add_argument("--state", help="its SQLite books (default: <data dir>/refserver.db)")
    p.add_argument("--log", help="request log, one JSON line per request (default: <data dir>/refserver-requests.jsonl)")
    p.add_argument("--webhook-url", help="POST signed order updates here")
    p.add_argument("--catalog-size", type=int, default=2000)
    p.add_argument("--balance", default="1000000", help="starting balance in yuan")
    p.add_argument("--rate", type=float, default=0.0, help="requests/s allowed per key (0 = unlimited)")
    p.add_argument("--broken", default="", help=argparse.SUPPRESS)   # deliberately broken variants for tests
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_serve)

    p = sup.add_parser("check", help="run the protocol's conformance checks against a live server")
    p.add_argument("url")
    p.add_argument("--key-id", required=True)
    p.add_argument("--secret-stdin", action="store_true", help=f"read the secret from stdin (or set {CHECK_SECRET_ENV})")
    p.add_argument("--timeout", type=float, default=10.0, help="per-request timeout, seconds")
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_check)

    p = sup.add_parser("listen", help="receive signed webhooks on 127.0.0.1 and record them in the ledger")
    p.add_argument("name", help="the configured http supplier the webhooks come from")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--json", action="store_true")
    p.set_defaults(handler=cmd_listen)


def _secret(args, env_name: str, env) -> str:
    if args.secret_stdin:
        value = sys.stdin.readline().strip()
    else:
        value = env.get(env_name, "")
        if not value and is_tty():
            value = getpass.getpass("shared secret (hidden): ").strip()
    if not value:
        raise BadInput(f"没有共享密钥：用 --secret-stdin 或设置 {env_name}",
                       message_en=f"no shared secret: use --secret-stdin or set {env_name}", field="secret")
    return value


def _port(value: int) -> int:
    if not 0 <= value <= 65535:
        raise BadInput(f"--port 应在 0..65535，收到 {value}", message_en=f"--port must be 0..65535, got {value}", field="port")
    return value


def cmd_serve(args, ctx, out: Out) -> int:
    from kameng_tui.suppliers.http.faults import Faults
    from kameng_tui.suppliers.http.refserver import BROKEN, RefServer, ServerConfig

    faults = Faults.parse(args.faults)
    secret = _secret(args, SERVE_SECRET_ENV, ctx.env)
    try:
        balance = Decimal(args.balance)
    except InvalidOperation:
        raise BadInput(f"--balance 不是金额：{args.balance!r}", message_en=f"--balance is not an amount: {args.balance!r}",
                       field="balance") from None
    broken = frozenset(b for b in args.broken.split(",") if b)
    if broken - set(BROKEN):
        raise BadInput(f"--broken 未知：{', '.join(sorted(broken - set(BROKEN)))}",
                       message_en=f"--broken: unknown {', '.join(sorted(broken - set(BROKEN)))}", field="broken")
    if not 1 <= args.catalog_size <= 300_000:
        raise BadInput("--catalog-size 应在 1..300000", message_en="--catalog-size must be 1..300000", field="catalog-size")
    if args.webhook_url and not args.webhook_url.startswith(("http://", "https://")):
        raise BadInput("--webhook-url 应以 http:// 或 https:// 开头", message_en="--webhook-url must start with http(s)://",
                       field="webhook-url")
    data = ctx.paths.data_dir
    cfg = ServerConfig(key_id=args.key_id, secret=secret, state_path=args.state or str(data / "refserver.db"),
                       log_path=args.log or str(data / "refserver-requests.jsonl"), faults=faults,
                       webhook_url=args.webhook_url, catalog_size=args.catalog_size, balance=balance,
                       rate=args.rate, broken=broken)
    try:
        server = RefServer(cfg, port=_port(args.port))
    except OSError as exc:
        raise BadInput(f"无法监听 127.0.0.1:{args.port}：{exc.strerror}",
                       message_en=f"cannot listen on 127.0.0.1:{args.port}: {exc.strerror}", field="port") from None
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.httpd.shutdown, daemon=True).start())
    ready = {"version": 1, "url": server.url, "port": server.port, "key_id": cfg.key_id, "faults": faults.spec(),
             "state": cfg.state_path, "log": cfg.log_path}
    if out.json_mode:
        print(json.dumps(ready), flush=True)
    else:
        out.console().print(out.t(f"参考供货商已启动：{server.url}  key id {cfg.key_id}  故障 {faults.spec() or '无'}",
                                  f"reference supplier at {server.url}  key id {cfg.key_id}  faults {faults.spec() or 'none'}"))
        out.console().print(out.t(f"请求日志：{cfg.log_path}；Ctrl-C 停止", f"request log: {cfg.log_path}; Ctrl-C stops"))
        sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.httpd.server_close()
    return 0


def cmd_check(args, ctx, out: Out) -> int:
    from kameng_tui.suppliers.http.checker import run_checks

    secret = _secret(args, CHECK_SECRET_ENV, ctx.env)
    if not args.url.startswith(("http://", "https://")):
        raise BadInput("URL 应以 http:// 或 https:// 开头", message_en="the URL must start with http:// or https://", field="url")
    results = run_checks(args.url, args.key_id, secret, timeout=args.timeout)
    ok = all(r.passed for r in results)
    if out.json_mode:
        out.items([{"name": r.name, "passed": r.passed, "detail": r.detail} for r in results], ok=ok)
    else:
        from rich.table import Table

        table = Table(box=None, header_style="bold")
        table.add_column(out.t("检查项", "check"))
        table.add_column(out.t("结果", "result"))
        table.add_column(out.t("说明", "detail"))
        for r in results:
            table.add_row(r.name, "[green]PASS[/]" if r.passed else "[bold red]FAIL[/]", r.detail)
        con = out.console()
        con.print(table)
        passed = sum(r.passed for r in results)
        con.print(out.t(f"{passed}/{len(results)} 通过", f"{passed}/{len(results)} passed"))
    return 0 if ok else 1


async def cmd_listen(args, ctx, out: Out) -> int:
    from kameng_tui.services.webhooks import WebhookListener

    listener = WebhookListener(ctx, args.name, port=_port(args.port))
    await listener.start()
    ready = {"version": 1, "url": listener.url, "port": listener.port, "supplier": args.name}
    if out.json_mode:
        print(json.dumps(ready), flush=True)
    else:
        out.console().print(out.t(f"正在 {listener.url} 接收 {args.name} 的回调；Ctrl-C 停止",
                                  f"receiving {args.name}'s webhooks at {listener.url}; Ctrl-C stops"))
        sys.stdout.flush()
    await listener.serve_until_stopped()
    return 0
