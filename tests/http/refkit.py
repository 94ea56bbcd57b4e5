"""The reference supplier server as a real subprocess on a free 127.0.0.1 port, and
helpers to read its books and request log from the outside."""

from __future__ import annotations

import json
import signal
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from kit import base_env

KEY_ID = "shop-1"
SECRET = "ref-secret-Zq9#only-for-tests"
START_BALANCE = Decimal("1000000")


@dataclass
class RefProc:
    proc: subprocess.Popen
    url: str
    port: int
    state: Path
    log: Path
    root: Path
    args: tuple[str, ...] = ()
    faults: str = ""
    key_id: str = KEY_ID

    def kill(self) -> None:
        """SIGKILL: no shutdown, no flush; what a crash or a power cut leaves behind."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=10)

    def restart(self, *, key_id: str | None = None, secret: str | None = None) -> "RefProc":
        """The server again, on the same port, state and request log (after stop or kill),
        optionally with another key id or secret (the wholesaler rotated them)."""
        extra = None if secret is None else {"KAMENG_TUI_SERVE_SECRET": secret}
        for attempt in range(20):
            try:
                return start_server(self.root, *self.args, faults=self.faults, port=self.port, env_extra=extra,
                                    key_id=self.key_id if key_id is None else key_id)
            except RuntimeError:             # the port not free again yet
                if attempt == 19:
                    raise
                time.sleep(0.1)
        raise AssertionError("unreachable")

    def stop(self) -> None:
        terminate(self.proc)

    def requests(self) -> list[dict]:
        if not self.log.exists():
            return []
        return [json.loads(line) for line in self.log.read_text(encoding="utf-8").splitlines() if line.strip()]

    def creates(self) -> dict[str, int]:
        """Create requests that got past the gate (the body was read as an order), per number."""
        out: dict[str, int] = {}
        for r in self.requests():
            if r["method"] == "POST" and r["path"] == "/v1/orders" and not str(r.get("outcome", "")).startswith("rejected:"):
                out[r["no"]] = out.get(r["no"], 0) + 1
        return out

    def orders(self) -> dict[str, dict]:
        con = sqlite3.connect(self.state)
        try:
            rows = con.execute("SELECT order_no, state, charged, refunded FROM orders").fetchall()
            return {no: {"state": st, "net": (Decimal(ch) - Decimal(rf)) / 10000} for no, st, ch, rf in rows}
        finally:
            con.close()

    def balance(self) -> Decimal:
        con = sqlite3.connect(self.state)
        try:
            return Decimal(con.execute("SELECT balance FROM account").fetchone()[0]) / 10000
        finally:
            con.close()


def start_server(root: Path, *args: str, faults: str = "", env_extra: dict | None = None, port: int = 0,
                 key_id: str = KEY_ID) -> RefProc:
    home = root / "server-home"
    home.mkdir(parents=True, exist_ok=True)
    env = base_env(home, **{"KAMENG_TUI_SERVE_SECRET": SECRET, **(env_extra or {})})
    state, log = root / "ref.db", root / "ref-requests.jsonl"
    cmd = [sys.executable, "-m", "kameng_tui", "supplier", "serve", "--json", "--port", str(port), "--key-id", key_id,
           "--state", str(state), "--log", str(log), "--faults", faults, *args]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    if not line:
        err = proc.stderr.read()
        raise RuntimeError(f"reference server did not start: {err[-2000:]}")
    ready = json.loads(line)
    return RefProc(proc, ready["url"], ready["port"], state, log, root, args, faults, key_id)


def client_env(home: Path, url: str, name: str = "ref", key_id: str = KEY_ID, **options: str) -> dict[str, str]:
    """A client home configured with one http supplier (config written directly)."""
    cfg = home / "config" / "config.toml"
    cfg.parent.mkdir(parents=True, exist_ok=True)
    lines = ["[[suppliers]]", f'name = "{name}"', 'kind = "http"', f'base_url = "{url}"', f'key_id = "{key_id}"']
    lines += [f'{k} = "{v}"' for k, v in options.items()]
    cfg.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return base_env(home, **{f"KAMENG_TUI_SECRET_{name.upper()}": SECRET})


def wait_for(pred, timeout: float = 10.0, step: float = 0.05):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        value = pred()
        if value:
            return value
        time.sleep(step)
    return pred()


def free_port() -> int:
    """A port free now (bind, read, close): for a process that must know another's port first."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def terminate(proc: subprocess.Popen) -> None:
    """SIGTERM, then SIGKILL if it has not ended within 5 s."""
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)


@dataclass
class Listener:
    """`kameng-tui supplier listen NAME --port P` as a real process: a user's webhook receiver,
    writing what it hears into the same ledger as the client."""

    proc: subprocess.Popen
    url: str

    def stop(self) -> None:
        terminate(self.proc)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream is not None:
                stream.close()


def start_listener(env: dict[str, str], port: int, name: str = "ref") -> Listener:
    cmd = [sys.executable, "-m", "kameng_tui", "supplier", "listen", name, "--port", str(port), "--json"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    if not line:
        raise RuntimeError(f"webhook listener did not start: {proc.stderr.read()[-2000:]}")
    return Listener(proc, json.loads(line)["url"])


def hooks_settled(ref: RefProc, quiet_s: float = 0.4, timeout: float = 30.0) -> list[dict]:
    """Wait until the server has sent every webhook it queued (its log stops growing)."""
    end = time.monotonic() + timeout
    last, since = -1, time.monotonic()
    while time.monotonic() < end:
        hooks = [r for r in ref.requests() if r["method"] == "HOOK"]
        if len(hooks) != last:
            last, since = len(hooks), time.monotonic()
        elif time.monotonic() - since >= quiet_s:
            return hooks
        time.sleep(0.05)
    raise AssertionError(f"webhooks still being sent after {timeout} s")
