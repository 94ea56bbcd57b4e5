"""Helpers shared by the suite: a private environment per test and the CLI as a real
subprocess. Importable from any test directory as `kit`."""

from __future__ import annotations

import base64
import json
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATA_KEY = base64.b64encode(bytes(range(32))).decode()


def base_env(home: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KAMENG_TUI_")}
    env.update({
        "KAMENG_TUI_HOME": str(home),
        "KAMENG_TUI_DATA_KEY": DATA_KEY,
        # Subprocesses never touch a real keyring: the env opt-ins are the path under test.
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        "KAMENG_TUI_DEMO_LATENCY_MS": "0",
        "PYTHONUNBUFFERED": "1",
    })
    env.update(extra)
    return env


@dataclass
class CliResult:
    code: int
    stdout: str
    stderr: str

    @property
    def json(self) -> Any:
        return json.loads(self.stdout)


def run_cli(env: dict[str, str], *args: str, stdin: str | None = None, timeout: float = 120) -> CliResult:
    proc = subprocess.run(
        [sys.executable, "-m", "kameng_tui", *args],
        env=env, input=stdin, capture_output=True, text=True, timeout=timeout,
    )
    return CliResult(proc.returncode, proc.stdout, proc.stderr)


