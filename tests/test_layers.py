"""The layers of DESIGN.md hold: import-linter's contracts in pyproject.toml, and a
fresh interpreter importing the domain pulls in no UI, HTTP or SQL library."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_import_linter_contracts_hold():
    lint = Path(sys.executable).with_name("lint-imports")
    r = subprocess.run([str(lint)], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_domain_imports_nothing_heavy():
    code = ("import sys, kameng_tui.domain.models, kameng_tui.domain.states, kameng_tui.domain.money;"
            "print(','.join(m for m in ('textual','rich','httpx','sqlite3','keyring','pypinyin') if m in sys.modules))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert r.returncode == 0 and r.stdout.strip() == "", r.stdout + r.stderr
