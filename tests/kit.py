"""Helpers shared by the suite: a private environment per test and the CLI as a real
subprocess. Importable from any test directory as `kit`."""

from __future__ import annotations

import base64
import json
import os
import re
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




# --- English checks: what is catalog data, not our words ------------------------------------

# CJK ideographs, CJK punctuation (，。：；（）「」) and fullwidth forms.
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]")


def demo_data_words() -> list[str]:
    """Every Chinese string the demo catalog holds, longest first (so 移动话费10元 goes
    before 移动): an English screen may still show these, and only these."""
    from kameng_tui.suppliers.demo import generate_catalog

    words: set[str] = set()
    for p in generate_catalog():
        words.update((p.name, p.category_path, *p.category, *(x for kv in p.attributes for x in kv)))
        for f in p.account_fields:
            words.update((f.label, *f.options, *(x for k, vs in f.option_tree.items() for x in (k, *vs))))
    words.update(part for w in list(words) for part in w.split())     # a table may wrap a name at its spaces
    return sorted((w for w in words if CJK.search(w)), key=len, reverse=True)


# --- an in-memory keyring, installed in-process -----------------------------------------------

def in_memory_keyring():
    """A fresh in-memory keyring backend (never auto-selected)."""
    from keyring.backend import KeyringBackend

    class MemoryKeyring(KeyringBackend):
        priority = -1

        def __init__(self):
            super().__init__()
            self.store = {}

        def get_password(self, service, username):
            return self.store.get((service, username))

        def set_password(self, service, username, password):
            self.store[(service, username)] = password

        def delete_password(self, service, username):
            self.store.pop((service, username), None)

    return MemoryKeyring()
